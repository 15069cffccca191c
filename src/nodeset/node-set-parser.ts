/**
 * Turns node set strings into NodeSetBase values (ClusterShell's ParsingEngine): scans the items,
 * applies their operators left to right, and resolves `@group`, `@source:group`, `@source:*`, `@@source`
 * and wildcard (`*`, `?`) items through a GroupResolver. Group values are parsed recursively in the
 * namespace of the group that named them. Without a resolver, `@` and `*` are ordinary characters.
 */
import {
  GroupSourceNoUpcallError,
  GroupSourceQueryFailedError,
  NodeSetExternalError,
  NodeSetParseError,
} from './errors.js';
import type { GroupResolver } from './groups/group-resolver.js';
import { NodeSetBase } from './node-set-base.js';
import {
  escapePercent,
  scanNodeSetString,
  scanSingle,
  type ScannedItem,
  type SetOperator,
} from './node-set-scanner.js';
import { pyStrip } from './python-text.js';

/** Group values naming groups that name groups...: ClusterShell hits Python's recursion limit. */
const MAX_GROUP_DEPTH = 100;

class GroupRecursionError extends Error {}

function apply(target: NodeSetBase, op: SetOperator, operand: NodeSetBase): void {
  switch (op) {
    case ',':
      return target.updateBase(operand);
    case '!':
      return target.differenceUpdateBase(operand);
    case '&':
      return target.intersectionUpdateBase(operand);
    case '^':
      return target.symmetricDifferenceUpdateBase(operand);
  }
}

function itemSet(item: Pick<ScannedItem, 'pattern' | 'ranges'>, copy: boolean): NodeSetBase {
  const base = new NodeSetBase();
  base.add(item.pattern, item.ranges, copy);
  return base;
}

/** fnmatch-style mask (`*`, `?`, `[seq]`) as a whole-string regular expression. */
function maskRegExp(mask: string): RegExp {
  let re = '';
  for (let i = 0; i < mask.length; i++) {
    const c = mask[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = mask.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = mask.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

export class NodeSetParser {
  private wildcards = true;
  private depth = 0;

  constructor(readonly resolver: GroupResolver | null) {}

  /** Parses a string; failed group queries and runaway group recursion become NodeSetParseError. */
  parse(text: string, autostep: number | null): NodeSetBase {
    try {
      return this.parseString(text, autostep);
    } catch (err) {
      if (err instanceof GroupSourceQueryFailedError)
        throw new NodeSetParseError(text, err.message, { cause: err });
      if (err instanceof GroupRecursionError) throw new NodeSetParseError(text, err.message);
      throw err;
    }
  }

  /** One name, without operators or brackets (used to re-fold formatted names). */
  parseSingle(name: string, autostep: number | null): NodeSetBase {
    return itemSet(scanSingle(escapePercent(pyStrip(name)), autostep), false);
  }

  private parseString(text: string, autostep: number | null, namespace?: string): NodeSetBase {
    if (++this.depth > MAX_GROUP_DEPTH) {
      this.depth = 0;
      throw new GroupRecursionError('maximum recursion depth exceeded');
    }
    try {
      let allNodesCache: string[] | undefined;
      const nodeset = new NodeSetBase();
      const resolver = this.resolver;
      for (const item of scanNodeSetString(escapePercent(pyStrip(text)), autostep)) {
        const { pattern } = item;
        if (resolver && pattern.parts[0]!.startsWith('@')) {
          const group = new NodeSetBase();
          for (const nodegroup of itemSet(item, true)) {
            const [value, ns] = this.groupString(nodegroup, namespace);
            if (value) group.updateBase(this.parseString(value, autostep, ns));
          }
          apply(nodeset, item.op, group);
        } else if (resolver && this.wildcards && (pattern.key.includes('*') || pattern.key.includes('?'))) {
          allNodesCache ??= this.allNodeNames(autostep, namespace);
          const remaining = new Set(allNodesCache);
          const matches = new NodeSetBase();
          for (const mask of itemSet(item, false)) {
            const re = maskRegExp(mask);
            for (const node of remaining) {
              if (!re.test(node)) continue;
              remaining.delete(node);
              matches.updateBase(itemSet(scanSingle(escapePercent(node), autostep), false));
            }
          }
          apply(nodeset, item.op, matches);
        } else apply(nodeset, item.op, itemSet(item, false));
      }
      return nodeset;
    } finally {
      if (this.depth > 0) this.depth--;
    }
  }

  /** Every node of a namespace, each group reference resolved, wildcards disabled meanwhile. */
  private allNodeNames(autostep: number | null, namespace?: string): string[] {
    this.wildcards = false;
    try {
      const all = new NodeSetBase();
      for (const res of this.allNodes(namespace)) all.updateBase(this.parseString(res, autostep, namespace));
      return [...all];
    } finally {
      this.wildcards = true;
    }
  }

  /** ClusterShell's parse_group_string: the raw value of `@[ns:]group` and the namespace it lives in. */
  private groupString(nodegroup: string, namespace?: string): [string, string | undefined] {
    const resolver = this.resolver!;
    const grpstr = nodegroup.slice(1);
    let group = grpstr;
    const colon = grpstr.indexOf(':');
    if (colon >= 0) {
      namespace = grpstr.slice(0, colon);
      group = grpstr.slice(colon + 1);
    }
    let values: string[];
    if (group === '*') values = this.allNodes(namespace);
    else if (group.startsWith('@')) values = this.groupList(grpstr.slice(1));
    else values = resolver.groupNodes(group, namespace);
    return [values.join(','), namespace];
  }

  /** Group names of a namespace, ranges in names expanded, in node set order. */
  groupList(namespace?: string): string[] {
    const names = new NodeSetBase();
    for (const raw of this.resolver!.groupList(namespace)) {
      for (const item of scanNodeSetString(escapePercent(pyStrip(raw)), null)) {
        apply(names, item.op, itemSet(item, false));
      }
    }
    return [...names];
  }

  /** All nodes of a namespace: the `all` upcall, else the union of every listed group. */
  allNodes(namespace?: string): string[] {
    const resolver = this.resolver!;
    try {
      return resolver.allNodes(namespace);
    } catch (err) {
      if (err instanceof GroupSourceQueryFailedError) {
        throw new NodeSetExternalError(`Failed to get all nodes: ${err.message}`);
      }
      if (!(err instanceof GroupSourceNoUpcallError)) throw err;
    }
    try {
      const groups = this.groupList(namespace);
      resolver.prefetchGroupNodes(groups, namespace);
      return groups.flatMap((group) => resolver.groupNodes(group, namespace));
    } catch (err) {
      if (err instanceof GroupSourceNoUpcallError) {
        throw new NodeSetExternalError('Not enough working methods (all or map + list) to get all nodes');
      }
      throw err;
    }
  }
}
