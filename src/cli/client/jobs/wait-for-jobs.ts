/**
 * Waiting for jobs to finish (`drover wait`, `drover submit --wait`, `drover demo`): the master is polled
 * once a second for each unfinished job's state and tasks. On a terminal, progress bars (cli-progress) on
 * stderr; elsewhere one line on stderr whenever a job's state or count of finished tasks changes. A job is
 * finished when it is done or failed (a paused job is waited for: it may be resumed).
 */
import type { Static } from 'typebox';
import type { JobView } from '../../../api/schemas/jobs.js';
import type { TaskView } from '../../../api/schemas/tasks.js';
import type { CliIO } from '../../io.js';
import type { MasterClient } from '../master-client.js';
import { segment } from '../master-client.js';
import { countTasks, type TaskCounts } from './job-views.js';

type Job = Static<typeof JobView>;

export interface WaitOptions {
  /** Show progress on stderr (bars on a terminal, lines elsewhere). */
  progress: boolean;
  /** Give up after this long (undefined = never). */
  timeoutMs?: number;
  intervalMs?: number;
}

export interface WaitOutcome {
  jobs: Job[];
  /** False when the timeout came first. */
  finished: boolean;
}

const FINISHED = new Set(['done', 'failed']);

interface Reporter {
  update(job: Job, counts: TaskCounts): void;
  stop(): void;
}

async function barReporter(io: CliIO): Promise<Reporter> {
  const { default: progress } = await import('cli-progress');
  const multibar = new progress.MultiBar(
    {
      stream: io.stderr as unknown as NodeJS.WritableStream,
      // {total} and {value} are the bar's own (permille of progress); the task counts are payload.
      format: ' {bar} {percentage}% | {tasksDone}/{tasksTotal} tasks | {state} | {id} {title}',
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    progress.Presets.shades_classic,
  );
  const bars = new Map<number, ReturnType<typeof multibar.create>>();
  return {
    update(job, counts) {
      const payload = {
        id: job.id,
        title: job.title,
        state: job.state,
        tasksDone: counts.done,
        tasksTotal: counts.total,
      };
      const value = Math.round(counts.progress * 1000);
      const bar = bars.get(job.id);
      if (bar) bar.update(value, payload);
      else bars.set(job.id, multibar.create(1000, value, payload));
    },
    stop: () => multibar.stop(),
  };
}

function lineReporter(io: CliIO): Reporter {
  const last = new Map<number, string>();
  return {
    update(job, counts) {
      const line =
        `job ${job.id} ${JSON.stringify(job.title)}: ${job.state}, ${counts.done}/${counts.total} tasks done` +
        (counts.failed > 0 ? `, ${counts.failed} failed` : '');
      if (last.get(job.id) === line) return;
      last.set(job.id, line);
      io.stderr.write(`${line}\n`);
    },
    stop() {},
  };
}

export async function waitForJobs(
  client: MasterClient,
  io: CliIO,
  jobIds: readonly number[],
  options: WaitOptions,
): Promise<WaitOutcome> {
  const interval = options.intervalMs ?? 1000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const reporter: Reporter | undefined = !options.progress
    ? undefined
    : io.stderr.isTTY
      ? await barReporter(io)
      : lineReporter(io);
  const latest = new Map<number, Job>();
  try {
    for (;;) {
      for (const id of jobIds) {
        if (FINISHED.has(latest.get(id)?.state ?? '')) continue;
        const [job, tasks] = await Promise.all([
          client.get<Job>(`/jobs/${segment(id)}`),
          client.get<Static<typeof TaskView>[]>(`/jobs/${segment(id)}/tasks/`),
        ]);
        latest.set(id, job);
        reporter?.update(job, countTasks(tasks));
      }
      const jobs = jobIds.map((id) => latest.get(id)!);
      if (jobs.every((job) => FINISHED.has(job.state))) return { jobs, finished: true };
      if (Date.now() >= deadline) return { jobs, finished: false };
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))),
      );
    }
  } finally {
    reporter?.stop();
  }
}
