/** Human output of `drover jobs`, `drover job` and `drover tasks`. `--json` prints the master's answers. */
import type { Static } from 'typebox';
import type { JobListItem, JobView } from '../../../api/schemas/jobs.js';
import type { TaskView } from '../../../api/schemas/tasks.js';
import { describeRequirement } from '../catalog-views.js';
import { formatFrameRange } from '../frame-spec.js';
import { elapsed, formatPercent, formatTime } from '../output/format-values.js';
import type { Style } from '../output/style.js';
import { renderFields, renderTable, type Column } from '../output/table.js';

type Job = Static<typeof JobListItem>;
type FullJob = Static<typeof JobView>;
type Task = Static<typeof TaskView>;

export interface TaskCounts {
  total: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** The mean of the tasks' progress (done tasks count 1). */
  progress: number;
}

export function countTasks(tasks: readonly Task[]): TaskCounts {
  const counts: TaskCounts = { total: tasks.length, queued: 0, running: 0, done: 0, failed: 0, progress: 0 };
  let sum = 0;
  for (const t of tasks) {
    if (t.state === 'done') counts.done++;
    else if (t.state === 'failed') counts.failed++;
    else if (t.state === 'running') counts.running++;
    else counts.queued++;
    sum += t.state === 'done' ? 1 : t.progress;
  }
  counts.progress = tasks.length === 0 ? 0 : sum / tasks.length;
  return counts;
}

function listProgress(job: Job): string | undefined {
  if (job.tasks_total === undefined) return undefined;
  const failed = job.tasks_failed ? `, ${job.tasks_failed} failed` : '';
  return `${job.tasks_done ?? 0}/${job.tasks_total}${failed}`;
}

export function jobTable(jobs: readonly Job[], style: Style): string {
  const columns: Column<Job>[] = [
    { header: 'ID', value: (j) => j.id, align: 'right' },
    { header: 'TITLE', value: (j) => j.title },
    { header: 'STATE', value: (j) => j.state, paint: (_j, s) => s.state },
    { header: 'DONE', value: listProgress, align: 'right' },
    { header: 'PRI', value: (j) => j.priority, align: 'right' },
    { header: 'USER', value: (j) => j.user },
    { header: 'JOB TYPE', value: (j) => j.jobtype },
    { header: 'QUEUE', value: (j) => j.jobqueue },
    { header: 'SUBMITTED', value: (j) => formatTime(j.time_submitted) },
    { header: 'TIME', value: (j) => elapsed(j.time_started, j.time_finished), align: 'right' },
  ];
  return renderTable(columns, jobs, style);
}

const frames = (job: FullJob) =>
  job.start === null || job.end === null
    ? undefined
    : formatFrameRange({ start: job.start, end: job.end, by: job.by });

export function jobDetails(job: FullJob, counts: TaskCounts | undefined, style: Style): string {
  const limit = (n: number | null) => (n === null || n === 0 ? undefined : n);
  const progress = counts
    ? `${counts.done}/${counts.total} done, ${counts.running} running, ${counts.queued} waiting, ` +
      `${counts.failed} failed (${formatPercent(counts.progress)})`
    : undefined;
  return renderFields(
    [
      ['id', job.id],
      ['title', job.title],
      ['state', style.state(job.state)],
      ['tasks', progress],
      ['job type', `${job.jobtype} (version ${job.jobtype_version})`],
      ['user', job.user],
      ['queue', job.jobqueue],
      ['group', job.jobgroup],
      ['frames', frames(job)],
      ['batch', job.batch],
      ['priority', job.priority],
      ['weight', job.weight],
      ['agents', [limit(job.minimum_agents) ?? 0, limit(job.maximum_agents) ?? '∞'].join('-')],
      ['requeue', job.requeue === -1 ? 'forever' : job.requeue],
      ['cpus / ram', `${job.cpus} / ${job.ram} MB`],
      ['tags', job.tags.join(', ')],
      [
        'requires',
        [
          ...job.software_requirements.map(describeRequirement),
          ...job.tag_requirements.map((t) => (t.negate ? `!${t.tag}` : t.tag)),
        ].join(', '),
      ],
      ['parents', job.parents.map((p) => `${p.id} ${p.title}`).join(', ')],
      ['children', job.children.map((c) => `${c.id} ${c.title}`).join(', ')],
      ['notify', job.notified_users.map((u) => u.username).join(', ')],
      ['submitted', formatTime(job.time_submitted)],
      ['started', formatTime(job.time_started)],
      ['finished', formatTime(job.time_finished)],
      ['time', elapsed(job.time_started, job.time_finished)],
      ['data', job.data === null ? undefined : JSON.stringify(job.data)],
      ['environment', job.environ === null ? undefined : JSON.stringify(job.environ)],
      ['notes', job.notes],
    ],
    style,
  );
}

/** `agentNames` maps agent ids to `host:port` when the agents are readable. */
export function taskTable(
  tasks: readonly Task[],
  agentNames: ReadonlyMap<string, string>,
  style: Style,
): string {
  const columns: Column<Task>[] = [
    { header: 'ID', value: (t) => t.id, align: 'right' },
    { header: 'FRAME', value: (t) => (t.tile === null ? t.frame : `${t.frame}/${t.tile}`), align: 'right' },
    { header: 'STATE', value: (t) => t.state, paint: (_t, s) => s.state },
    { header: 'PROGRESS', value: (t) => formatPercent(t.state === 'done' ? 1 : t.progress), align: 'right' },
    {
      header: 'AGENT',
      value: (t) => (t.agent_id === null ? undefined : (agentNames.get(t.agent_id) ?? t.agent_id)),
    },
    { header: 'ATTEMPTS', value: (t) => t.attempts, align: 'right' },
    { header: 'FAILURES', value: (t) => t.failures, align: 'right' },
    { header: 'STARTED', value: (t) => formatTime(t.time_started) },
    { header: 'TIME', value: (t) => elapsed(t.time_started, t.time_finished), align: 'right' },
    { header: 'LAST ERROR', value: (t) => t.last_error },
  ];
  return renderTable(columns, tasks, style);
}
