/**
 * A group source answered by shell commands ("upcalls"), as declared in a groups.conf section:
 *   map: sed -n 's/^$GROUP:\(.*\)/\1/p' $CFGDIR/groups
 * `$GROUP`, `$NODE`, `$CFGDIR` and `$SOURCE` are substituted (Python's Template.safe_substitute: other
 * `$names` stay, `$$` is `$`), the command runs through /bin/sh in the configuration directory, its
 * standard output (stripped) is the answer, and a non-zero exit status fails the query.
 */
import { spawn } from 'node:child_process';
import { GroupSourceQueryFailedError, NodeSetValueError } from '../errors.js';
import { pyStrip } from '../python-text.js';
import type { GroupSource } from './group-source.js';

export interface UpcallCommands {
  map: string;
  all?: string | undefined;
  list?: string | undefined;
  reverse?: string | undefined;
}

export interface UpcallOptions {
  /** Working directory of the commands and value of `$CFGDIR`. */
  cfgdir?: string | undefined;
  /** ClusterShell's `cache_time`, in seconds. */
  cacheTimeSeconds?: number | undefined;
  /** Receives what the commands write on their standard error (ClusterShell lets it through). */
  onStderr?: ((text: string) => void) | undefined;
}

/** Python's `string.Template(template).safe_substitute(vars)`. */
export function safeSubstitute(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(
    /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\}|)/gi,
    (match, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (escaped) return '$';
      const name = named ?? braced;
      return name !== undefined && Object.hasOwn(vars, name) ? vars[name]! : match;
    },
  );
}

export class UpcallGroupSource implements GroupSource {
  readonly cacheTtlMs: number | undefined;
  readonly list?: () => Promise<string>;
  readonly all?: () => Promise<string>;
  readonly reverse?: (node: string) => Promise<string>;

  constructor(
    readonly name: string,
    private readonly commands: UpcallCommands,
    private readonly options: UpcallOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTimeSeconds === undefined ? undefined : options.cacheTimeSeconds * 1000;
    if (commands.list) this.list = () => this.run(commands.list!, {});
    if (commands.all) this.all = () => this.run(commands.all!, {});
    if (commands.reverse) this.reverse = (node) => this.run(commands.reverse!, { NODE: node });
  }

  map(group: string): Promise<string> {
    return this.run(this.commands.map, { GROUP: group });
  }

  private run(command: string, args: Record<string, string>): Promise<string> {
    const cfgdir = this.options.cfgdir;
    const cmdline = safeSubstitute(command, { ...args, CFGDIR: cfgdir ?? 'None', SOURCE: this.name });
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', cmdline], {
        cwd: cfgdir || undefined,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => this.options.onStderr?.(chunk.toString('utf8')));
      child.on('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'ENOENT' && cfgdir
            ? new NodeSetValueError(`[Errno 2] No such file or directory: '${cfgdir}'`)
            : new NodeSetValueError(err.message),
        );
      });
      child.on('close', (code) => {
        if (code !== 0) reject(new GroupSourceQueryFailedError(cmdline, this.name));
        else resolve(pyStrip(Buffer.concat(out).toString('utf8').replace(/\r\n?/g, '\n')));
      });
    });
  }
}
