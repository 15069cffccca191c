/**
 * What an agent can run, and what a job needs, reduced to values the scheduler can compare cheaply.
 *
 * Agents with the same tags, software versions and project dedication form one capability class; jobs
 * with the same tag requirements, software requirements (the job type version's and the job's own) and
 * project share one requirement set. Whether a class meets a set is computed once and cached, so a
 * decision over 1,000 jobs for 10,000 agents costs table lookups, not requirement checks. CPUs and RAM are
 * not part of either: they change with every announce and are compared per agent (./agent-resources.ts).
 */

export interface TagRequirementFact {
  readonly tagId: number;
  readonly tag: string;
  /** true = the agent must not carry the tag. */
  readonly negate: boolean;
}

export interface SoftwareRequirementFact {
  readonly softwareId: number;
  readonly software: string;
  /** Ranks of the bounds; null = open. */
  readonly minRank: number | null;
  readonly maxRank: number | null;
}

export interface RequirementSet {
  /** Dense number for the classes' caches. */
  readonly index: number;
  readonly key: string;
  readonly tags: readonly TagRequirementFact[];
  readonly software: readonly SoftwareRequirementFact[];
  /** The job's project; agents dedicated to projects take only jobs of those projects. */
  readonly project: string | null;
}

/** A reason a class cannot take a requirement set, for explanations. */
export interface CapabilityMismatch {
  readonly kind: 'project' | 'tag' | 'software';
  readonly detail: string;
}

export class RequirementSets {
  private readonly byKey = new Map<string, RequirementSet>();

  intern(
    tags: readonly TagRequirementFact[],
    software: readonly SoftwareRequirementFact[],
    project: string | null,
  ): RequirementSet {
    const sortedTags = [...tags].sort((a, b) => a.tagId - b.tagId || Number(a.negate) - Number(b.negate));
    const sortedSoftware = [...software].sort(
      (a, b) => a.softwareId - b.softwareId || (a.minRank ?? -Infinity) - (b.minRank ?? -Infinity),
    );
    const key = JSON.stringify([
      sortedTags.map((t) => [t.tagId, t.negate]),
      sortedSoftware.map((s) => [s.softwareId, s.minRank, s.maxRank]),
      project,
    ]);
    let set = this.byKey.get(key);
    if (!set) {
      set = { index: this.byKey.size, key, tags: sortedTags, software: sortedSoftware, project };
      this.byKey.set(key, set);
    }
    return set;
  }
}

export interface CapabilityFacts {
  readonly tagIds: readonly number[];
  /** The software versions the agent has, as (software, rank). */
  readonly software: readonly { softwareId: number; rank: number }[];
  /** null = takes jobs of any project. */
  readonly projects: readonly string[] | null;
}

const UNKNOWN = 0;
const YES = 1;
const NO = 2;

export class CapabilityClass {
  readonly tags: ReadonlySet<number>;
  private readonly ranks = new Map<number, number[]>();
  readonly projects: ReadonlySet<string> | null;
  private cache = new Uint8Array(64);

  constructor(
    readonly key: string,
    facts: CapabilityFacts,
  ) {
    this.tags = new Set(facts.tagIds);
    for (const { softwareId, rank } of facts.software) {
      const list = this.ranks.get(softwareId);
      if (list) list.push(rank);
      else this.ranks.set(softwareId, [rank]);
    }
    this.projects = facts.projects === null ? null : new Set(facts.projects);
  }

  eligible(set: RequirementSet): boolean {
    if (set.index >= this.cache.length) {
      const grown = new Uint8Array(Math.max(set.index + 1, this.cache.length * 2));
      grown.set(this.cache);
      this.cache = grown;
    }
    const known = this.cache[set.index]!;
    if (known !== UNKNOWN) return known === YES;
    const ok = this.firstMismatch(set) === undefined;
    this.cache[set.index] = ok ? YES : NO;
    return ok;
  }

  /** The first requirement this class does not meet, checked in the order project, tags, software. */
  firstMismatch(set: RequirementSet): CapabilityMismatch | undefined {
    if (this.projects !== null) {
      if (set.project === null) return { kind: 'project', detail: 'the job has no project' };
      if (!this.projects.has(set.project)) {
        return { kind: 'project', detail: `the agent is dedicated to other projects than ${set.project}` };
      }
    }
    for (const req of set.tags) {
      const has = this.tags.has(req.tagId);
      if (req.negate && has) return { kind: 'tag', detail: `the agent has the excluded tag ${req.tag}` };
      if (!req.negate && !has) return { kind: 'tag', detail: `the agent lacks the tag ${req.tag}` };
    }
    for (const req of set.software) {
      const ranks = this.ranks.get(req.softwareId) ?? [];
      const fits = ranks.some(
        (rank) =>
          (req.minRank === null || rank >= req.minRank) && (req.maxRank === null || rank <= req.maxRank),
      );
      if (!fits) {
        return {
          kind: 'software',
          detail:
            ranks.length === 0
              ? `the agent lacks the software ${req.software}`
              : `the agent has no version of ${req.software} in the required range`,
        };
      }
    }
    return undefined;
  }
}

export class CapabilityClasses {
  private readonly byKey = new Map<string, CapabilityClass>();

  classFor(facts: CapabilityFacts): CapabilityClass {
    const key = JSON.stringify([
      [...facts.tagIds].sort((a, b) => a - b),
      facts.software.map((s) => `${s.softwareId}:${s.rank}`).sort(),
      facts.projects === null ? null : [...new Set(facts.projects)].sort(),
    ]);
    let found = this.byKey.get(key);
    if (!found) {
      found = new CapabilityClass(key, facts);
      this.byKey.set(key, found);
    }
    return found;
  }

  get size(): number {
    return this.byKey.size;
  }
}
