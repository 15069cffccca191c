/**
 * The hostname an agent presents to the master (spec §5 "Identity"): the fully qualified name if it
 * resolves to one of this host's addresses, else the short name if it does, else a unique reverse-DNS
 * name of the host's addresses, else whatever the OS calls itself. DNS failures are expected on isolated
 * farms and only move down the list.
 */
import { lookup, reverse } from 'node:dns/promises';
import { hostname as osHostname, networkInterfaces } from 'node:os';

export interface HostnameSources {
  osHostname: () => string;
  localAddresses: () => string[];
  lookupAll: (name: string) => Promise<string[]>;
  reverse: (address: string) => Promise<string[]>;
}

const systemSources: HostnameSources = {
  osHostname,
  localAddresses: () =>
    Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal)
      .map((a) => a!.address),
  lookupAll: async (name) => (await lookup(name, { all: true })).map((a) => a.address),
  reverse: (address) => reverse(address),
};

/** The master's hostname rule (RFC 1123 labels); anything else cannot be registered. */
export const HOSTNAME_PATTERN = /^(?!-)[A-Z\d-]{1,63}(?<!-)(\.(?!-)[A-Z\d-]{1,63}(?<!-))*\.?$/i;

export async function resolveHostname(sources: HostnameSources = systemSources): Promise<string> {
  const local = new Set(sources.localAddresses());
  const name = sources.osHostname();
  const resolvesHere = async (candidate: string) => {
    try {
      return (await sources.lookupAll(candidate)).some((a) => local.has(a));
    } catch {
      return false;
    }
  };
  const short = name.split('.')[0] ?? name;
  let fqdn = name;
  if (!name.includes('.')) {
    // The OS name is short; a reverse lookup of its own address usually gives the qualified one.
    try {
      const [address] = await sources.lookupAll(name);
      const names = address ? await sources.reverse(address) : [];
      if (names[0]?.startsWith(`${short}.`)) fqdn = names[0];
    } catch {
      // no DNS: keep the short name
    }
  }
  if (fqdn !== short && (await resolvesHere(fqdn))) return fqdn;
  if (await resolvesHere(short)) return short;
  const reverseNames = new Set<string>();
  for (const address of local) {
    try {
      for (const n of await sources.reverse(address)) reverseNames.add(n);
    } catch {
      // unresolvable address
    }
  }
  if (reverseNames.size === 1) return [...reverseNames][0]!;
  return name;
}
