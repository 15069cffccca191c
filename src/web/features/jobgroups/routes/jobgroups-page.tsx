/**
 * Job groups (PyFarm's /jobgroups/): groups with their owner and main job type, filtered by state, owner
 * and job type and sorted by any column; each row expands to its jobs with task counts. Groups are
 * created and renamed here.
 */
import { Fragment, useMemo, useState } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { EmptyState, ErrorState, Loading } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { StateBadge } from '../../../components/state-badge';
import { TaskProgress } from '../../../components/task-progress';
import { Link } from '../../../lib/router';
import { useSearchParams } from '../../../lib/search-params';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import {
  changeGroup,
  createGroup,
  deleteGroup,
  groupJobsQuery,
  groupsQuery,
  jobTypeNamesQuery,
  type GroupJob,
  type JobGroup,
} from '../api/jobgroups';

type SortKey = 'title' | 'user' | 'main_jobtype' | 'jobs' | 'queued' | 'running' | 'failed' | 'done';
const STATE_FILTERS = ['queued', 'paused', 'running', 'failed', 'any_done', 'all_done'] as const;
type StateFilter = (typeof STATE_FILTERS)[number];

interface Row {
  group: JobGroup;
  jobs: GroupJob[] | undefined;
  counts: { jobs: number; queued: number; running: number; failed: number; done: number };
}

function matchesState(filter: StateFilter, jobs: readonly GroupJob[]): boolean {
  switch (filter) {
    case 'any_done':
      return jobs.some((j) => j.state === 'done');
    case 'all_done':
      return jobs.length > 0 && jobs.every((j) => j.state === 'done');
    default:
      return jobs.some((j) => j.state === filter);
  }
}

