/**
 * GroupResolver: the group sources known to a node set parser, one of them the default (ClusterShell's
 * GroupResolver). The parser asks it synchronously — ClusterShell resolves `@groups` while it parses, and
 * a group's value may itself name groups — but sources may be asynchronous (shell upcalls, the farm's
 * REST API). The choice made here:
 *
 *   - a synchronous answer is used at once, so parsing with static or file sources stays synchronous;
 *   - an asynchronous answer is started, cached when it arrives, and the lookup throws
 *     GroupResolutionPendingError; `settle(compute)` catches it, waits for every pending answer and runs
 *     `compute` again, until it completes. A computation is re-run at most once per level of group
 *     nesting, and a plain parse without groups never waits.
 *
 * Asynchronous answers are cached for the source's `cacheTtlMs` (default one hour, as ClusterShell's
 * upcall cache); answers obtained during a `settle` stay valid until it returns, whatever the TTL.
 */
import {
  GroupResolutionPendingError,
  GroupResolverIllegalCharError,
  GroupResolverSourceError,
  GroupSourceNoUpcallError,
  NodeSetValueError,
} from '../errors.js';
import { pySplitLines, pySplitWhitespace, pyStrip } from '../python-text.js';
import type { GroupAnswer, GroupSource, MaybePromise } from './group-source.js';

/** Characters that may not appear in a group name (ClusterShell's ILLEGAL_GROUP_CHARS). */
export const ILLEGAL_GROUP_CHARS = '@,!&^*';

export interface GroupResolverOptions {
  /** Name of the default source (`@group` without `source:`); the first source otherwise. */
  defaultSource?: string;
  /** Cache time of asynchronous answers, in ms, for sources that set none. */
  cacheTtlMs?: number;
  illegalChars?: string;
  /** Clock, for tests. */
  now?: () => number;
}

type CacheEntry =
  | { state: 'pending'; promise: Promise<void> }
  | { state: 'done'; value: GroupAnswer; expires: number; generation: number }
  | { state: 'failed'; error: unknown };

function isThenable<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export interface ResolverConfiguration {
  sources: readonly GroupSource[];
  defaultSource?: string | undefined;
}

export class GroupResolver {
  private readonly sourcesByName = new Map<string, GroupSource>();
  private defaultSource: GroupSource | undefined;
  private loader: (() => ResolverConfiguration) | undefined;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttl: number;
  private readonly illegalChars: string;
  private readonly now: () => number;
  private generation = 0;
  private settling = 0;

  constructor(sources: readonly GroupSource[] = [], options: GroupResolverOptions = {}) {
    this.ttl = options.cacheTtlMs ?? 3_600_000;
    this.illegalChars = options.illegalChars ?? ILLEGAL_GROUP_CHARS;
    this.now = options.now ?? Date.now;
    this.configure({ sources, defaultSource: options.defaultSource });
  }

  /**
   * A resolver whose sources are read at first use (ClusterShell reads groups.conf lazily, so a broken
   * configuration only matters to commands that use groups).
   */
  static lazy(load: () => ResolverConfiguration, options: Omit<GroupResolverOptions, 'defaultSource'> = {}) {
    const resolver = new GroupResolver([], options);
    resolver.loader = load;
    return resolver;
  }

  private configure(config: ResolverConfiguration): void {
    for (const source of config.sources) this.addSource(source);
    if (config.defaultSource) this.defaultSourceName = config.defaultSource;
    else if (!this.defaultSource) this.defaultSource = config.sources[0];
  }

  private ensureLoaded(): void {
    const load = this.loader;
    if (!load) return;
    this.loader = undefined;
    this.configure(load());
  }

  /** Adds a source; a second source with the same name is refused. */
  addSource(source: GroupSource): void {
    this.ensureLoaded();
    if (this.sourcesByName.has(source.name)) {
      throw new NodeSetValueError(`GroupSource '${source.name}': name collision`);
    }
    this.sourcesByName.set(source.name, source);
  }

  /** Source names, the default one first. */
  sourceNames(): string[] {
    this.ensureLoaded();
    const names = [...this.sourcesByName.keys()];
    const def = this.defaultSource?.name;
    if (def === undefined) return names;
    return [def, ...names.filter((n) => n !== def)];
  }

  get defaultSourceName(): string | undefined {
    this.ensureLoaded();
    return this.defaultSource?.name;
  }

  set defaultSourceName(name: string | undefined) {
    this.ensureLoaded();
    const source = name === undefined ? undefined : this.sourcesByName.get(name);
    if (!source) throw new GroupResolverSourceError(name ?? '<default>');
    this.defaultSource = source;
  }

