/**
 * The ClusterShell-style group configuration (groups.conf(5)), read as ClusterShell 1.9 reads it:
 *   [Main]
 *   default: local                    # default source (else the first one found)
 *   confdir: /etc/clustershell/groups.conf.d $CFGDIR/groups.conf.d    # more *.conf files of upcall sources
 *   autodir: /etc/clustershell/groups.d $CFGDIR/groups.d              # *.yaml files of static sources
 *   [local]                           # an upcall source (map mandatory; all, list, reverse, cache_time)
 *   map: sed -n 's/^$GROUP:\(.*\)/\1/p' $CFGDIR/groups.d/local.cfg
 * Sources come in this order: confdir files, autodir files, then groups.conf's own sections. The files are
 * read at first use of the resolver, so a broken configuration only fails commands that use groups.
 */
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { GroupResolverConfigError, NodeSetValueError } from '../errors.js';
import { parsePyFloat } from '../python-text.js';
import type { GroupSource } from './group-source.js';
import { GroupResolver, type ResolverConfiguration } from './group-resolver.js';
import { IniConfig } from './ini-config.js';
import { safeSubstitute, UpcallGroupSource } from './upcall-group-source.js';
import { loadYamlGroupSources } from './yaml-group-source.js';

export interface GroupsConfigOptions {
  /** groups.conf files, read in order (missing ones skipped); the last one read gives `$CFGDIR`. */
  paths: readonly string[];
  /** Receives what upcall commands write on their standard error. */
  onUpcallStderr?: (text: string) => void;
}

/** Where ClusterShell looks for groups.conf, lowest priority first. */
export function defaultGroupsConfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || homedir();
  const paths = [
    '/etc/clustershell/groups.conf',
    join(home, '.local/etc/clustershell/groups.conf'),
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'clustershell/groups.conf'),
  ];
  if (env.CLUSTERSHELL_CFGDIR !== undefined) paths.push(join(env.CLUSTERSHELL_CFGDIR, 'groups.conf'));
  return paths;
}

/** A resolver over the sources that groups.conf declares, loaded at first use. */
export function createConfigGroupResolver(options: GroupsConfigOptions): GroupResolver {
  return GroupResolver.lazy(() => loadGroupsConfig(options));
}

/** Python's shlex.split (POSIX mode, no comments). */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new NodeSetValueError('No closing quotation');
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; ; i++) {
        if (i >= text.length) throw new NodeSetValueError('No closing quotation');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && '\\"$`\n'.includes(text[i + 1]!)) word += text[++i];
        else word += d;
      }
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new NodeSetValueError('No escaped character');
      word = (word ?? '') + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Python's os.path.normpath for absolute or relative POSIX paths. */
function normpath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined;
  }
}

function filesEndingWith(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix) && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

/** Directories listed by a [Main] option, `$CFGDIR` substituted, each once, missing ones skipped. */
function listedDirectories(config: IniConfig, option: string, cfgdir: string, kind: string): string[] {
  if (!config.hasOption('Main', option)) return [];
  const dirs: string[] = [];
  for (const raw of shlexSplit(config.get('Main', option))) {
    const dir = normpath(safeSubstitute(raw, { CFGDIR: cfgdir }));
    if (dirs.includes(dir)) continue;
    const isDir = isDirectory(dir);
    if (isDir === undefined) continue;
    if (!isDir) throw new GroupResolverConfigError(`Defined ${kind} ${dir} is not a directory`);
    dirs.push(dir);
  }
  return dirs;
}

export function loadGroupsConfig(options: GroupsConfigOptions): ResolverConfiguration {
  const config = new IniConfig();
  const parsed = config.read(options.paths);
  if (parsed.length === 0) return { sources: [] };
  const cfgdir = dirname(parsed[parsed.length - 1]!);
  const sources: GroupSource[] = [];
  const names = new Set<string>();
  const collision = (name: string): string => `GroupSource '${name}': name collision`;

  const fromSections = (cfg: IniConfig, dir: string): void => {
    for (const section of cfg.sections()) {
      for (const name of section.split(',')) {
        if (name === 'Main') continue;
        const optional = (key: string): string | undefined =>
          cfg.hasOption(section, key) ? cfg.get(section, key, true) : undefined;
        const commands = {
          map: cfg.get(section, 'map', true),
          all: optional('all'),
          list: optional('list'),
          reverse: optional('reverse'),
        };
        const cacheTime = optional('cache_time');
        const seconds = cacheTime === undefined ? undefined : parsePyFloat(cacheTime);
        if (Number.isNaN(seconds) || (cacheTime !== undefined && seconds === undefined)) {
          throw new GroupResolverConfigError(`could not convert string to float: '${cacheTime}'`);
        }
        if (names.has(name)) throw new GroupResolverConfigError(collision(name));
        names.add(name);
        sources.push(
          new UpcallGroupSource(name, commands, {
            cfgdir: dir,
            cacheTimeSeconds: seconds,
            onStderr: options.onUpcallStderr,
          }),
        );
      }
    }
  };

  if (config.hasSection('Main')) {
    const confdirOption = config.hasOption('Main', 'groupsdir') ? 'groupsdir' : 'confdir';
    for (const dir of listedDirectories(config, confdirOption, cfgdir, 'confdir')) {
      for (const file of filesEndingWith(dir, '.conf')) {
        const part = new IniConfig();
        part.read([file]);
        fromSections(part, dir);
      }
    }
    for (const dir of listedDirectories(config, 'autodir', cfgdir, 'autodir')) {
      for (const file of filesEndingWith(dir, '.yaml')) {
        let loaded: GroupSource[];
        try {
          loaded = loadYamlGroupSources(file);
        } catch (err) {
          // ClusterShell skips YAML files it may not read.
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EACCES' || code === 'EPERM') continue;
          throw err;
        }
        for (const source of loaded) {
          if (names.has(source.name)) throw new NodeSetValueError(collision(source.name));
          names.add(source.name);
          sources.push(source);
        }
      }
    }
  }
  fromSections(config, cfgdir);

  let defaultSource: string | undefined;
  if (config.hasSection('Main') && config.hasOption('Main', 'default')) {
    const name = config.get('Main', 'default');
    if (names.has(name)) defaultSource = name;
    else if (name) throw new GroupResolverConfigError(`Default group source not found: "${name}"`);
  }
  return { sources, defaultSource: defaultSource ?? sources[0]?.name };
}
