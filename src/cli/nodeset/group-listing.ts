/**
 * `nodeset -l/-ll/-lll` and `-L/-LL/-LLL` (ClusterShell's command_list / print_source_groups): the groups
 * of one source (or of all sources, the default first and unprefixed), with their nodes and counts; or,
 * when nodes were given, the groups those nodes belong to as `@group matched count/total`.
 */
import {
  GroupSourceNoUpcallError,
  groupsOf,
  NodeSet,
  NodeSetValueError,
  type GroupResolver,
} from '../../nodeset/index.js';
import type { NodesetOptions } from './nodeset-options.js';
import type { SetMode } from './set-modes.js';

function listSource<S>(
  mode: SetMode<S>,
  source: string | undefined,
  level: number,
  xset: S,
  options: NodesetOptions,
  resolver: GroupResolver,
  print: (line: string) => void,
): void {
  const filtered =
    options.all ||
    !mode.isEmpty(xset) ||
    options.andNodes.length > 0 ||
    options.subNodes.length > 0 ||
    options.xorNodes.length > 0;
  if (filtered) {
    if (mode.name !== 'NodeSet') throw new NodeSetValueError("'RangeSet' object has no attribute 'groups'");
    for (const [group, { nodes, matched }] of groupsOf(xset as NodeSet, source, options.groupbase)) {
      if (level === 1) print(group);
      else if (level === 2) print(`${group} ${matched.toString()}`);
      else print(`${group} ${matched.toString()} ${matched.length}/${nodes.length}`);
    }
    return;
  }
  const parser = new NodeSet(undefined, { resolver }).groupParser;
  const groups = parser.groupList(source);
  for (const group of groups) {
    const name = source && !options.groupbase ? `@${source}:${group}` : `@${group}`;
    if (level === 1) {
      print(name);
      continue;
    }
    const nodes = new NodeSet(name, { resolver });
    print(level === 2 ? `${name} ${nodes.toString()}` : `${name} ${nodes.toString()} ${nodes.length}`);
  }
}

export function listGroups<S>(
  mode: SetMode<S>,
  xset: S,
  options: NodesetOptions,
  resolver: GroupResolver,
  print: (line: string) => void,
  warn: (line: string) => void,
): void {
  const level = options.list + options.listall;
  let sources: (string | undefined)[];
  if (options.listall) {
    sources = resolver.sourceNames();
    if (sources.length && !options.groupsource) sources[0] = undefined;
  } else sources = [options.groupsource];
  for (const source of sources) {
    try {
      listSource(mode, source, level, xset, options, resolver, print);
    } catch (err) {
      if (!(err instanceof GroupSourceNoUpcallError) || !options.listall) throw err;
      warn(`Warning: No ${err.upcall} upcall defined for group source ${source ?? 'None'}`);
    }
  }
}
