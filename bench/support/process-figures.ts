/** What the benchmarks report: figures about a process read from /proc, the machine's load, quantiles. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** Current and peak resident set size, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) the process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may contain spaces and parentheses, hence the last ")"): utime
  // and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function load(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${cpus().length} CPUs`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile: the value at that rank (no interpolation). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * The p-quantile of one series of a Prometheus histogram (text exposition), as the upper bound of the
 * bucket it falls in — what the histogram can say, no interpolation. Undefined without observations.
 */
export function histogramQuantile(
  exposition: string,
  metric: string,
  labels: Record<string, string>,
  p: number,
): { le: string; count: number } | undefined {
  const buckets: { le: string; count: number }[] = [];
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${metric}_bucket{`)) continue;
    const labelText = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const),
    );
    if (Object.entries(labels).some(([key, value]) => found[key] !== value)) continue;
    buckets.push({ le: found.le!, count: Number(line.slice(line.lastIndexOf(' ') + 1)) });
  }
  const total = buckets.find((b) => b.le === '+Inf')?.count ?? 0;
  if (total === 0) return undefined;
  // Buckets are cumulative and listed in order.
  const bucket = buckets.find((b) => b.count >= p * total)!;
  return { le: bucket.le, count: total };
}
