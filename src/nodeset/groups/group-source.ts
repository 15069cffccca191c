/**
 * A group source: one namespace of node groups (`@source:group`), as in ClusterShell's groups.conf.
 * Methods may answer synchronously (a YAML file in memory) or with a promise (a shell upcall, the farm's
 * REST API); GroupResolver caches asynchronous answers and drives retries (see group-resolver.ts).
 *
 * Answers are ClusterShell's raw forms: a string (lines of whitespace-separated items) or a list of
 * items; node items are node set expressions (`node[1-4]`, `@other`), joined with `,` by the resolver.
 * An unknown group is empty, not an error. A method that is absent, or that throws
 * GroupSourceNoUpcallError, means the source cannot answer that question (ClusterShell's missing upcall).
 */
export type MaybePromise<T> = T | PromiseLike<T>;

export type GroupAnswer = string | readonly string[];

export interface GroupSource {
  readonly name: string;
  /** Nodes of one group. */
  map(group: string): MaybePromise<GroupAnswer>;
  /** Names of all groups. */
  list?(): MaybePromise<GroupAnswer>;
  /** All nodes of the source (`@source:*`, `-a`); without it: the union of all listed groups. */
  all?(): MaybePromise<GroupAnswer>;
  /** Groups holding `node`; without it, group membership is computed from list + map. */
  reverse?(node: string): MaybePromise<GroupAnswer>;
  /** How long answers stay cached, in ms (ClusterShell's `cache_time`); the resolver's default otherwise. */
  readonly cacheTtlMs?: number;
}

/** Groups held in memory, e.g. for tests or a fixed inventory. `all` is the group of that name if any. */
export class StaticGroupSource implements GroupSource {
  private readonly groups: ReadonlyMap<string, GroupAnswer>;

  constructor(
    readonly name: string,
    groups: Readonly<Record<string, GroupAnswer>> | ReadonlyMap<string, GroupAnswer>,
  ) {
    this.groups = groups instanceof Map ? groups : new Map(Object.entries(groups));
  }

  map(group: string): GroupAnswer {
    return this.groups.get(group) ?? '';
  }

  list(): GroupAnswer {
    return [...this.groups.keys()];
  }

  all(): GroupAnswer {
    return this.groups.get('all') ?? [...this.groups.values()].flat();
  }
}
