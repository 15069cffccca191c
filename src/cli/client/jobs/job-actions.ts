/**
 * `drover jobs`, `drover job`, `drover tasks`, `drover rerun|pause|resume|delete` and `drover wait`.
 * A job is named by its id or its title, as in the REST API's `/jobs/<x>`.
 */
import type { Static } from 'typebox';
import type { AgentSummary } from '../../../api/schemas/agents.js';
import type { JobListItem, JobStateName, JobView } from '../../../api/schemas/jobs.js';
import type { TaskView } from '../../../api/schemas/tasks.js';
import { CliExit, type CliIO } from '../../io.js';
import { EXIT_FAILURE } from '../client-errors.js';
import { openClient } from '../client-command.js';
import type { ClientOptions } from '../client-options.js';
import { segment, type MasterClient } from '../master-client.js';
import { promptLine, stdinIsTerminal } from '../prompt.js';
import { countTasks, jobDetails, jobTable, taskTable } from './job-views.js';
import { waitForJobs } from './wait-for-jobs.js';

type Job = Static<typeof JobView>;

/** Exit code of `drover wait --timeout` when the time runs out (as GNU timeout's). */
export const EXIT_TIMEOUT = 124;

export interface ListJobsOptions extends ClientOptions {
  state?: JobStateName[];
  user?: string;
  queue?: string;
  jobtype?: string;
  title?: string;
  all?: boolean;
  limit: number;
}

export async function listJobs(io: CliIO, options: ListJobsOptions) {
  const { client, out } = openClient(io, options);
  const jobs = await client.get<Static<typeof JobListItem>[]>('/jobs/', {
    state: options.state,
    user: options.user,
    jobqueue: options.queue,
    jobtype: options.jobtype,
    title: options.title,
    hidden: options.all ? undefined : false,
    task_counts: true,
    order_by: 'id',
    order_dir: 'desc',
    per_page: options.limit,
  });
  out.print(jobs, (style) => (jobs.length === 0 ? 'no jobs\n' : jobTable(jobs, style)));
}

export async function showJob(io: CliIO, job: string, options: ClientOptions) {
  const { client, out } = openClient(io, options);
  const [view, tasks] = await Promise.all([
    client.get<Job>(`/jobs/${segment(job)}`),
    client.get<Static<typeof TaskView>[]>(`/jobs/${segment(job)}/tasks/`),
  ]);
  out.print(view, (style) => jobDetails(view, countTasks(tasks), style));
}

/** Agent ids → `host:port`, for task tables; empty when the agents cannot be read. */
async function agentNames(client: MasterClient): Promise<Map<string, string>> {
  try {
    const agents = await client.get<Static<typeof AgentSummary>[]>('/agents/');
    return new Map(agents.map((a) => [a.id, `${a.hostname}:${a.port}`]));
  } catch {
    return new Map();
  }
}

export async function listTasks(io: CliIO, job: string, options: ClientOptions) {
  const { client, out } = openClient(io, options);
  const tasks = await client.get<Static<typeof TaskView>[]>(`/jobs/${segment(job)}/tasks/`);
  const names = out.json || tasks.every((t) => t.agent_id === null) ? new Map() : await agentNames(client);
  out.print(tasks, (style) => (tasks.length === 0 ? 'no tasks\n' : taskTable(tasks, names, style)));
}

export type JobAction = 'rerun' | 'rerun_failed' | 'pause' | 'unpause';

const DONE_MESSAGES: Record<JobAction, string> = {
  rerun: 'rerunning',
  rerun_failed: 'rerunning the failed tasks of',
  pause: 'paused',
  unpause: 'resumed',
};

export async function applyJobAction(
  io: CliIO,
  jobs: readonly string[],
  action: JobAction,
  options: ClientOptions,
) {
  const { client, out } = openClient(io, options);
  const changed: Job[] = [];
  for (const job of jobs) {
    const view = await client.post<Job>(`/jobs/${segment(job)}/${action}`);
    changed.push(view);
    if (!out.json)
      io.stdout.write(
        `${DONE_MESSAGES[action]} job ${view.id} ${JSON.stringify(view.title)} (${view.state})\n`,
      );
  }
  if (out.json) out.print(changed.length === 1 ? changed[0] : changed, () => '');
}

export async function deleteJobs(
  io: CliIO,
  jobs: readonly string[],
  options: ClientOptions & { yes?: boolean },
) {
  const { client, out } = openClient(io, options);
  const views: Job[] = [];
  for (const job of jobs) views.push(await client.get<Job>(`/jobs/${segment(job)}`));
  const children = views.flatMap((v) => v.children);
  if (!options.yes && stdinIsTerminal(io)) {
    const what = views.map((v) => `${v.id} ${JSON.stringify(v.title)}`).join(', ');
    const also = children.length > 0 ? ` and the ${children.length} job(s) depending on it` : '';
    const answer = await promptLine(io, `Delete job ${what}${also}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliExit(1, 'nothing deleted');
  }
  for (const view of views) {
    await client.delete(`/jobs/${view.id}`);
    if (!out.json) io.stdout.write(`deleted job ${view.id} ${JSON.stringify(view.title)}\n`);
  }
  if (out.json) out.print({ deleted: views.map((v) => v.id) }, () => '');
}

export interface WaitCommandOptions extends ClientOptions {
  timeout?: number;
  progress?: boolean;
}

/**
 * Waits for the jobs and ends with exit code 0 when all are done, 1 when one failed, 124 on timeout.
 * `--json` prints the jobs as they ended.
 */
export async function waitForJobsCommand(io: CliIO, jobs: readonly string[], options: WaitCommandOptions) {
  const { client, out } = openClient(io, options);
  const ids: number[] = [];
  for (const job of jobs) ids.push((await client.get<Job>(`/jobs/${segment(job)}`)).id);
  await finishWaiting(io, client, out, ids, options);
}

export async function finishWaiting(
  io: CliIO,
  client: MasterClient,
  out: ReturnType<typeof openClient>['out'],
  ids: readonly number[],
  options: WaitCommandOptions,
): Promise<Job[]> {
  const outcome = await waitForJobs(client, io, ids, {
    progress: options.progress !== false,
    ...(options.timeout !== undefined ? { timeoutMs: options.timeout * 1000 } : {}),
  });
  out.print(outcome.jobs.length === 1 ? outcome.jobs[0] : outcome.jobs, (style) =>
    outcome.jobs.map((j) => `job ${j.id} ${JSON.stringify(j.title)}: ${style.state(j.state)}\n`).join(''),
  );
  if (!outcome.finished) throw new CliExit(EXIT_TIMEOUT, `gave up waiting after ${options.timeout} s`);
  const failed = outcome.jobs.filter((j) => j.state === 'failed');
  if (failed.length > 0) {
    const hint = `see drover tasks ${failed[0]!.id} and drover logs ${failed[0]!.id} <frame>`;
    throw new CliExit(
      EXIT_FAILURE,
      `${failed.length === 1 ? 'the job' : `${failed.length} jobs`} failed; ${hint}`,
    );
  }
  return outcome.jobs;
}
