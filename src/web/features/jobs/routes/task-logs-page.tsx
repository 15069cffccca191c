/**
 * The logs of one task (PyFarm's task logs page): its logs grouped by attempt with the agent and time, and
 * the selected log followed live while the task runs (from the agent, through the master), or read from
 * the master's store once it finished — with search, stream filter and a download link.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { api } from '../../../api/client.gen';
import { EmptyState, ErrorState, Loading } from '../../../components/feedback';
import { LogViewer } from '../../../components/log-viewer';
import { PageHeader } from '../../../components/page-header';
import { Spinner } from '../../../components/feedback';
import { StateBadge } from '../../../components/state-badge';
import { Time } from '../../../components/time';
import { formatFrame } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { useSearchParams } from '../../../lib/search-params';
import { AgentName } from '../components/task-table';
import { useTaskLogStream, type LogStreamStatus } from '../api/use-task-log-stream';

interface AttemptLog {
  attempt: number;
  identifier: string;
  agent_id: string | null;
  created_on: string;
}

function StatusText({ status }: { status: LogStreamStatus }) {
  switch (status.kind) {
    case 'connecting':
      return (
        <span>
          <Spinner label="Connecting" /> connecting
        </span>
      );
    case 'live':
      return (
        <span className="badge" data-state="running">
          live
        </span>
      );
    case 'ended':
      return <span className="badge plain">{status.source === 'stored' ? 'complete' : 'finished'}</span>;
    case 'failed':
      return <span className="error-text">{status.error}</span>;
  }
}

export function TaskLogsPage({ job, task }: { job: string; task: string }) {
  const { params, update } = useSearchParams();
  const taskQuery = useQuery({
    queryKey: ['tasks', 'detail', job, task],
    queryFn: ({ signal }) =>
      api.get('/api/v1/jobs/{job}/tasks/{task}', { path: { job, task: Number(task) }, signal }),
  });
  const attempts = taskQuery.data
    ? Array.from({ length: taskQuery.data.attempts }, (_, i) => taskQuery.data.attempts - i)
    : [];
  const logQueries = useQueries({
    queries: attempts.map((attempt) => ({
      queryKey: ['tasks', 'logs', job, task, attempt],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get('/api/v1/jobs/{job}/tasks/{task}/attempts/{attempt}/logs/', {
          path: { job, task: Number(task), attempt },
          signal,
        }),
    })),
  });
  const logs: AttemptLog[] = attempts.flatMap((attempt, i) =>
    (logQueries[i]?.data ?? [])
      .map((l) => ({ attempt, ...l }))
      .sort((a, b) => b.created_on.localeCompare(a.created_on)),
  );
  const selected = logs.find((l) => l.identifier === params.get('log')) ?? logs[0];
  const stream = useTaskLogStream(selected?.identifier);

  if (taskQuery.isPending) return <Loading />;
  if (taskQuery.isError)
    return <ErrorState error={taskQuery.error} onRetry={() => void taskQuery.refetch()} />;
  const t = taskQuery.data;
  const loadingLogs = logQueries.some((q) => q.isPending);

  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link to="/jobs">Jobs</Link> / <Link to={`/jobs/${t.job.id}`}>{t.job.title}</Link>
          </>
        }
        title={
          <span style={{ display: 'inline-flex', gap: 10, alignItems: 'center' }}>
            Frame {formatFrame(t.frame)}
            {t.tile !== null && ` tile ${t.tile}`} <StateBadge state={t.state} />
          </span>
        }
        documentTitle={`Logs of frame ${formatFrame(t.frame)} · ${t.job.title}`}
        subtitle={
          <>
            Attempt {t.attempts}, {t.failures} failures
            {t.agent && (
              <>
                {' '}
                · on <Link to={`/agents/${t.agent.id}`}>{t.agent.hostname}</Link>
              </>
            )}
            {t.last_error && <span className="error-text"> · {t.last_error}</span>}
          </>
        }
        actions={
          selected && (
            <a
              className="btn"
              href={`/api/v1/jobs/${t.job.id}/tasks/${t.id}/attempts/${selected.attempt}/logs/${encodeURIComponent(selected.identifier)}/logfile`}
              download={selected.identifier}
            >
              Download
            </a>
          )
        }
      />
      {logs.length > 1 && (
        <div className="card" style={{ marginBottom: 14 }}>
          <table className="data" aria-label="Logs by attempt">
            <thead>
              <tr>
                <th>Attempt</th>
                <th>Log</th>
                <th>Agent</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {logs.map((l) => (
                <tr key={l.identifier} aria-selected={l.identifier === selected?.identifier}>
                  <td>{l.attempt}</td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-sm btn-ghost"
                      onClick={() => update({ log: l.identifier }, { replace: true })}
                    >
                      {l.identifier}
                    </button>
                  </td>
                  <td>
                    <AgentName id={l.agent_id} />
                  </td>
                  <td>
                    <Time value={l.created_on} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected ? (
        <LogViewer lines={stream.lines} status={<StatusText status={stream.status} />} />
      ) : loadingLogs ? (
        <Loading label="Loading the logs…" />
      ) : (
        <div className="card">
          <EmptyState title="No log yet">
            {t.attempts === 0
              ? 'The task has not run yet. Its log appears here once an agent starts it.'
              : 'The agent has not registered a log for this task.'}
          </EmptyState>
        </div>
      )}
    </>
  );
}
