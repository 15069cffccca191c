/**
 * Node sets with ClusterShell's syntax and output (ClusterShell 1.9.1 NodeSet/RangeSet semantics).
 *
 *   import { NodeSet, RangeSet, fold, expand, GroupResolver, StaticGroupSource } from '../nodeset/index.js';
 *
 *   fold('node1,node2,node3,node07');                   // 'node[1-3,07]'
 *   expand('rack[1-2]node[1-2]');                       // ['rack1node1', 'rack1node2', 'rack2node1', ...]
 *   const ns = NodeSet.parse('node[1-10]!node[3-4]');   // operators: , ! & ^ (left to right)
 *   ns.length;                                          // 8
 *   ns.intersection('node[5-20]').toString();           // 'node[5-10]'
 *   ns.split(3).map(String);                            // ['node[1-2,5]', 'node[6-8]', 'node[9-10]']
 *   RangeSet.parse('1-9/2', 3).toString();              // '1-9/2' (autostep 3)
 *
 *   // groups: @name in the default source, @source:name, @source:*, @@source (group names)
 *   const groups = new GroupResolver([new StaticGroupSource('racks', { r1: 'node[1-4]' })]);
 *   NodeSet.parse('@r1!node2', { resolver: groups }).toString();   // 'node[1,3-4]'
 *   await NodeSet.resolve('@tag:gpu', { resolver: farmGroups });    // asynchronous sources
 *
 * Parsing is synchronous; asynchronous group sources (shell upcalls, the farm) are awaited by
 * `NodeSet.resolve` / `GroupResolver.settle`, which re-run the parse once their answers are cached.
 * Errors: RangeSetParseError / NodeSetParseError carry the faulty `part`.
 */
import { NodeSet } from './node-set.js';

export { NodeSet, type NodeSetOptions } from './node-set.js';
export { RangeSet, AUTOSTEP_DISABLED } from './range-set.js';
export { RangeSetND } from './range-set-nd.js';
export { groupsOf, regroup, type GroupMembership } from './node-set-groups.js';
export { GroupResolver, ILLEGAL_GROUP_CHARS, type GroupResolverOptions } from './groups/group-resolver.js';
export {
  StaticGroupSource,
  type GroupSource,
  type GroupAnswer,
  type MaybePromise,
} from './groups/group-source.js';
export { UpcallGroupSource, type UpcallCommands } from './groups/upcall-group-source.js';
export {
  createConfigGroupResolver,
  defaultGroupsConfigPaths,
  type GroupsConfigOptions,
} from './groups/config-group-resolver.js';
export {
  createFarmGroupResolver,
  type FarmAgent,
  type FarmGroupsOptions,
} from './groups/farm-group-resolver.js';
export {
  NodeSetError,
  RangeSetParseError,
  NodeSetParseError,
  NodeSetParseRangeError,
  NodeSetValueError,
  NodeSetLimitError,
  NodeSetExternalError,
  GroupResolverError,
  GroupResolverSourceError,
  GroupResolverIllegalCharError,
  GroupResolverConfigError,
  GroupResolutionPendingError,
  GroupSourceError,
  GroupSourceNoUpcallError,
  GroupSourceQueryFailedError,
} from './errors.js';

/** The node names of a node set string, in ClusterShell's order. */
export function expand(pattern: string): string[] {
  return [...NodeSet.parse(pattern)];
}

/** The folded form of a node set string (duplicates removed). */
export function fold(pattern: string): string {
  return NodeSet.parse(pattern).toString();
}
