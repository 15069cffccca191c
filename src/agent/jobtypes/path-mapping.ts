/**
 * Paths in job data are written on one OS and used on another: the master's path maps say that
 * `/mnt/projects` (Linux), `P:\` (Windows) and `/Volumes/projects` (macOS) are the same place. `mapPath`
 * rewrites a path written for any OS into this agent's form; maps that come with a tag of the agent win
 * over untagged ones, and a longer prefix wins over a shorter one. Then `$VAR`/`~` are expanded.
 */
import { homedir } from 'node:os';
import type { PathMap } from '../../api/agent-protocol/index.js';
import type { OsClass } from '../system/hardware.js';

/** `~` at the start, then `$VAR` and `${VAR}`; unknown names are left untouched (a "safe" substitution). */
export function expandvars(value: string, environment: Readonly<Record<string, string | undefined>>): string {
  const home = environment.HOME ?? homedir();
  const withHome = value.replace(/^~(?=$|[/\\])/, home);
  return withHome.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const v = environment[braced ?? bare ?? ''];
      return v === undefined ? whole : v;
    },
  );
}

type Form = 'path_linux' | 'path_windows' | 'path_osx';

const FORM_OF: Record<OsClass, Form> = {
  linux: 'path_linux',
  bsd: 'path_linux',
  other: 'path_linux',
  mac: 'path_osx',
  windows: 'path_windows',
};

interface Rule {
  prefix: string;
  windows: boolean;
  target: string;
  tagged: boolean;
}

function trimSeparators(p: string): string {
  const trimmed = p.replace(/[/\\]+$/, '');
  return trimmed === '' ? p.slice(0, 1) : trimmed;
}

export class PathMapper {
  private readonly rules: Rule[];
  private readonly targetIsWindows: boolean;

  constructor(maps: readonly PathMap[], os: OsClass) {
    const target = FORM_OF[os];
    this.targetIsWindows = target === 'path_windows';
    this.rules = maps
      .flatMap((map) =>
        (['path_linux', 'path_windows', 'path_osx'] as const)
          .filter((form) => map[form] !== '')
          .map((form) => ({
            prefix: trimSeparators(map[form]),
            windows: form === 'path_windows',
            target: trimSeparators(map[target]),
            tagged: map.tag !== undefined && map.tag !== null,
          })),
      )
      .sort((a, b) => Number(b.tagged) - Number(a.tagged) || b.prefix.length - a.prefix.length);
  }

  map(path: string): string {
    for (const rule of this.rules) {
      const rest = matchPrefix(path, rule);
      if (rest === undefined) continue;
      return rule.target + this.convertSeparators(rest);
    }
    return path;
  }

  private convertSeparators(rest: string): string {
    return this.targetIsWindows ? rest.replace(/\//g, '\\') : rest.replace(/\\/g, '/');
  }
}

/** The remainder after `rule.prefix` when the path starts with it at a component boundary. */
function matchPrefix(path: string, rule: Rule): string | undefined {
  const { prefix } = rule;
  if (path.length < prefix.length) return undefined;
  const head = path.slice(0, prefix.length);
  const same = rule.windows
    ? head.replace(/\//g, '\\').toLowerCase() === prefix.replace(/\//g, '\\').toLowerCase()
    : head === prefix;
  if (!same) return undefined;
  const rest = path.slice(prefix.length);
  if (rest !== '' && !/^[/\\]/.test(rest) && !/[/\\]$/.test(prefix)) return undefined;
  return rest;
}
