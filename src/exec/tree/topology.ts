/**
 * Propagation topology (ClusterShell's topology.conf): which nodes reach which, so that a command for
 * thousands of nodes fans out through gateways instead of one process opening every connection.
 *
 *   [routes]
 *   admin: gw[1-2]            # the admin node reaches the gateways
 *   gw[1-2]: node[1-2000]     # each gateway reaches the nodes (shared between gw1 and gw2)
 *
 * The routes must form a tree of node groups seen from the root (this host): no loop, no node reached
 * from two different groups, no source overlapping its destination. Errors are TopologyError with
 * ClusterShell's wording.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { NodeSet } from '../../nodeset/index.js';
import { TopologyError } from '../errors.js';

/** A group of nodes in the tree: its nodes, its parent, its children. */
export class TopologyGroup {
  readonly children: TopologyGroup[] = [];
  parent: TopologyGroup | undefined;

  constructor(readonly nodes: NodeSet) {}

  /** Every node below this group (not the group itself). */
  descendants(): NodeSet {
    const all = new NodeSet();
    const stack: TopologyGroup[] = [...this.children];
    while (stack.length > 0) {
      const group = stack.pop()!;
      all.update(group.nodes);
      stack.push(...group.children);
    }
    return all;
  }
}

export class Topology {
  constructor(
    /** The routes as written, `[sources, destinations]`. */
    readonly routes: readonly (readonly [string, string])[],
    readonly root: TopologyGroup,
    /** The node the tree is seen from. */
    readonly rootName: string,
    private readonly groups: readonly TopologyGroup[],
  ) {}

  /** Builds the tree of `routes` seen from `root` (default: this host's short name). */
  static fromRoutes(routes: readonly (readonly [string, string])[], root = shortHostname()): Topology {
    const parsed = routes.map(([src, dst]) => {
      const route = { src: NodeSet.parse(src), dst: NodeSet.parse(dst) };
      if (!route.src.intersection(route.dst).isEmpty()) {
        throw new TopologyError('Source and destination nodesets overlap');
      }
      return route;
    });
    checkRoutes(parsed);
    const groups = buildGroups(parsed);
    if (groups.length === 0) throw new TopologyError('No route found in topology definition!');
    const rootGroup = groups.find((g) => g.nodes.has(root));
    if (!rootGroup) throw new TopologyError(`"${root}" is not a valid root node!`);
    return new Topology(routes, rootGroup, root, groups);
  }

  /** Parses topology.conf text (a `[routes]` section, or `[Main]` as in old files). */
  static parse(text: string, root?: string, file = '<topology>'): Topology {
    return Topology.fromRoutes(parseRoutesSection(text, file), root);
  }

  static load(file: string, root?: string): Topology {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new TopologyError(`Invalid configuration file: ${file}`);
    }
    return Topology.parse(text, root, file);
  }

  /** The same routes seen from another node (a gateway, for the commands it forwards). */
  withRoot(root: string): Topology {
    return Topology.fromRoutes(this.routes, root);
  }

  /** The group that holds `node`. */
  findGroup(node: string): TopologyGroup | undefined {
    return this.groups.find((g) => g.nodes.has(node));
  }

  /** Gateways and leaves, as counted by `clush -v` ("enabling tree topology (N gateways)"). */
  innerNodeCount(): number {
    return this.groups.filter((g) => g.children.length > 0).reduce((n, g) => n + g.nodes.length, 0);
  }

  /** The tree drawn as ClusterShell prints it (`clush -d`). */
  toString(): string {
    const lines: string[] = [];
    const draw = (group: TopologyGroup, prefix: string, depth: number): void => {
      const siblings = group.parent?.children ?? [];
      const last = siblings[siblings.length - 1] === group;
      if (depth === 0) lines.push(group.nodes.toString());
      else lines.push(`${prefix}${last ? '`- ' : '|- '}${group.nodes.toString()}`);
      const childPrefix = depth === 0 ? '' : `${prefix}${last ? '   ' : '|  '}`;
      for (const child of group.children) draw(child, childPrefix, depth + 1);
    };
    draw(this.root, '', 0);
    return `${lines.join('\n')}\n`;
  }
}

export function shortHostname(): string {
  return hostname().split('.')[0]!;
}

interface Route {
  src: NodeSet;
  dst: NodeSet;
}

/** Next hops of `from`: every route's destination whose source contains `from`. */
function connected(routes: readonly Route[], from: NodeSet): NodeSet | undefined {
  const next = new NodeSet();
  for (const route of routes) if (route.src.isSupersetOf(from)) next.update(route.dst);
  return next.isEmpty() ? undefined : next;
}

function checkRoutes(routes: readonly Route[]): void {
  const known: Route[] = [];
  for (const route of routes) {
    const text = `${route.src.toString()} -> ${route.dst.toString()}`;
    // A loop: following routes from the destination leads back to the source.
    const seen = new NodeSet();
    for (let current = connected(known, route.dst); current; current = connected(known, current)) {
      if (!current.intersection(route.src).isEmpty())
        throw new TopologyError(`Loop detected! Cannot add route ${text}`);
      if (seen.isSupersetOf(current)) break;
      seen.update(current);
    }
    for (const other of known) {
      const convergent =
        (route.src.isSupersetOf(other.dst) && !route.src.equals(other.dst)) ||
        (other.src.isSupersetOf(route.dst) && !other.src.equals(route.dst)) ||
        (!route.dst.intersection(other.dst).isEmpty() && !route.src.equals(other.src));
      if (convergent) throw new TopologyError(`Convergent path detected! Cannot add route ${text}`);
    }
    known.push(route);
  }
}

function buildGroups(routes: readonly Route[]): TopologyGroup[] {
  const sources = new NodeSet();
  for (const route of routes) sources.update(route.src);
  const byName = new Map<string, TopologyGroup>();
  for (const route of routes) {
    byName.set(route.src.toString(), new TopologyGroup(route.src));
    // A destination that is nobody's source is a leaf group.
    const leaf = route.dst.difference(sources);
    if (!leaf.isEmpty()) byName.set(leaf.toString(), new TopologyGroup(leaf));
  }
  const groups = [...byName.values()];
  for (const group of groups) {
    const next = connected(routes, group.nodes);
    if (!next) continue;
    for (const child of groups) {
      if (child !== group && next.isSupersetOf(child.nodes) && !group.children.includes(child)) {
        child.parent = group;
        group.children.push(child);
      }
    }
  }
  return groups;
}

/** The `[routes]` section of an INI file, as configparser reads it (`key: value` or `key = value`). */
function parseRoutesSection(text: string, file: string): [string, string][] {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  const invalid = (): never => {
    throw new TopologyError(`Invalid configuration file: ${file}`);
  };
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const section = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      if (sections.has(section[1]!)) invalid();
      sections.set(section[1]!, (current = []));
      continue;
    }
    if (!current) return invalid();
    if (/^\s/.test(raw) && current.length > 0) {
      // An indented line continues the previous value.
      const last = current[current.length - 1]!;
      last[1] = `${last[1]}\n${raw.trim()}`;
      continue;
    }
    const delimiter = /[:=]/.exec(raw);
    if (!delimiter) return invalid();
    const key = raw.slice(0, delimiter.index).trim();
    const value = raw.slice(delimiter.index + 1).trim();
    if (!key || current.some(([k]) => k === key)) invalid();
    current.push([key, value]);
  }
  const routes = sections.get('routes') ?? sections.get('Main');
  if (!routes) return invalid();
  // A multi-line value is one node set per line.
  return routes.map(([src, dst]) => [src, dst.split('\n').filter(Boolean).join(',')]);
}
