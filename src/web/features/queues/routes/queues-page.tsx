/**
 * The queue tree (PyFarm's /jobqueues/): every queue with its priority, weight, minimum and maximum agents
 * and the running tasks in it, the jobs in each queue (running ones by default; the state filter picks
 * others), and create / edit / delete for wranglers. Deleting a queue deletes its sub-queues and moves
 * their jobs to its parent, as PyFarm did.
 */
import { Fragment, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from '../../../components/dialog';
import { EmptyState, errorMessage, ErrorState, Loading } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { StateBadge } from '../../../components/state-badge';
import { TaskProgress } from '../../../components/task-progress';
import { useToast } from '../../../components/toasts';
import { plural } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { useSearchParams } from '../../../lib/search-params';
import { useSession } from '../../../lib/session';
import {
  deleteQueue,
  jobsInQueue,
  moveJob,
  queueJobsQuery,
  queuesQuery,
  type JobStateName,
  type Queue,
  type QueueJob,
} from '../api/queues';
import { QueueDialog } from '../components/queue-dialog';
import { buildQueueTree, subtreeDeepestFirst, type QueueNode } from '../components/queue-tree';

const STATES: readonly JobStateName[] = ['running', 'queued', 'paused', 'failed', 'done'];

export function QueuesPage() {
  const session = useSession();
  const toast = useToast();
  const client = useQueryClient();
  const { params, update } = useSearchParams();
  const shown = params
    .getAll('state')
    .filter((s): s is JobStateName => (STATES as readonly string[]).includes(s));
  const states = shown.length ? shown : (['running'] as JobStateName[]);
  const queues = useQuery(queuesQuery);
  const jobs = useQuery(queueJobsQuery(states));
  const [collapsed, setCollapsed] = useState<Set<number>>(new Set());
  const [dialog, setDialog] = useState<{ queue?: Queue; parent?: Queue | null }>();
  const [deleting, setDeleting] = useState<QueueNode>();
  const [busy, setBusy] = useState(false);

  const tree = useMemo(
    () => buildQueueTree(queues.data ?? [], jobs.data?.jobs ?? []),
    [queues.data, jobs.data],
  );

  const remove = async (node: QueueNode) => {
    setBusy(true);
    const parentPath =
      node.queue.parent_jobqueue_id === null
        ? null
        : (queues.data?.find((q) => q.id === node.queue.parent_jobqueue_id)?.fullpath ?? null);
    try {
      for (const n of subtreeDeepestFirst(node)) {
        for (const job of await jobsInQueue(n.queue.fullpath)) await moveJob(job.id, parentPath);
        await deleteQueue(n.queue.id);
      }
      toast.success(`Deleted ${node.queue.fullpath}`);
      setDeleting(undefined);
    } catch (error) {
      toast.error(`Could not delete ${node.queue.fullpath}: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
      await client.invalidateQueries({ queryKey: ['queues'] });
      await client.invalidateQueries({ queryKey: ['jobs'] });
    }
  };

  const toggleState = (state: JobStateName) => {
    const next = new Set(states);
    if (next.has(state)) next.delete(state);
    else next.add(state);
    update({ state: next.size === 1 && next.has('running') ? null : [...next] }, { replace: true });
  };

  const rows: React.ReactNode[] = [];
  const addRows = (node: QueueNode) => {
    const q = node.queue;
    const open = !collapsed.has(q.id);
    const hasContent = node.children.length > 0 || node.jobs.length > 0;
    rows.push(
      <tr key={`q${q.id}`}>
        <td style={{ paddingLeft: 10 + node.depth * 22 }}>
          {hasContent ? (
            <button
              type="button"
              className="tree-toggle"
              aria-expanded={open}
              aria-label={`${open ? 'Collapse' : 'Expand'} ${q.fullpath}`}
              onClick={() => {
                const next = new Set(collapsed);
                if (open) next.add(q.id);
                else next.delete(q.id);
                setCollapsed(next);
              }}
            >
              {open ? '▾' : '▸'}
            </button>
          ) : (
            <span className="tree-toggle" aria-hidden="true" />
          )}
          <strong>{q.name}</strong> <span className="faint">{q.fullpath}</span>
        </td>
        <td className="num">{q.priority}</td>
        <td className="num">{q.weight}</td>
        <td className="num">{q.minimum_agents ?? '—'}</td>
        <td className="num">{node.running}</td>
        <td className="num">{q.maximum_agents ?? '—'}</td>
        <td className="num">{node.jobCount}</td>
        <td className="actions-cell">
          {session.isWrangler && (
            <>
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => setDialog({ queue: q })}
                aria-label={`Edit ${q.fullpath}`}
              >
                Edit
              </button>{' '}
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => setDialog({ parent: q })}
                aria-label={`New queue in ${q.fullpath}`}
              >
                + Sub-queue
              </button>{' '}
              <button
                type="button"
                className="btn btn-sm btn-danger"
                onClick={() => setDeleting(node)}
                aria-label={`Delete ${q.fullpath}`}
              >
                Delete
              </button>
            </>
          )}
        </td>
      </tr>,
    );
    if (!open) return;
    for (const child of node.children) addRows(child);
    for (const job of node.jobs) rows.push(<JobRow key={`j${job.id}`} job={job} depth={node.depth + 1} />);
  };
  for (const root of tree.roots) addRows(root);

  return (
    <>
      <PageHeader
        title="Queues"
        subtitle="Agents go to higher priorities first, then are shared by weight; minimum and maximum agents bound each queue."
        actions={
          session.isWrangler && (
            <button type="button" className="btn btn-primary" onClick={() => setDialog({ parent: null })}>
              New queue
            </button>
          )
        }
      />
      <div className="card">
        <div className="toolbar">
          <span className="muted">Jobs shown:</span>
          {STATES.map((s) => (
            <label key={s} className="checkbox">
              <input type="checkbox" checked={states.includes(s)} onChange={() => toggleState(s)} />
              <StateBadge state={s} />
            </label>
          ))}
          <span className="spacer" />
          {jobs.data && jobs.data.total > jobs.data.jobs.length && (
            <span className="muted">
              showing {jobs.data.jobs.length} of {jobs.data.total} jobs
            </span>
          )}
        </div>
        {queues.isPending ? (
          <Loading />
        ) : queues.isError ? (
          <ErrorState error={queues.error} onRetry={() => void queues.refetch()} />
        ) : (
          <div className="table-wrap">
            <table className="data" aria-label="Queue tree">
              <thead>
                <tr>
                  <th>Queue</th>
                  <th className="num">Priority</th>
                  <th className="num">Weight</th>
                  <th className="num" title="Minimum agents">
                    Min
                  </th>
                  <th className="num" title="Running tasks in the queue and below">
                    Running
                  </th>
                  <th className="num" title="Maximum agents">
                    Max
                  </th>
                  <th className="num">Jobs</th>
                  <th className="actions-cell">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows}
                {tree.unqueued.length > 0 && (
                  <Fragment>
                    <tr>
                      <td colSpan={8} className="muted" style={{ background: 'var(--surface-2)' }}>
                        Jobs without a queue
                      </td>
                    </tr>
                    {tree.unqueued.map((job) => (
                      <JobRow key={`u${job.id}`} job={job} depth={0} />
                    ))}
                  </Fragment>
                )}
                {tree.roots.length === 0 && tree.unqueued.length === 0 && (
                  <tr>
                    <td colSpan={8}>
                      <EmptyState title="No queues yet">
                        Queues share the farm between shows, departments or kinds of work.
                      </EmptyState>
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {dialog && (
        <QueueDialog
          {...(dialog.queue ? { queue: dialog.queue } : {})}
          parent={dialog.parent ?? null}
          onClose={() => setDialog(undefined)}
        />
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete queue"
        confirmLabel="Delete"
        danger
        busy={busy}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && void remove(deleting)}
      >
        Delete <strong>{deleting?.queue.fullpath}</strong>
        {deleting &&
          deleting.children.length > 0 &&
          ` and its ${plural(subtreeDeepestFirst(deleting).length - 1, 'sub-queue')}`}
        ? Their jobs move to the parent queue.
      </ConfirmDialog>
    </>
  );
}

function JobRow({ job, depth }: { job: QueueJob; depth: number }) {
  return (
    <tr>
      <td style={{ paddingLeft: 32 + depth * 22 }}>
        <StateBadge state={job.state} /> <Link to={`/jobs/${job.id}`}>{job.title}</Link>
      </td>
      <td className="num">{job.priority}</td>
      <td className="num">{job.weight}</td>
      <td colSpan={4}>
        <TaskProgress
          counts={{
            queued: job.tasks_queued ?? 0,
            running: job.tasks_running ?? 0,
            done: job.tasks_done ?? 0,
            failed: job.tasks_failed ?? 0,
          }}
        />
      </td>
      <td />
    </tr>
  );
}
