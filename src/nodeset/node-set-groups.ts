/**
 * Which groups a node set belongs to, and folding a set with group names (`nodeset -l` with nodes,
 * `nodeset -r`), as ClusterShell's NodeSet._groups2 / groups / regroup do: group membership comes from the
 * source's `reverse` answer when it has one and lists at least as many groups as there are nodes,
 * otherwise from mapping every listed group.
 */
import { GroupSourceError, GroupSourceQueryFailedError, NodeSetExternalError } from './errors.js';
import type { NodeSetBase } from './node-set-base.js';
import { comparePyStrings } from './node-pattern.js';
import { NodeSet } from './node-set.js';

interface GroupHits {
  /** How many nodes of the set belong to the group. */
  count: number;
  /** All nodes of the group. */
  nodes: NodeSetBase;
}

function groupHits(
  set: NodeSet,
  source: string | undefined,
  autostep: number | null,
): Map<string, GroupHits> {
  const resolver = set.resolver;
  if (!resolver) throw new NodeSetExternalError('No node group resolver');
  const parser = set.groupParser;
  let allGroups: string[] | undefined;
  try {
    allGroups = parser.groupList(source);
  } catch (err) {
    if (!(err instanceof GroupSourceError)) throw err;
  }
  const hits = new Map<string, GroupHits>();
  const members = new Map<string, NodeSet>();
  const useReverse = resolver.hasNodeGroups(source) && (!allGroups?.length || allGroups.length >= set.length);
  if (!useReverse) {
    if (!allGroups?.length) return hits;
    try {
      resolver.prefetchGroupNodes(allGroups, source);
      for (const group of allGroups) {
        members.set(group, new NodeSet(resolver.groupNodes(group, source).join(','), { resolver }));
      }
    } catch (err) {
      if (err instanceof GroupSourceQueryFailedError) {
        throw new NodeSetExternalError(
          `Unable to map a group previously listed\n\tFailed command: ${err.message}`,
        );
      }
      throw err;
    }
  }
  for (const node of set.nodeSets()) {
    let groups: string[];
    if (members.size)
      groups = [...members].flatMap(([group, nodes]) => (nodes.isSuperset(node) ? [group] : []));
    else {
      try {
        groups = resolver.nodeGroups(node.toString(), source);
      } catch (err) {
        if (err instanceof GroupSourceQueryFailedError) {
          throw new NodeSetExternalError(`Group source query failed: ${err.message}`);
        }
        throw err;
      }
    }
    for (const group of groups) {
      const hit = hits.get(group);
      if (hit) hit.count++;
      else
        hits.set(group, {
          count: 1,
          nodes: parser.parse(resolver.groupNodes(group, source).join(','), autostep),
        });
    }
  }
  return hits;
}

function groupKey(group: string, source: string | undefined, noPrefix: boolean): string {
  return source && !noPrefix ? `@${source}:${group}` : `@${group}`;
}

export interface GroupMembership {
  /** All nodes of the group. */
  nodes: NodeSet;
  /** The nodes of the set that belong to it. */
  matched: NodeSet;
}

/** The groups holding nodes of `set`, keyed `@group` (or `@source:group`), sorted by that key. */
export function groupsOf(set: NodeSet, source?: string, noPrefix = false): Map<string, GroupMembership> {
  const result: [string, GroupMembership][] = [];
  for (const [group, { nodes }] of groupHits(set, source, set.autostep)) {
    result.push([
      groupKey(group, source, noPrefix),
      { nodes: new NodeSet(nodes, { resolver: set.resolver }), matched: set.intersection(nodes) },
    ]);
  }
  result.sort((a, b) => comparePyStrings(a[0], b[0]));
  return new Map(result);
}

/**
 * The set written with the largest groups it fully contains (ties by name), without overlaps unless
 * `overlap`, then the remaining nodes: `@io[1-3],node3`.
 */
export function regroup(
  set: NodeSet,
  options: { source?: string; noPrefix?: boolean; overlap?: boolean; autostep?: number | null } = {},
): string {
  const hits = groupHits(set, options.source, options.autostep ?? null);
  if (hits.size === 0) return set.toString();
  const fulls: [number, string][] = [];
  for (const [group, { count, nodes }] of hits) if (count === nodes.length) fulls.push([count, group]);
  fulls.sort((a, b) => b[0] - a[0] || comparePyStrings(a[1], b[1]));
  const rest = new NodeSet(set);
  const regrouped = new NodeSet();
  for (const [, group] of fulls) {
    const nodes = hits.get(group)!.nodes;
    if (!options.overlap && !rest.isSuperset(nodes)) continue;
    regrouped.update(groupKey(group, options.source, options.noPrefix ?? false));
    rest.differenceUpdate(nodes);
    if (rest.isEmpty()) return regrouped.toString();
  }
  return regrouped.isEmpty() ? rest.toString() : `${regrouped.toString()},${rest.toString()}`;
}
