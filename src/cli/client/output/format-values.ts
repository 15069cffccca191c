/** How values read in human output: times in local time to the second, durations short, frames trimmed. */

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-22T07:21:57.000Z` → `2026-11-22 08:21:57` (local time); null → undefined (a table shows "-"). */
export function formatTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** 75 000 ms → `1m15s`; 3 700 000 → `1h01m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

/** The time between two ISO times (or until now while the second is null); undefined before a start. */
export function elapsed(start: string | null | undefined, end: string | null | undefined, now = Date.now()) {
  if (!start) return undefined;
  return formatDuration((end ? Date.parse(end) : now) - Date.parse(start));
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