export function JobGroupsPage() {
  const session = useSession();
  const { params, update } = useSearchParams();
  const groups = useQuery(groupsQuery);
  const jobtypes = useQuery(jobTypeNamesQuery);
  const jobLists = useQueries({ queries: (groups.data ?? []).map((g) => groupJobsQuery(g.id)) });
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [editing, setEditing] = useState<JobGroup | 'new'>();
  const [deleting, setDeleting] = useState<JobGroup>();
  const remove = useAction({
    run: (g: JobGroup) => deleteGroup(g.id),
    invalidates: ['jobgroups'],
    success: (_r, g) => `Deleted ${g.title}`,
    failure: 'Could not delete the group',
    onSuccess: () => setDeleting(undefined),
  });

  const sort = (params.get('sort') as SortKey | null) ?? 'title';
  const dir = params.get('dir') === 'desc' ? -1 : 1;
  const stateFilters = params
    .getAll('st')
    .filter((s): s is StateFilter => (STATE_FILTERS as readonly string[]).includes(s));
  const userFilter = params.get('u');
  const typeFilter = params.get('jt');

  const rows = useMemo(() => {
    const all: Row[] = (groups.data ?? []).map((group, i) => {
      const jobs = jobLists[i]?.data?.jobs;
      const sum = (k: 'tasks_queued' | 'tasks_running' | 'tasks_failed' | 'tasks_done') =>
        (jobs ?? []).reduce((n, j) => n + j[k], 0);
      return {
        group,
        jobs,
        counts: {
          jobs: jobs?.length ?? 0,
          queued: sum('tasks_queued'),
          running: sum('tasks_running'),
          failed: sum('tasks_failed'),
          done: sum('tasks_done'),
        },
      };
    });
    const filtered = all.filter(
      (r) =>
        (!userFilter || r.group.user === userFilter) &&
        (!typeFilter || r.group.main_jobtype === typeFilter) &&
        (stateFilters.length === 0 ||
          (r.jobs !== undefined && stateFilters.some((f) => matchesState(f, r.jobs!)))),
    );
    const key = (r: Row): string | number => {
      switch (sort) {
        case 'title':
          return r.group.title.toLowerCase();
        case 'user':
          return r.group.user ?? '';
        case 'main_jobtype':
          return r.group.main_jobtype;
        default:
          return r.counts[sort];
      }
    };
    return filtered.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }, [groups.data, jobLists, sort, dir, stateFilters, userFilter, typeFilter]);

  const users = [
    ...new Set((groups.data ?? []).map((g) => g.user).filter((u): u is string => u !== null)),
  ].sort();
  const header = (key: SortKey, label: string, num = false) => (
    <th
      className={num ? 'num' : undefined}
      aria-sort={sort === key ? (dir === 1 ? 'ascending' : 'descending') : undefined}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() =>
          update({ sort: key, dir: sort === key && dir === 1 ? 'desc' : null }, { replace: true })
        }
      >
        {label}
        <span className="sort-indicator" aria-hidden="true">
          {sort === key ? (dir === 1 ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );

  return (
    <>
      <PageHeader
        title="Job groups"
        subtitle="Jobs submitted together, e.g. the render, denoise and encode of one shot."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New group
          </button>
        }
      />
      <div className="card">
        <div className="toolbar">
          <span className="muted">With jobs that are</span>
          {STATE_FILTERS.map((s) => (
            <label key={s} className="checkbox">
              <input
                type="checkbox"
                checked={stateFilters.includes(s)}
                onChange={(e) =>
                  update(
                    { st: e.target.checked ? [...stateFilters, s] : stateFilters.filter((x) => x !== s) },
                    { replace: true },
                  )
                }
              />
              {s.replace('_', ' ')}
            </label>
          ))}
          <span className="spacer" />
          <select
            className="select"
            aria-label="Owner"
            value={userFilter ?? ''}
            onChange={(e) => update({ u: e.target.value || null }, { replace: true })}
          >
            <option value="">All owners</option>
            {users.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
          <select
            className="select"
            aria-label="Main job type"
            value={typeFilter ?? ''}
            onChange={(e) => update({ jt: e.target.value || null }, { replace: true })}
          >
            <option value="">All job types</option>
            {jobtypes.data?.map((t) => (
              <option key={t.id}>{t.name}</option>
            ))}
          </select>
        </div>
        {groups.isPending ? (
          <Loading />
        ) : groups.isError ? (
          <ErrorState error={groups.error} onRetry={() => void groups.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title={groups.data.length ? 'No group matches these filters' : 'No job groups yet'} />
        ) : (
          <div className="table-wrap">
            <table className="data" aria-label="Job groups">
              <thead>
                <tr>
                  <th style={{ width: 28 }} />
                  {header('title', 'Title')}
                  {header('user', 'Owner')}
                  {header('main_jobtype', 'Main job type')}
                  {header('jobs', 'Jobs', true)}
                  {header('queued', 'Queued', true)}
                  {header('running', 'Running', true)}
                  {header('failed', 'Failed', true)}
                  {header('done', 'Done', true)}
                  <th className="actions-cell">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const expanded = open.has(r.group.id);
                  const mine = session.isWrangler || r.group.user === session.me.username;
                  return (
                    <Fragment key={r.group.id}>
                      <tr>
                        <td>
                          <button
                            type="button"
                            className="tree-toggle"
                            aria-expanded={expanded}
                            aria-label={`${expanded ? 'Hide' : 'Show'} the jobs of ${r.group.title}`}
                            onClick={() => {
                              const next = new Set(open);
                              if (expanded) next.delete(r.group.id);
                              else next.add(r.group.id);
                              setOpen(next);
                            }}
                          >
                            {expanded ? '▾' : '▸'}
                          </button>
                        </td>
                        <td>
                          <strong>{r.group.title}</strong>
                        </td>
                        <td>{r.group.user ?? <span className="faint">—</span>}</td>
                        <td>{r.group.main_jobtype}</td>
                        <td className="num">{r.counts.jobs}</td>
                        <td className="num">{r.counts.queued}</td>
                        <td className="num">{r.counts.running}</td>
                        <td className="num">
                          {r.counts.failed ? <span className="error-text">{r.counts.failed}</span> : 0}
                        </td>
                        <td className="num">{r.counts.done}</td>
                        <td className="actions-cell">
                          {mine && (
                            <>
                              <button
                                type="button"
                                className="btn btn-sm"
                                onClick={() => setEditing(r.group)}
                              >
                                Edit
                              </button>{' '}
                              <button
                                type="button"
                                className="btn btn-sm btn-danger"
                                onClick={() => setDeleting(r.group)}
                                disabled={r.counts.jobs > 0}
                                title={r.counts.jobs > 0 ? 'Only empty groups can be deleted' : undefined}
                              >
                                Delete
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                      {expanded &&
                        (r.jobs ?? []).map((j) => (
                          <tr key={`j${j.id}`}>
                            <td />
                            <td colSpan={3} style={{ paddingLeft: 24 }}>
                              <StateBadge state={j.state} /> <Link to={`/jobs/${j.id}`}>{j.title}</Link>{' '}
                              <span className="faint">{j.jobtype}</span>
                            </td>
                            <td colSpan={6}>
                              <TaskProgress
                                counts={{
                                  queued: j.tasks_queued,
                                  running: j.tasks_running,
                                  done: j.tasks_done,
                                  failed: j.tasks_failed,
                                }}
                              />
                            </td>
                          </tr>
                        ))}
                      {expanded && r.jobs?.length === 0 && (
                        <tr>
                          <td />
                          <td colSpan={9} className="faint">
                            No jobs in this group.
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {editing && (
        <GroupDialog group={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete group"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        Delete the group <strong>{deleting?.title}</strong>?
      </ConfirmDialog>
    </>
  );
}

function GroupDialog({ group, onClose }: { group: JobGroup | undefined; onClose(): void }) {
  const jobtypes = useQuery(jobTypeNamesQuery);
  const [title, setTitle] = useState(group?.title ?? '');
  const [jobtype, setJobtype] = useState(group?.main_jobtype ?? '');
  const save = useAction({
    run: () =>
      group
        ? changeGroup(group.id, { title, main_jobtype: jobtype })
        : createGroup({ title, main_jobtype: jobtype }),
    invalidates: ['jobgroups'],
    success: group ? 'Group saved' : `Created ${title}`,
    failure: 'Could not save the group',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title={group ? `Group ${group.title}` : 'New job group'}
      onClose={onClose}
      onSubmit={() => save.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!title || !jobtype || save.isPending}>
            Save
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Title" className="wide">
          <input
            className="input"
            required
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            autoFocus
          />
        </Field>
        <Field label="Main job type">
          <select className="select" required value={jobtype} onChange={(e) => setJobtype(e.target.value)}>
            <option value="">Choose…</option>
            {jobtypes.data?.map((t) => (
              <option key={t.id}>{t.name}</option>
            ))}
          </select>
        </Field>
      </div>
    </Dialog>
  );
}
