/**
 * What `getCommandData()` returns: one process to start. Like PyFarm's CommandData, paths are used as
 * given — map them with `mapPath()` first. `tasks` (Drover) scopes the process to some of the
 * assignment's tasks (by id): the default `processStarted`/`processStopped` then change only those;
 * without it the process stands for every task of the assignment.
 */
import { statSync } from 'node:fs';
import { ValidationError } from '../../core/errors.js';

export interface CommandOptions {
  env?: Record<string, string | number | boolean>;
  cwd?: string;
  user?: string | number;
  group?: string | number;
  /** Task ids this process works on; default: all tasks of the assignment. */
  tasks?: readonly number[];
  /** A label for logs, e.g. "frame 12". */
  id?: string;
}

export class CommandData {
  command: string;
  args: string[];
  env: Record<string, string> | undefined;
  cwd: string | undefined;
  user: string | number | undefined;
  group: string | number | undefined;
  tasks: readonly number[] | undefined;
  id: string | undefined;

  constructor(command: string, args: readonly (string | number)[] = [], options: CommandOptions = {}) {
    this.command = command;
    this.args = args.map((a) => String(a));
    this.env = options.env
      ? Object.fromEntries(Object.entries(options.env).map(([k, v]) => [k, String(v)]))
      : undefined;
    this.cwd = options.cwd;
    this.user = options.user;
    this.group = options.group;
    this.tasks = options.tasks;
    this.id = options.id;
  }

  /** Fills in the environment only when the job type gave none (PyFarm's set_default_environment). */
  setDefaultEnvironment(env: Readonly<Record<string, string>>): void {
    this.env ??= { ...env };
  }

  /** Checks the fields and fills in the working directory; a ValidationError names what is wrong. */
  validate(defaultCwd: string): void {
    if (typeof this.command !== 'string' || this.command.trim() === '') {
      throw new ValidationError('CommandData.command must be a non-empty string', {
        field: 'command',
        value: this.command,
      });
    }
    if (!Array.isArray(this.args) || this.args.some((a) => typeof a !== 'string')) {
      throw new ValidationError('CommandData.args must be a list of strings', {
        field: 'args',
        value: this.args,
      });
    }
    if (this.env !== undefined) {
      for (const [key, value] of Object.entries(this.env)) {
        if (typeof value !== 'string') {
          throw new ValidationError(`CommandData.env.${key} must be a string`, { field: 'env', value });
        }
      }
    }
    for (const field of ['user', 'group'] as const) {
      const v = this[field];
      if (
        v !== undefined &&
        typeof v !== 'string' &&
        !(typeof v === 'number' && Number.isInteger(v) && v >= 0)
      ) {
        throw new ValidationError(`CommandData.${field} must be a name or a numeric id`, { field, value: v });
      }
    }
    this.cwd ??= defaultCwd;
    if (!isDirectory(this.cwd))
      throw new ValidationError(`working directory ${this.cwd} does not exist`, {
        field: 'cwd',
        value: this.cwd,
      });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