  /** The source of a namespace (`undefined` or '' for the default one). */
  source(namespace?: string): GroupSource {
    this.ensureLoaded();
    const source = namespace ? this.sourcesByName.get(namespace) : this.defaultSource;
    if (!source) throw new GroupResolverSourceError(namespace || '<default>');
    return source;
  }

  // ---- cached lookups -------------------------------------------------------------------------------------

  private lookup(
    source: GroupSource,
    upcall: 'map' | 'list' | 'all' | 'reverse',
    arg: string,
    call: () => MaybePromise<GroupAnswer>,
  ): GroupAnswer {
    const key = `${upcall}\0${source.name}\0${arg}`;
    const entry = this.cache.get(key);
    if (entry) {
      if (entry.state === 'pending') throw new GroupResolutionPendingError(source.name);
      if (entry.state === 'failed') {
        this.cache.delete(key);
        throw entry.error;
      }
      if (entry.expires > this.now() || (this.settling > 0 && entry.generation === this.generation)) {
        return entry.value;
      }
      this.cache.delete(key);
    }
    const answer = call();
    if (!isThenable(answer)) return answer;
    const ttl = source.cacheTtlMs ?? this.ttl;
    const promise = Promise.resolve(answer).then(
      (value) => {
        this.cache.set(key, { state: 'done', value, expires: this.now() + ttl, generation: this.generation });
      },
      (error: unknown) => {
        this.cache.set(key, { state: 'failed', error });
      },
    );
    this.cache.set(key, { state: 'pending', promise });
    throw new GroupResolutionPendingError(source.name);
  }

  private ask(
    namespace: string | undefined,
    upcall: 'map' | 'list' | 'all' | 'reverse',
    arg = '',
  ): GroupAnswer {
    const source = this.source(namespace);
    const method = source[upcall];
    if (!method) throw new GroupSourceNoUpcallError(upcall, source.name);
    return this.lookup(source, upcall, arg, () => method.call(source, arg));
  }

  /** ClusterShell's `_list_nodes`: items joined with ',', then split on lines and whitespace. */
  private static nodeItems(raw: GroupAnswer): string[] {
    const text = typeof raw === 'string' ? raw : raw.join(',');
    const items: string[] = [];
    for (const line of pySplitLines(text))
      for (const item of pySplitWhitespace(pyStrip(line))) items.push(item);
    return items;
  }

  /** ClusterShell's `_list_groups`: names split on whitespace, illegal characters refused. */
  private groupNames(raw: GroupAnswer): string[] {
    const lines = typeof raw === 'string' ? pySplitLines(raw) : raw;
    const names: string[] = [];
    for (const line of lines) {
      for (const name of pySplitWhitespace(pyStrip(String(line)))) {
        const bad = [...this.illegalChars].filter((c) => name.includes(c));
        if (bad.length) throw new GroupResolverIllegalCharError(bad.join(' '));
        names.push(name);
      }
    }
    return names;
  }

  groupNodes(group: string, namespace?: string): string[] {
    return GroupResolver.nodeItems(this.ask(namespace, 'map', group));
  }

  allNodes(namespace?: string): string[] {
    return GroupResolver.nodeItems(this.ask(namespace, 'all'));
  }

  groupList(namespace?: string): string[] {
    return this.groupNames(this.ask(namespace, 'list'));
  }

  hasNodeGroups(namespace?: string): boolean {
    try {
      return this.source(namespace).reverse !== undefined;
    } catch (err) {
      if (err instanceof GroupResolverSourceError) return false;
      throw err;
    }
  }

  nodeGroups(node: string, namespace?: string): string[] {
    return this.groupNames(this.ask(namespace, 'reverse', node));
  }

  /**
   * Starts the lookups of several groups at once, so that a computation about to map each of them waits
   * for all answers in one round instead of one round per group. Throws like a lookup when any is pending.
   */
  prefetchGroupNodes(groups: readonly string[], namespace?: string): void {
    let pending: GroupResolutionPendingError | undefined;
    for (const group of groups) {
      try {
        this.ask(namespace, 'map', group);
      } catch (err) {
        if (err instanceof GroupResolutionPendingError) pending = err;
        else break;
      }
    }
    if (pending) throw pending;
  }

  /** Runs `compute`, waiting for asynchronous group answers and re-running it until it completes. */
  async settle<T>(compute: () => T): Promise<T> {
    this.settling++;
    this.generation++;
    try {
      for (;;) {
        try {
          return compute();
        } catch (err) {
          if (!(err instanceof GroupResolutionPendingError)) throw err;
          const pending = [...this.cache.values()].flatMap((e) => (e.state === 'pending' ? [e.promise] : []));
          if (pending.length === 0) throw err;
          await Promise.all(pending);
        }
      }
    } finally {
      this.settling--;
    }
  }

  /** Forgets every cached answer. */
  clearCache(): void {
    this.cache.clear();
  }
}
