/**
 * The agent rules of PyFarm's model (spec §2 "agents"), with limits from models.yml.
 */
import { checkInteger, checkString, invalid } from './field-rules.js';
import type { ModelLimits } from './model-limits.js';

// RFC 1123 labels: letters, digits and hyphens, not starting or ending with a hyphen; a trailing dot is
// allowed (a fully qualified name).
const HOSTNAME = /^(?!-)[A-Z\d-]{1,63}(?<!-)(\.(?!-)[A-Z\d-]{1,63}(?<!-))*\.?$/i;

export function checkHostname(value: unknown, limits: ModelLimits, field = 'hostname'): string {
  const hostname = checkString(field, value, { maxLength: limits.maxHostnameLength });
  if (!HOSTNAME.test(hostname)) throw invalid(field, value, 'is not a valid host name');
  return hostname;
}

export function checkAgentPort(value: unknown, limits: ModelLimits, field = 'port'): number {
  return checkInteger(field, value, { min: limits.agentMinPort, max: limits.agentMaxPort });
}

export function checkAgentCpus(value: unknown, limits: ModelLimits, field = 'cpus'): number {
  return checkInteger(field, value, { min: limits.agentMinCpus, max: limits.agentMaxCpus });
}

/** Megabytes. */
export function checkAgentRam(value: unknown, limits: ModelLimits, field = 'ram'): number {
  return checkInteger(field, value, { min: limits.agentMinRam, max: limits.agentMaxRam });
}

/**
 * An agent's address: dotted IPv4 that is not a network/host mask, link-local, loopback (unless the
 * limits allow it), multicast or reserved — the checks netaddr made for PyFarm. Private addresses are
 * fine (spec §11.4). Returned in canonical form (no leading zeros).
 */
export function checkRemoteIp(value: unknown, limits: ModelLimits, field = 'remote_ip'): string {
  if (typeof value !== 'string') throw invalid(field, value, 'must be an IPv4 address string');
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  const octets = parts?.slice(1).map(Number);
  if (!octets || octets.some((o) => o > 255)) throw invalid(field, value, 'must be an IPv4 address');
  const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const problem = addressProblem(address, limits.allowAgentsFromLoopback);
  if (problem) throw invalid(field, value, `must not be ${problem}`);
  return octets.join('.');
}

function inNetwork(address: number, network: string, bits: number): boolean {
  const base = network.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === (base & mask) >>> 0;
}

function addressProblem(address: number, allowLoopback: boolean): string | undefined {
  if (inNetwork(address, '127.0.0.0', 8)) return allowLoopback ? undefined : 'a loopback address';
  // A netmask is ones followed by zeros (255.255.0.0); a host mask is zeros followed by ones (0.0.255.255).
  const inverted = ~address >>> 0;
  if (((inverted + 1) & inverted) === 0) return 'a netmask';
  if (((address + 1) & address) === 0) return 'a host mask';
  if (inNetwork(address, '169.254.0.0', 16)) return 'a link-local address';
  if (inNetwork(address, '224.0.0.0', 4)) return 'a multicast address';
  const reserved: [string, number][] = [
    ['0.0.0.0', 8],
    ['192.0.2.0', 24],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['240.0.0.0', 4],
  ];
  if (reserved.some(([network, bits]) => inNetwork(address, network, bits))) return 'a reserved address';
  return undefined;
}

const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;
const BARE_MAC = /^[0-9a-f]{12}$/i;

/** A MAC address as `aa:bb:cc:dd:ee:ff`, `AA-BB-...` or 12 hex digits; returned as lower-case `aa:bb:...`. */
export function checkMacAddress(value: unknown, field = 'mac_address'): string {
  if (typeof value !== 'string' || !(MAC.test(value) || BARE_MAC.test(value))) {
    throw invalid(field, value, 'must be a MAC address like aa:bb:cc:dd:ee:ff');
  }
  const hex = value.replace(/[:-]/g, '').toLowerCase();
  return hex.match(/../g)!.join(':');
}
