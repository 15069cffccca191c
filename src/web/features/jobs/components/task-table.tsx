/**
 * The tasks of a job (PyFarm's job page task table): state, frame/tile, agent, progress, attempts, failures,
 * runtime, last error, a link to the logs and a rerun button. A job's tasks are loaded whole and sorted
 * here (frame by default, or state, runtime, progress, failures), shown 200 per page.
 */
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type Column, type Sort } from '../../../components/data-table';
import { EmptyState } from '../../../components/feedback';
import { Pagination } from '../../../components/pagination';
import { StateBadge } from '../../../components/state-badge';
import { Meter } from '../../../components/task-progress';
import { formatDuration, formatFrame, secondsBetween } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { useSearchParams } from '../../../lib/search-params';
import { useAction } from '../../../lib/use-action';
import { agentNameQuery, rerunTask, type Task } from '../api/jobs';

type TaskSort = 'frame' | 'state' | 'runtime' | 'progress' | 'failures';
const STATE_ORDER: Record<string, number> = {
  running: 0,
  assigned: 1,
  failed: 2,
  queued: 3,
  paused: 4,
  done: 5,
};

function runtime(t: Task): number | null {
  return t.time_started ? secondsBetween(t.time_started, t.time_finished) : null;
}

function compare(sort: TaskSort, a: Task, b: Task): number {
  switch (sort) {
    case 'frame':
      return a.frame - b.frame || (a.tile ?? 0) - (b.tile ?? 0);
    case 'state':
      return (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9);
    case 'runtime':
      return (runtime(a) ?? -1) - (runtime(b) ?? -1);
    case 'progress':
      return a.progress - b.progress;
    case 'failures':
      return a.failures - b.failures;
  }
}

export function AgentName({ id }: { id: string | null }) {
  const name = useQuery({ ...agentNameQuery(id ?? ''), enabled: id !== null });
  if (id === null) return <span className="faint">—</span>;
  return <Link to={`/agents/${id}`}>{name.data ?? id.slice(0, 8)}</Link>;
}

export function TaskTable({
  jobId,
  tasks,
  error,
  onRetry,
  mayChange,
}: {
  jobId: number;
  tasks: readonly Task[] | undefined;
  error: unknown;
  onRetry(): void;
  mayChange: boolean;
}) {
  const { params, update } = useSearchParams();
  const sortKey =
    (['frame', 'state', 'runtime', 'progress', 'failures'] as const).find(
      (k) => k === params.get('order_by'),
    ) ?? 'frame';
  const dir = params.get('order_dir') === 'desc' ? 'desc' : 'asc';
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(250);
  const sorted = useMemo(() => {
    if (!tasks) return undefined;
    const list = [...tasks].sort((a, b) => compare(sortKey, a, b) || a.frame - b.frame);
    return dir === 'desc' ? list.reverse() : list;
  }, [tasks, sortKey, dir]);
  const rows = sorted?.slice((page - 1) * perPage, page * perPage);

  const rerun = useAction({
    run: (task: Task) => rerunTask(jobId, task.id),
    invalidates: ['tasks', 'jobs'],
    success: (_r, t) => `Frame ${formatFrame(t.frame)} queued again`,
    failure: 'Could not rerun the task',
  });

  const columns: Column<Task>[] = [
    { key: 'state', header: 'State', sortKey: 'state', render: (t) => <StateBadge state={t.state} /> },
    {
      key: 'frame',
      header: 'Frame',
      sortKey: 'frame',
      className: 'num',
      render: (t) => (
        <>
          {formatFrame(t.frame)}
          {t.tile !== null && <span className="muted"> · tile {t.tile}</span>}
        </>
      ),
    },
    { key: 'agent', header: 'Agent', render: (t) => <AgentName id={t.agent_id} /> },
    { key: 'progress', header: 'Progress', sortKey: 'progress', render: (t) => <Meter value={t.progress} /> },
    { key: 'attempts', header: 'Attempts', className: 'num hide-md', render: (t) => t.attempts },
    {
      key: 'failures',
      header: 'Failures',
      sortKey: 'failures',
      firstDir: 'desc',
      className: 'num',
      render: (t) => (t.failures ? <span className="error-text">{t.failures}</span> : 0),
    },
    {
      key: 'runtime',
      header: 'Runtime',
      sortKey: 'runtime',
      firstDir: 'desc',
      className: 'num',
      render: (t) => formatDuration(runtime(t)),
    },
    {
      key: 'error',
      header: 'Last error',
      className: 'wrap',
      render: (t) =>
        t.last_error ? (
          <span className="truncate error-text" title={t.last_error}>
            {t.last_error}
          </span>
        ) : (
          <span className="faint">—</span>
        ),
    },
  ];

  return (
    <>
      <DataTable
        label="Tasks"
        columns={columns}
        rows={rows}
        rowKey={(t) => t.id}
        sort={{ key: sortKey, dir }}
        onSort={(s: Sort) => {
          setPage(1);
          update(
            { order_by: s.key === 'frame' ? null : s.key, order_dir: s.dir === 'asc' ? null : s.dir },
            { replace: true },
          );
        }}
        error={error}
        onRetry={onRetry}
        empty={<EmptyState title="This job has no tasks" />}
        rowActions={(t) => (
          <>
            <Link to={`/jobs/${jobId}/tasks/${t.id}/logs`} className="btn btn-sm">
              Logs
            </Link>{' '}
            <button
              type="button"
              className="btn btn-sm"
              disabled={!mayChange || t.state === 'running' || t.state === 'queued' || rerun.isPending}
              title={t.state === 'running' ? 'A running task cannot be rerun' : undefined}
              onClick={() => rerun.mutate(t)}
              aria-label={`Rerun frame ${formatFrame(t.frame)}`}
            >
              Rerun
            </button>
          </>
        )}
      />
      {tasks && tasks.length > perPage && (
        <Pagination
          page={page}
          perPage={perPage}
          total={tasks.length}
          onPage={setPage}
          onPerPage={(n) => {
            setPerPage(n);
            setPage(1);
          }}
        />
      )}
    </>
  );
}
