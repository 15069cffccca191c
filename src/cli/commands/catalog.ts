/**
 * `drover queues [queue]`, `drover software [name]` and `drover jobtypes list|show|create|update|delete`:
 * the farm's catalog as seen through the REST API.
 */
import type { Command } from 'commander';
import { withClientOptions, type ClientOptions } from '../client/client-options.js';
import type { CliIO } from '../io.js';
import { collect, integerOption } from '../option-values.js';
import type { CommandModule } from '../program.js';

const actions = () => import('../client/catalog-actions.js');

export const catalogCommands: CommandModule = {
  register(program: Command, io: CliIO) {
    withClientOptions(
      program
        .command('queues')
        .description('list the job queues, or show one (by id or path)')
        .argument('[queue]', 'a queue id or path, e.g. /studio/lighting'),
    ).action(async (queue: string | undefined, options: ClientOptions) =>
      (await actions()).showQueues(io, queue, options),
    );

    withClientOptions(
      program
        .command('software')
        .description('list the software the farm knows, or show one with its versions')
        .argument('[software]', 'a software id or name'),
    ).action(async (software: string | undefined, options: ClientOptions) =>
      (await actions()).showSoftware(io, software, options),
    );

    const jobtypes = program
      .command('jobtypes')
      .description('list, show, create, update or delete job types');
    withClientOptions(jobtypes.command('list', { isDefault: true }).description('list the job types')).action(
      async (options: ClientOptions) => (await actions()).listJobTypes(io, options),
    );
    withClientOptions(
      jobtypes
        .command('show')
        .description('show a job type (its latest version unless --version)')
        .argument('<jobtype>', 'a job type id or name')
        .option('--version <n>', 'this version', integerOption('--version', { min: 1 }))
        .option('--code', 'print only the code'),
    ).action(async (jobType: string, options) => (await actions()).showJobType(io, jobType, options));
    const fileOptions = (command: Command) =>
      withClientOptions(
        command
          .option('--name <name>', "the job type name (default: the file's @name, class or file name)")
          .option('--description <text>', 'a one-line description (default: from the file)')
          .option(
            '--software <requirement>',
            'a software requirement, e.g. blender>=3.0 (repeatable)',
            collect,
          ),
      );
    fileOptions(
      jobtypes
        .command('create')
        .description('create a job type from a JavaScript file (admins)')
        .argument('<file>', 'an ES module exporting a JobType class (header format: docs/jobtypes.md)'),
    ).action(async (file: string, options) => (await actions()).createJobType(io, file, options));
    fileOptions(
      jobtypes
        .command('update')
        .description('with a file: add a new version; without: change the name or description (admins)')
        .argument('<jobtype>', 'a job type id or name')
        .argument('[file]', 'the new code'),
    ).action(async (jobType: string, file: string | undefined, options) =>
      (await actions()).updateJobType(io, jobType, file, options),
    );
    withClientOptions(
      jobtypes
        .command('delete')
        .description('delete a job type, or one version of it (admins)')
        .argument('<jobtype>', 'a job type id or name')
        .option('--version <n>', 'delete only this version', integerOption('--version', { min: 1 })),
    ).action(async (jobType: string, options: ClientOptions & { version?: number }) =>
      (await actions()).deleteJobType(io, jobType, options),
    );
  },
};
