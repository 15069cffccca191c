/**
 * `drover submit`: a job from flags, from a JSON/YAML job file, or both (flags win). See
 * ../client/submit/submission.ts for how flags map to the API and how frame lists become jobs.
 */
import type { Command } from 'commander';
import { withClientOptions } from '../client/client-options.js';
import type { CliIO } from '../io.js';
import { collect, integerOption } from '../option-values.js';
import type { CommandModule } from '../program.js';

export const submitCommand: CommandModule = {
  register(program: Command, io: CliIO) {
    withClientOptions(
      program
        .command('submit')
        .description('submit a job')
        .argument(
          '[file]',
          'a job as JSON or YAML (the fields of POST /api/v1/jobs/, plus "frames"); - reads stdin',
        )
        .option('-t, --title <title>', 'the job title')
        .option('-j, --jobtype <name>', 'the job type, e.g. Blender, FFmpeg, Command')
        .option(
          '--jobtype-version <n>',
          'a version of the job type (default: the latest)',
          integerOption('--jobtype-version', { min: 1 }),
        )
        .option('-f, --frames <frames>', 'frames: 1-100, 1-100x5 (every 5th), 1,5,10-20 (default: 1)')
        .option('-b, --batch <n>', 'frames per assignment', integerOption('--batch', { min: 1 }))
        .option('-p, --priority <n>', 'priority, -1000..1000', integerOption('--priority'))
        .option(
          '-w, --weight <n>',
          'share of agents among jobs of equal priority',
          integerOption('--weight', { min: 0 }),
        )
        .option('-q, --queue <path>', 'the job queue, e.g. studio/lighting')
        .option('--tag <tag>', 'a tag of the job (repeatable)', collect)
        .option('--require-tag <tag>', 'agents must have this tag; !tag: must not (repeatable)', collect)
        .option('--software <requirement>', 'required software, e.g. blender>=3.4 (repeatable)', collect)
        .option('--parent <job>', 'a job (id or title) that must finish first (repeatable)', collect)
        .option(
          '-d, --data <key=value>',
          'job data for the job type; key:=JSON for numbers, lists... (repeatable)',
          collect,
        )
        .option('--data-json <file>', 'job data from a JSON or YAML object (- reads stdin)')
        .option('-e, --env <NAME=VALUE>', 'an environment variable for the job (repeatable)', collect)
        .option('--notify <user>', 'mail this user when the job ends (repeatable)', collect)
        .option(
          '--requeue <n>',
          'retries of a failed task (-1 forever)',
          integerOption('--requeue', { min: -1 }),
        )
        .option(
          '--cpus <n>',
          'CPUs a task needs (0 none, -1 the whole agent)',
          integerOption('--cpus', { min: -1 }),
        )
        .option(
          '--ram <mb>',
          'RAM a task needs in MB (0 none, -1 the whole agent)',
          integerOption('--ram', { min: -1 }),
        )
        .option(
          '--min-agents <n>',
          'agents the job should get at least',
          integerOption('--min-agents', { min: 0 }),
        )
        .option(
          '--max-agents <n>',
          'agents the job may use at most',
          integerOption('--max-agents', { min: 0 }),
        )
        .option('--notes <text>', 'free text')
        .option('--user <name>', 'submit for another user (wranglers)')
        .option('--hidden', 'hide the job from default listings')
        .option('--paused', 'submit the job paused')
        .option('--wait', 'wait until the job finishes (exit 0 done, 1 failed)')
        .option(
          '--timeout <seconds>',
          'with --wait: give up after this long (exit code 124)',
          integerOption('--timeout', { min: 1 }),
        )
        .option('--no-progress', 'with --wait: no progress bars or lines'),
    ).action(async (file: string | undefined, options) => {
      const { submitJob } = await import('../client/submit/submit-job.js');
      await submitJob(io, file, options);
    });
  },
};
