/**
 * Which next hop reaches each target (ClusterShell's PropagationTreeRouter): for every group of
 * gateways directly below the root, the nodes of its whole subtree are reached through one of those
 * gateways; a target that is in no subtree (a gateway itself, or a node the topology does not name) is
 * reached directly. Targets are spread over a group's gateways, the least loaded first.
 */
import { NodeSet } from '../../nodeset/index.js';
import { RouteResolvingError } from '../errors.js';
import type { Topology } from './topology.js';

interface RouteEntry {
  /** Every node reached through `gateways`. */
  network: NodeSet;
  gateways: NodeSet;
}

export interface Hop {
  /** The gateway to go through, or undefined for targets reached directly. */
  gateway: string | undefined;
  targets: NodeSet;
}

export class Router {
  private readonly table: RouteEntry[];
  private readonly load = new Map<string, number>();
  private readonly unreachable = new NodeSet();

  constructor(topology: Topology) {
    const root = topology.findGroup(topology.rootName);
    if (!root) throw new RouteResolvingError(`Invalid root or gateway node: ${topology.rootName}`);
    this.table = root.children.map((group) => {
      // The gateway group and everything below it.
      const network = group.descendants();
      return { network, gateways: group.nodes };
    });
  }

  /** A gateway that failed: route around it from now on. */
  markUnreachable(gateway: string): void {
    this.unreachable.update(gateway);
  }

  /** Splits `targets` by next hop: one entry per gateway used, and one for the direct targets. */
  dispatch(targets: NodeSet): Hop[] {
    const remaining = targets.copy();
    const byGateway = new Map<string, string[]>();
    for (const { network, gateways } of this.table) {
      const behind = network.intersection(remaining);
      if (behind.isEmpty()) continue;
      remaining.differenceUpdate(behind);
      for (const node of behind) {
        const gateway = this.leastLoaded(gateways, node);
        const list = byGateway.get(gateway);
        if (list) list.push(node);
        else byGateway.set(gateway, [node]);
      }
    }
    const hops: Hop[] = [...byGateway].map(([gateway, nodes]) => ({
      gateway,
      targets: NodeSet.fromNames(nodes),
    }));
    if (!remaining.isEmpty()) hops.push({ gateway: undefined, targets: remaining });
    return hops;
  }

  private leastLoaded(gateways: NodeSet, node: string): string {
    let best: string | undefined;
    let bestLoad = Infinity;
    for (const gateway of gateways) {
      if (this.unreachable.has(gateway)) continue;
      const load = this.load.get(gateway) ?? 0;
      if (load < bestLoad) {
        best = gateway;
        bestLoad = load;
      }
    }
    if (best === undefined) throw new RouteResolvingError(`No route available to ${node}`);
    this.load.set(best, bestLoad + 1);
    return best;
  }
}
