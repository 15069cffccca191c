/**
 * "Why is this waiting?": the scheduler's explanation (`GET /api/v1/jobs/<id>/why`) — the reason that holds
 * the whole job, if any, how many agents each reason keeps away, and per agent the first constraint that
 * keeps the job from it.
 */
import { useQuery } from '@tanstack/react-query';
import { api, type ResponseOf } from '../../../api/client.gen';
import { DataTable, type Column } from '../../../components/data-table';
import { Dialog } from '../../../components/dialog';
import { Banner, ErrorState, Loading } from '../../../components/feedback';
import { Link } from '../../../lib/router';

type Why = ResponseOf<'/api/v1/jobs/{job}/why', 'get'>;
type AgentReason = Why['agents'][number];

const REASONS: Record<string, string> = {
  paused: 'the job is paused',
  hidden: 'the job is hidden',
  to_be_deleted: 'the job is being deleted',
  dependency: 'a job it depends on is not done',
  finished: 'the job is finished',
  no_waiting_tasks: 'no task is waiting',
  agent_offline: 'the agent is offline',
  agent_disabled: 'the agent is disabled',
  project: 'the agent is dedicated to other projects',
  tag: 'tag requirements',
  software: 'software requirements',
  cpus: 'not enough CPUs',
  ram: 'not enough RAM',
  blacklist: 'the task failed on this agent before',
  busy: 'the agent is busy',
  job_maximum: "the job's maximum agents is reached",
  queue_maximum: "a queue's maximum agents is reached",
  priority: 'a higher priority job or queue takes the agent',
  minimum: 'another job or queue needs its minimum first',
  running_jobs_first: 'running jobs are served first',
  share: 'other jobs have a larger share for their weight',
  older_job: 'an older job of the same standing goes first',
  assignable: 'nothing: the agent can take it now',
};

export const reasonText = (reason: string): string => REASONS[reason] ?? reason.replace(/_/g, ' ');

export function WhyWaitingDialog({ jobId, onClose }: { jobId: number; onClose(): void }) {
  const why = useQuery({
    queryKey: ['jobs', 'why', jobId],
    queryFn: ({ signal }) => api.get('/api/v1/jobs/{job}/why', { path: { job: String(jobId) }, signal }),
    refetchInterval: 5000,
  });
  const columns: Column<AgentReason>[] = [
    { key: 'agent', header: 'Agent', render: (a) => <Link to={`/agents/${a.id}`}>{a.hostname}</Link> },
    { key: 'reason', header: 'Reason', render: (a) => <strong>{reasonText(a.reason)}</strong> },
    {
      key: 'detail',
      header: 'Detail',
      className: 'wrap',
      render: (a) => <span className="muted">{a.detail}</span>,
    },
  ];
  return (
    <Dialog
      open
      wide
      title="Why is this job waiting?"
      onClose={onClose}
      footer={
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      }
    >
      {why.isPending ? (
        <Loading label="Asking the scheduler…" />
      ) : why.isError ? (
        <ErrorState error={why.error} onRetry={() => void why.refetch()} />
      ) : (
        <div className="stack">
          <p style={{ margin: 0 }}>
            {why.data.waiting_tasks.toLocaleString()} task{why.data.waiting_tasks === 1 ? '' : 's'} waiting.
          </p>
          {why.data.reason && (
            <Banner kind="warning">The whole job waits: {reasonText(why.data.reason)}.</Banner>
          )}
          {Object.keys(why.data.summary).length > 0 && (
            <div className="state-counts" role="list" aria-label="Agents by reason">
              {Object.entries(why.data.summary)
                .sort(([, a], [, b]) => b - a)
                .map(([reason, n]) => (
                  <span key={reason} className="count-chip" role="listitem">
                    <span className="n">{n}</span>
                    <span className="l" style={{ textTransform: 'none' }}>
                      {reasonText(reason)}
                    </span>
                  </span>
                ))}
            </div>
          )}
          <DataTable
            label="Reasons by agent"
            columns={columns}
            rows={why.data.agents}
            rowKey={(a) => a.id}
            empty={<p className="muted">No agent is registered.</p>}
          />
        </div>
      )}
    </Dialog>
  );
}
