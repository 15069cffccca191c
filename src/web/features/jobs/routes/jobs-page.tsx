/**
 * The jobs list (PyFarm's /jobs/): counts per state that double as the state filter, filters by title,
 * owner, job type, queue and hidden, sorting and paging done by the master (fast at 100,000 jobs), task
 * progress per job, row actions and bulk actions on the selection. Everything is in the URL.
 */
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type Column, type Sort } from '../../../components/data-table';
import { ConfirmDialog } from '../../../components/dialog';
import { EmptyState } from '../../../components/feedback';
import { Menu } from '../../../components/menu';
import { PageHeader } from '../../../components/page-header';
import { Pagination } from '../../../components/pagination';
import { StateBadge } from '../../../components/state-badge';
import { StateCounts } from '../../../components/state-counts';
import { TaskProgress } from '../../../components/task-progress';
import { Time } from '../../../components/time';
import { Link } from '../../../lib/router';
import { useSearchParams } from '../../../lib/search-params';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import {
  deleteJob,
  JOB_STATES,
  jobsQuery,
  jobStateCountsQuery,
  jobTypeChoicesQuery,
  queueChoicesQuery,
  runJobAction,
  userChoicesQuery,
  type JobAction,
  type JobFilters,
  type JobListItem,
  type JobListQuery,
  type JobState,
} from '../api/jobs';
import { BulkJobActions } from '../components/bulk-job-actions';
import { useDebouncedValue } from '../../../lib/use-debounced-value';

type SortKey = NonNullable<JobListQuery['order_by']>;
const SORT_KEYS: readonly SortKey[] = [
  'id',
  'title',
  'state',
  'time_submitted',
  'time_started',
  'time_finished',
  'priority',
  'weight',
  'user',
  'jobtype',
  'jobqueue',
];
/** Select values for "no owner" / "no queue" (names cannot be empty, so these never clash). */
const NONE = '-';

