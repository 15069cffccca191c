/**
 * One job (PyFarm's job page): state and actions, job type and version (with an upgrade to the latest),
 * times, progress, scheduling parameters, notes, tags and tag requirements, software requirements,
 * dependencies, notified users, thumbnails and the task table. Live events keep it current.
 */
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../api/client.gen';
import { ConfirmDialog } from '../../../components/dialog';
import { ErrorState, Loading } from '../../../components/feedback';
import { Menu } from '../../../components/menu';
import { PageHeader } from '../../../components/page-header';
import { StateBadge } from '../../../components/state-badge';
import { TagList } from '../../../components/tag-list';
import { TaskProgress } from '../../../components/task-progress';
import { Time } from '../../../components/time';
import { formatDuration, formatMegabytes, formatPercent, secondsBetween } from '../../../lib/format';
import { Link, useNavigate } from '../../../lib/router';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import {
  deleteJob,
  jobQuery,
  jobTasksQuery,
  runJobAction,
  updateJob,
  type Job,
  type JobAction,
  type Task,
} from '../api/jobs';
import { JobEditDialog, type JobEdit } from '../components/job-edit-dialogs';
import { NotifiedUsers } from '../components/notified-users';
import { TaskTable } from '../components/task-table';
import { JobThumbnails } from '../components/thumbnails';
import { WhyWaitingDialog } from '../components/why-waiting';

function countTasks(tasks: readonly Task[] | undefined) {
  const c = { queued: 0, running: 0, done: 0, failed: 0 };
  const agents = new Set<string>();
  for (const t of tasks ?? []) {
    if (t.state === 'done') c.done++;
    else if (t.state === 'failed') c.failed++;
    else if (t.state === 'running') c.running++;
    else c.queued++;
    if (t.agent_id && (t.state === 'running' || t.state === 'assigned')) agents.add(t.agent_id);
  }
  return { counts: c, agents: agents.size, total: tasks?.length ?? 0 };
}

const ACTION_TEXT: Record<JobAction, string> = {
  rerun: 'Rerunning',
  rerun_failed: 'Rerunning the failed tasks of',
  pause: 'Paused',
  unpause: 'Resumed',
};

