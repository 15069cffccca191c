/**
 * Jobs over the REST API: `drover jobs`, `drover job <job>`, `drover tasks <job>`,
 * `drover rerun|pause|resume|delete <job>...` and `drover wait <job>...`. A job is its id or its title.
 */
import type { Command } from 'commander';
import { withClientOptions, type ClientOptions } from '../client/client-options.js';
import type { CliIO } from '../io.js';
import { collectChoice, integerOption } from '../option-values.js';
import type { CommandModule } from '../program.js';

const actions = () => import('../client/jobs/job-actions.js');

const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed'];

export const jobCommands: CommandModule = {
  register(program: Command, io: CliIO) {
    withClientOptions(
      program
        .command('jobs')
        .description('list jobs, newest first')
        .option(
          '--state <state>',
          `only jobs in this state: ${JOB_STATES.join(', ')} (repeatable)`,
          collectChoice('--state', JOB_STATES),
        )
        .option('--user <name>', "only this user's jobs")
        .option('--queue <path>', 'only jobs directly in this queue')
        .option('--jobtype <name>', 'only jobs of this job type')
        .option('--title <text>', 'only jobs whose title contains this')
        .option('--all', 'include hidden jobs')
        .option('--limit <n>', 'show at most this many', integerOption('--limit', { min: 1, max: 1000 }), 50),
    ).action(async (options) => (await actions()).listJobs(io, options));

    withClientOptions(
      program.command('job').description('show a job').argument('<job>', 'a job id or title'),
    ).action(async (job: string, options: ClientOptions) => (await actions()).showJob(io, job, options));

    withClientOptions(
      program.command('tasks').description("list a job's tasks").argument('<job>', 'a job id or title'),
    ).action(async (job: string, options: ClientOptions) => (await actions()).listTasks(io, job, options));

    withClientOptions(
      program
        .command('rerun')
        .description('rerun the finished tasks of jobs (and of the jobs depending on them)')
        .argument('<job...>', 'job ids or titles')
        .option('--failed', 'rerun only the failed tasks'),
    ).action(async (jobs: string[], options: ClientOptions & { failed?: boolean }) =>
      (await actions()).applyJobAction(io, jobs, options.failed ? 'rerun_failed' : 'rerun', options),
    );
    withClientOptions(
      program
        .command('pause')
        .description('pause jobs (running tasks are stopped)')
        .argument('<job...>', 'job ids or titles'),
    ).action(async (jobs: string[], options: ClientOptions) =>
      (await actions()).applyJobAction(io, jobs, 'pause', options),
    );
    withClientOptions(
      program
        .command('resume')
        .description('put paused jobs back in the queue')
        .argument('<job...>', 'job ids or titles'),
    ).action(async (jobs: string[], options: ClientOptions) =>
      (await actions()).applyJobAction(io, jobs, 'unpause', options),
    );
    withClientOptions(
      program
        .command('delete')
        .description('delete jobs, their tasks and the jobs depending on them')
        .argument('<job...>', 'job ids or titles')
        .option('-y, --yes', 'do not ask for confirmation on a terminal'),
    ).action(async (jobs: string[], options: ClientOptions & { yes?: boolean }) =>
      (await actions()).deleteJobs(io, jobs, options),
    );

    withClientOptions(
      program
        .command('wait')
        .description('wait until jobs finish: exit 0 when all are done, 1 when one failed')
        .argument('<job...>', 'job ids or titles')
        .option(
          '--timeout <seconds>',
          'give up after this long (exit code 124)',
          integerOption('--timeout', { min: 1 }),
        )
        .option('--no-progress', 'no progress bars or lines on stderr'),
    ).action(async (jobs: string[], options) => (await actions()).waitForJobsCommand(io, jobs, options));
  },
};