export function JobsPage() {
  const session = useSession();
  const { params, update } = useSearchParams();
  const [titleInput, setTitleInput] = useState(params.get('title') ?? '');
  const title = useDebouncedValue(titleInput.trim(), 300);
  const [selected, setSelected] = useState<Set<number>>(new Set());

  const states = new Set(
    params.getAll('state').filter((s): s is JobState => (JOB_STATES as readonly string[]).includes(s)),
  );
  const sortKey = (SORT_KEYS as readonly string[]).includes(params.get('sort') ?? '')
    ? (params.get('sort') as SortKey)
    : 'time_submitted';
  const sortDir =
    params.get('dir') === 'asc'
      ? 'asc'
      : params.get('dir') === 'desc'
        ? 'desc'
        : sortKey === 'time_submitted'
          ? 'desc'
          : 'asc';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const perPage = Number(params.get('per_page')) || 100;
  const hidden = params.get('hidden');

  const userParam = params.get('user');
  const queueParam = params.get('queue');
  const tagsParam = params.get('tags') ?? '';
  const priorityParam = params.get('priority') ?? '';
  const blockedParam = params.get('blocked');
  const filters: JobFilters = useMemo(
    () => ({
      ...(title ? { title } : {}),
      ...(userParam === NONE ? { no_user: true } : userParam ? { user: userParam } : {}),
      ...(params.get('jobtype') ? { jobtype: params.get('jobtype')! } : {}),
      ...(queueParam === NONE ? { no_queue: true } : queueParam ? { jobqueue: queueParam } : {}),
      ...(hidden === 'all' ? {} : { hidden: hidden === 'only' }),
      ...(tagsParam.trim() ? { tag: tagsParam.split(/\s+/).filter(Boolean) } : {}),
      ...(priorityParam.trim()
        ? {
            priority: priorityParam
              .split(/[\s,]+/)
              .filter((p) => /^-?\d+$/.test(p))
              .map(Number),
          }
        : {}),
      ...(blockedParam === 'yes' ? { blocked: true } : blockedParam === 'no' ? { blocked: false } : {}),
    }),
    [title, userParam, queueParam, params, hidden, tagsParam, priorityParam, blockedParam],
  );
  const query: JobListQuery = {
    ...filters,
    ...(states.size > 0 ? { state: [...states] } : {}),
    page,
    per_page: perPage,
    order_by: sortKey,
    order_dir: sortDir,
  };
  const jobs = useQuery(jobsQuery(query));
  // The rows come first: the counts and the filter choices are asked for once the page of jobs is in, so
  // that on a busy master they never delay it.
  const listed = jobs.data !== undefined;
  const counts = useQuery({ ...jobStateCountsQuery(filters), enabled: listed });
  const users = useQuery({ ...userChoicesQuery, enabled: listed });
  const jobtypes = useQuery({ ...jobTypeChoicesQuery, enabled: listed });
  const queues = useQuery({ ...queueChoicesQuery, enabled: listed });

  // The title box writes the URL after the debounce, and filtering returns to page 1.
  const urlTitle = params.get('title') ?? '';
  useEffect(() => {
    if (urlTitle !== title) update({ title, page: null }, { replace: true });
  }, [title, urlTitle, update]);

  const setFilter = (key: string, value: string | null) =>
    update({ [key]: value, page: null }, { replace: true });
  const toggleState = (state: string) => {
    const next = new Set(states);
    if (next.has(state as JobState)) next.delete(state as JobState);
    else next.add(state as JobState);
    update({ state: [...next], page: null });
  };

  const rows = jobs.data?.jobs;
  const selectedJobs = (rows ?? [])
    .filter((j) => selected.has(j.id))
    .map((j) => ({ id: j.id, title: j.title }));
  const total = counts.data ? JOB_STATES.reduce((n, s) => n + counts.data[s], 0) : undefined;

  const columns: Column<JobListItem>[] = [
    { key: 'state', header: 'State', sortKey: 'state', render: (j) => <StateBadge state={j.state} /> },
    {
      key: 'title',
      header: 'Title',
      sortKey: 'title',
      render: (j) => (
        <Link to={`/jobs/${j.id}`} className="cell-title" title={j.title}>
          {j.title}
        </Link>
      ),
    },
    {
      key: 'progress',
      header: 'Tasks',
      render: (j) => (
        <TaskProgress
          counts={{
            queued: j.tasks_queued ?? 0,
            running: j.tasks_running ?? 0,
            done: j.tasks_done ?? 0,
            failed: j.tasks_failed ?? 0,
          }}
        />
      ),
    },
    {
      key: 'jobtype',
      header: 'Job type',
      sortKey: 'jobtype',
      className: 'hide-lg',
      render: (j) => j.jobtype,
    },
    {
      key: 'queue',
      header: 'Queue',
      sortKey: 'jobqueue',
      className: 'hide-md',
      render: (j) => j.jobqueue ?? <span className="faint">—</span>,
    },
    {
      key: 'priority',
      header: 'Priority',
      sortKey: 'priority',
      firstDir: 'desc',
      className: 'num',
      render: (j) => j.priority,
    },
    {
      key: 'weight',
      header: 'Weight',
      sortKey: 'weight',
      firstDir: 'desc',
      className: 'num hide-lg',
      render: (j) => j.weight,
    },
    {
      key: 'user',
      header: 'User',
      sortKey: 'user',
      render: (j) => j.user ?? <span className="faint">—</span>,
    },
    {
      key: 'submitted',
      header: 'Submitted',
      sortKey: 'time_submitted',
      firstDir: 'desc',
      render: (j) => <Time value={j.time_submitted} />,
    },
  ];

  const filtering = Boolean(
    title || params.get('user') || params.get('jobtype') || params.get('queue') || states.size || hidden,
  );

  return (
    <>
      <PageHeader
        title="Jobs"
        actions={
          <Link to="/jobs/new" className="btn btn-primary">
            Submit a job
          </Link>
        }
      />
      <StateCounts
        total={total}
        totalLabel={filtering && states.size === 0 ? 'matching' : 'jobs'}
        counts={JOB_STATES.map((s) => ({ state: s, count: counts.data?.[s] }))}
        active={states}
        onToggle={toggleState}
      />
      <div className="card">
        <div className="toolbar" role="search">
          <input
            className="input input-search"
            type="search"
            placeholder="Filter by title"
            aria-label="Filter by title"
            value={titleInput}
            onChange={(e) => setTitleInput(e.target.value)}
          />
          <select
            className="select"
            aria-label="User"
            value={params.get('user') ?? ''}
            onChange={(e) => setFilter('user', e.target.value || null)}
          >
            <option value="">All users</option>
            <option value={NONE}>No owner</option>
            {users.data?.map((u) => (
              <option key={u.id} value={u.username}>
                {u.username}
              </option>
            ))}
          </select>
          <select
            className="select"
            aria-label="Job type"
            value={params.get('jobtype') ?? ''}
            onChange={(e) => setFilter('jobtype', e.target.value || null)}
          >
            <option value="">All job types</option>
            {jobtypes.data?.map((t) => (
              <option key={t.id} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
          <select
            className="select"
            aria-label="Queue"
            value={params.get('queue') ?? ''}
            onChange={(e) => setFilter('queue', e.target.value || null)}
          >
            <option value="">All queues</option>
            <option value={NONE}>No queue</option>
            {queues.data
              ?.slice()
              .sort((a, b) => a.fullpath.localeCompare(b.fullpath))
              .map((q) => (
                <option key={q.id} value={q.fullpath}>
                  {q.fullpath}
                </option>
              ))}
          </select>
          <select
            className="select"
            aria-label="Hidden jobs"
            value={hidden ?? ''}
            onChange={(e) => setFilter('hidden', e.target.value || null)}
          >
            <option value="">Without hidden jobs</option>
            <option value="all">With hidden jobs</option>
            <option value="only">Only hidden jobs</option>
          </select>
          <input
            className="input"
            style={{ width: 130 }}
            placeholder="Tags (all)"
            aria-label="Filter by tags, separated by spaces (jobs having all of them)"
            defaultValue={tagsParam}
            onKeyDown={(e) => e.key === 'Enter' && setFilter('tags', e.currentTarget.value.trim() || null)}
            onBlur={(e) => setFilter('tags', e.currentTarget.value.trim() || null)}
          />
          <input
            className="input"
            style={{ width: 110 }}
            placeholder="Priorities"
            aria-label="Filter by priorities, separated by spaces"
            defaultValue={priorityParam}
            onKeyDown={(e) =>
              e.key === 'Enter' && setFilter('priority', e.currentTarget.value.trim() || null)
            }
            onBlur={(e) => setFilter('priority', e.currentTarget.value.trim() || null)}
          />
          <select
            className="select"
            aria-label="Blocked jobs"
            value={blockedParam ?? ''}
            onChange={(e) => setFilter('blocked', e.target.value || null)}
          >
            <option value="">Blocked or not</option>
            <option value="yes">Blocked by a parent</option>
            <option value="no">Not blocked</option>
          </select>
          {filtering && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setTitleInput('');
                update({
                  title: null,
                  user: null,
                  jobtype: null,
                  queue: null,
                  hidden: null,
                  state: null,
                  page: null,
                });
              }}
            >
              Clear filters
            </button>
          )}
          <span className="spacer" />
          {selected.size > 0 && <span className="selection-note">{selected.size} selected</span>}
          <BulkJobActions jobs={selectedJobs} onDone={() => setSelected(new Set())} />
        </div>
        <DataTable
          label="Jobs"
          columns={columns}
          rows={rows}
          rowKey={(j) => j.id}
          rowLabel={(j) => j.title}
          sort={{ key: sortKey, dir: sortDir }}
          onSort={(s: Sort) => update({ sort: s.key, dir: s.dir, page: null })}
          selected={selected}
          onSelect={setSelected}
          loading={jobs.isFetching}
          error={jobs.error}
          onRetry={() => void jobs.refetch()}
          rowActions={(j) => <JobRowActions job={j} mayChange={session.mayChangeJob(j.user)} />}
          empty={
            filtering ? (
              <EmptyState title="No job matches these filters" />
            ) : (
              <EmptyState
                title="No jobs yet"
                actions={
                  <Link to="/jobs/new" className="btn btn-primary">
                    Submit a job
                  </Link>
                }
              >
                Submit one here, or with <code>drover submit</code> or the REST API.
              </EmptyState>
            )
          }
        />
        <Pagination
          page={page}
          perPage={perPage}
          total={jobs.data?.total}
          onPage={(p) => update({ page: p === 1 ? null : p })}
          onPerPage={(n) => update({ per_page: n === 100 ? null : n, page: null })}
        />
      </div>
    </>
  );
}