export function JobPage({ id }: { id: string }) {
  const session = useSession();
  const navigate = useNavigate();
  const job = useQuery(jobQuery(id));
  const tasks = useQuery(jobTasksQuery(id));
  const [edit, setEdit] = useState<JobEdit>();
  const [deleting, setDeleting] = useState(false);
  const [explaining, setExplaining] = useState(false);
  const summary = useMemo(() => countTasks(tasks.data), [tasks.data]);
  const latest = useQuery({
    queryKey: ['jobtypes', 'latest', job.data?.jobtype],
    queryFn: ({ signal }) =>
      api.get('/api/v1/jobtypes/{jobtype}', { path: { jobtype: job.data!.jobtype }, signal }),
    enabled: Boolean(job.data),
    staleTime: 60_000,
  });

  const act = useAction({
    run: (action: JobAction) => runJobAction(id, action),
    invalidates: ['jobs', 'tasks'],
    success: (_r, action) => `${ACTION_TEXT[action]} ${job.data?.title ?? 'the job'}`,
    failure: 'Could not change the job',
  });
  const remove = useAction({
    run: () => deleteJob(id),
    invalidates: ['jobs'],
    success: `Deleted ${job.data?.title ?? 'the job'}`,
    failure: 'Could not delete the job',
    onSuccess: () => navigate('/jobs'),
  });
  const upgrade = useAction({
    run: (version: number) => updateJob(id, { jobtype_version: version }),
    invalidates: ['jobs'],
    success: (_r, v) => `Now on ${job.data?.jobtype} version ${v}`,
    failure: 'Could not upgrade the job type',
  });

  if (job.isPending) return <Loading />;
  if (job.isError) return <ErrorState error={job.error} onRetry={() => void job.refetch()} />;
  const j: Job = job.data;
  const mayChange = session.mayChangeJob(j.user);
  const percentDone = summary.total ? summary.counts.done / summary.total : 0;
  const newer = latest.data && latest.data.version > j.jobtype_version ? latest.data.version : undefined;

  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link to="/jobs">Jobs</Link> / #{j.id}
          </>
        }
        title={
          <span style={{ display: 'inline-flex', gap: 10, alignItems: 'center', flexWrap: 'wrap' }}>
            {j.title} <StateBadge state={j.state} />
            {j.hidden && <span className="badge plain">hidden</span>}
            {j.to_be_deleted && (
              <span className="badge plain" data-state="failed">
                being deleted
              </span>
            )}
          </span>
        }
        documentTitle={j.title}
        actions={
          <>
            {summary.counts.queued > 0 && j.state !== 'done' && (
              <button type="button" className="btn" onClick={() => setExplaining(true)}>
                Why waiting?
              </button>
            )}
            {mayChange && (
              <>
                <button
                  type="button"
                  className="btn"
                  onClick={() => act.mutate('rerun')}
                  disabled={act.isPending}
                >
                  Rerun
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() => act.mutate('rerun_failed')}
                  disabled={act.isPending || summary.counts.failed === 0}
                >
                  Rerun failed
                </button>
                {j.state === 'paused' ? (
                  <button
                    type="button"
                    className="btn btn-primary"
                    onClick={() => act.mutate('unpause')}
                    disabled={act.isPending}
                  >
                    Resume
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn"
                    onClick={() => act.mutate('pause')}
                    disabled={act.isPending || j.state === 'done'}
                  >
                    Pause
                  </button>
                )}
                <Menu
                  label="Edit"
                  items={[
                    { label: 'Frame range…', onSelect: () => setEdit('frames') },
                    { label: 'Scheduling…', onSelect: () => setEdit('scheduling') },
                    { label: 'Automatic deletion…', onSelect: () => setEdit('autodelete') },
                    { label: 'Notes…', onSelect: () => setEdit('notes') },
                    { label: 'Tags…', onSelect: () => setEdit('tags') },
                    { label: 'Tag requirements…', onSelect: () => setEdit('requirements') },
                    ...(newer
                      ? [
                          {
                            label: `Upgrade to ${j.jobtype} v${newer}`,
                            onSelect: () => upgrade.mutate(newer),
                            separated: true,
                          },
                        ]
                      : []),
                  ]}
                />
                <button type="button" className="btn btn-danger" onClick={() => setDeleting(true)}>
                  Delete
                </button>
              </>
            )}
          </>
        }
      />

      <div className="grid-3">
        <section className="card" aria-labelledby="job-overview">
          <div className="card-header">
            <h2 id="job-overview">Overview</h2>
          </div>
          <div className="card-body">
            <dl className="props">
              <dt>Job type</dt>
              <dd>
                <Link to={`/jobtypes/${encodeURIComponent(j.jobtype)}`}>{j.jobtype}</Link> v
                {j.jobtype_version}
                {newer && mayChange && (
                  <>
                    {' '}
                    <button
                      type="button"
                      className="btn btn-sm"
                      onClick={() => upgrade.mutate(newer)}
                      disabled={upgrade.isPending}
                    >
                      Upgrade to v{newer}
                    </button>
                  </>
                )}
              </dd>
              <dt>User</dt>
              <dd>{j.user ?? <span className="faint">—</span>}</dd>
              <dt>Queue</dt>
              <dd>{j.jobqueue ?? <span className="faint">none</span>}</dd>
              <dt>Group</dt>
              <dd>{j.jobgroup ?? <span className="faint">none</span>}</dd>
              {j.project && (
                <>
                  <dt>Project</dt>
                  <dd>{j.project}</dd>
                </>
              )}
              <dt>Submitted</dt>
              <dd>
                <Time value={j.time_submitted} />
              </dd>
              <dt>Started</dt>
              <dd>
                <Time value={j.time_started} />
              </dd>
              <dt>Finished</dt>
              <dd>
                <Time value={j.time_finished} />
              </dd>
              {j.time_started && (
                <>
                  <dt>Elapsed</dt>
                  <dd>{formatDuration(secondsBetween(j.time_started, j.time_finished))}</dd>
                </>
              )}
              {j.output_link && (
                <>
                  <dt>Output</dt>
                  <dd>
                    <a href={j.output_link} target="_blank" rel="noreferrer">
                      {j.output_link}
                    </a>
                  </dd>
                </>
              )}
            </dl>
          </div>
        </section>

        <section className="card" aria-labelledby="job-progress">
          <div className="card-header">
            <h2 id="job-progress">Progress</h2>
            <span className="muted">{formatPercent(percentDone)} done</span>
          </div>
          <div className="card-body">
            <TaskProgress counts={summary.counts} width={220} />
            <dl className="props" style={{ marginTop: 14 }}>
              <dt>Frames</dt>
              <dd>
                {j.start ?? '—'}–{j.end ?? '—'}
                {j.by !== 1 && ` by ${j.by}`}
                {j.num_tiles !== null && `, ${j.num_tiles} tiles each`}
              </dd>
              {(['queued', 'running', 'done', 'failed'] as const).map((s) => (
                <FragmentRow key={s} label={s} value={summary.counts[s]} total={summary.total} />
              ))}
              <dt>Active agents</dt>
              <dd>{summary.agents}</dd>
            </dl>
          </div>
        </section>

        <section className="card" aria-labelledby="job-scheduling">
          <div className="card-header">
            <h2 id="job-scheduling">Scheduling</h2>
            {mayChange && (
              <button type="button" className="btn btn-sm" onClick={() => setEdit('scheduling')}>
                Edit
              </button>
            )}
          </div>
          <div className="card-body">
            <dl className="props">
              <dt>Priority / weight</dt>
              <dd>
                {j.priority} / {j.weight}
              </dd>
              <dt>Agents</dt>
              <dd>
                min {j.minimum_agents ?? '—'}, max {j.maximum_agents ?? '—'}
              </dd>
              <dt>Batch</dt>
              <dd>{j.batch} frame(s)</dd>
              <dt>Requeue</dt>
              <dd>{j.requeue === -1 ? 'forever' : j.requeue === 0 ? 'never' : `${j.requeue} times`}</dd>
              <dt>CPUs</dt>
              <dd>{j.cpus === -1 ? 'the whole agent' : j.cpus === 0 ? 'any' : j.cpus}</dd>
              <dt>RAM</dt>
              <dd>
                {j.ram === -1 ? 'the whole agent' : j.ram === 0 ? 'any' : formatMegabytes(j.ram)}
                {j.ram_max !== null && `, max ${formatMegabytes(j.ram_max)}`}
              </dd>
              <dt>Auto-delete</dt>
              <dd>{j.autodelete_time ? `${formatDuration(j.autodelete_time)} after finishing` : 'never'}</dd>
            </dl>
          </div>
        </section>
      </div>

      <div className="grid-2" style={{ marginTop: 14 }}>
        <section className="card" aria-labelledby="job-notes">
          <div className="card-header">
            <h2 id="job-notes">Notes and tags</h2>
            {mayChange && (
              <Menu
                label="Edit"
                buttonClassName="btn btn-sm"
                items={[
                  { label: 'Notes…', onSelect: () => setEdit('notes') },
                  { label: 'Tags…', onSelect: () => setEdit('tags') },
                  { label: 'Tag requirements…', onSelect: () => setEdit('requirements') },
                ]}
              />
            )}
          </div>
          <div className="card-body">
            <dl className="props">
              <dt>Notes</dt>
              <dd style={{ whiteSpace: 'pre-wrap' }}>{j.notes || <span className="faint">—</span>}</dd>
              <dt>Tags</dt>
              <dd>
                <TagList tags={j.tags} />
              </dd>
              <dt>Requires</dt>
              <dd>
                <TagList tags={j.tag_requirements} empty="no tag requirement" />
              </dd>
              <dt>Software</dt>
              <dd>
                {j.software_requirements.length === 0 ? (
                  <span className="faint">—</span>
                ) : (
                  j.software_requirements.map((r) => (
                    <div key={r.software_id}>
                      {r.software}
                      {r.min_version && ` ≥ ${r.min_version}`}
                      {r.max_version && ` ≤ ${r.max_version}`}
                    </div>
                  ))
                )}
              </dd>
              <dt>Depends on</dt>
              <dd>
                {j.parents.length ? (
                  j.parents.map((p) => <JobLink key={p.id} {...p} />)
                ) : (
                  <span className="faint">—</span>
                )}
              </dd>
              <dt>Needed by</dt>
              <dd>
                {j.children.length ? (
                  j.children.map((c) => <JobLink key={c.id} {...c} />)
                ) : (
                  <span className="faint">—</span>
                )}
              </dd>
              {j.data && Object.keys(j.data).length > 0 && (
                <>
                  <dt>Data</dt>
                  <dd>
                    <code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(j.data, null, 1)}</code>
                  </dd>
                </>
              )}
            </dl>
          </div>
        </section>
        <NotifiedUsers job={j} mayChange={mayChange} />
      </div>

      <div className="stack" style={{ marginTop: 14 }}>
        <JobThumbnails jobId={j.id} />
        <section className="card" aria-labelledby="job-tasks">
          <div className="card-header">
            <h2 id="job-tasks">Tasks</h2>
            <span className="muted">{summary.total.toLocaleString()} tasks</span>
          </div>
          <TaskTable
            jobId={j.id}
            tasks={tasks.data}
            error={tasks.error}
            onRetry={() => void tasks.refetch()}
            mayChange={mayChange}
          />
        </section>
      </div>

      {edit && <JobEditDialog job={j} edit={edit} onClose={() => setEdit(undefined)} />}
      {explaining && <WhyWaitingDialog jobId={j.id} onClose={() => setExplaining(false)} />}
      <ConfirmDialog
        open={deleting}
        title="Delete job"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onClose={() => setDeleting(false)}
        onConfirm={() => remove.mutate()}
      >
        Delete <strong>{j.title}</strong>, its {summary.total} tasks
        {j.children.length > 0 && ` and the ${j.children.length} jobs that depend on it`}? Running tasks are
        stopped.
      </ConfirmDialog>
    </>
  );
}

function FragmentRow({ label, value, total }: { label: string; value: number; total: number }) {
  return (
    <>
      <dt style={{ textTransform: 'capitalize' }}>{label}</dt>
      <dd>
        {value.toLocaleString()} <span className="muted">({formatPercent(total ? value / total : 0)})</span>
      </dd>
    </>
  );
}

function JobLink({ id, title }: { id: number; title: string }) {
  return (
    <div>
      <Link to={`/jobs/${id}`}>{title}</Link> <span className="faint">#{id}</span>
    </div>
  );
}