function JobRowActions({ job, mayChange }: { job: JobListItem; mayChange: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const act = useAction({
    run: ({ action }: { action: JobAction | 'delete' }) =>
      action === 'delete' ? deleteJob(job.id) : runJobAction(job.id, action),
    invalidates: ['jobs'],
    success: (_r, { action }) => `${ACTION_DONE[action]}: ${job.title}`,
    failure: `Could not change ${job.title}`,
    onSuccess: () => setConfirming(false),
  });
  const paused = job.state === 'paused';
  return (
    <>
      <Menu
        label={<span aria-label={`Actions for ${job.title}`}>⋯</span>}
        buttonClassName="btn btn-sm btn-ghost"
        caret={false}
        disabled={!mayChange || act.isPending}
        items={[
          { label: 'Rerun', onSelect: () => act.mutate({ action: 'rerun' }) },
          {
            label: 'Rerun failed tasks',
            onSelect: () => act.mutate({ action: 'rerun_failed' }),
            disabled: job.state !== 'failed' && !job.tasks_failed,
          },
          paused
            ? { label: 'Resume', onSelect: () => act.mutate({ action: 'unpause' }) }
            : {
                label: 'Pause',
                onSelect: () => act.mutate({ action: 'pause' }),
                disabled: job.state === 'done',
              },
          {
            label: 'Delete',
            danger: true,
            separated: true,
            onSelect: () => setConfirming(true),
          },
        ]}
      />
      <ConfirmDialog
        open={confirming}
        title="Delete job"
        confirmLabel="Delete"
        danger
        busy={act.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => act.mutate({ action: 'delete' })}
      >
        Delete <strong>{job.title}</strong>, its tasks and the jobs that depend on it?
      </ConfirmDialog>
    </>
  );
}

const ACTION_DONE: Record<JobAction | 'delete', string> = {
  rerun: 'Rerun',
  rerun_failed: 'Rerunning failed tasks',
  pause: 'Paused',
  unpause: 'Resumed',
  delete: 'Deleted',
};
