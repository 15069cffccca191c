/**
 * Task counts of a job as one stacked bar (done, running, failed over the total; the rest is queued)
 * with "done/total" beside it. The bar has a text alternative for screen readers.
 */
export interface TaskCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
}

export function TaskProgress({ counts, width }: { counts: TaskCounts; width?: number }) {
  const total = counts.queued + counts.running + counts.done + counts.failed;
  const pct = (n: number) => (total === 0 ? 0 : (n / total) * 100);
  const description = `${counts.done} done, ${counts.running} running, ${counts.failed} failed, ${counts.queued} queued`;
  return (
    <div className="progress-cell" title={description}>
      <div className="progress" role="img" aria-label={description} style={width ? { width } : undefined}>
        <span className="p-done" style={{ width: `${pct(counts.done)}%` }} />
        <span className="p-running" style={{ width: `${pct(counts.running)}%` }} />
        <span className="p-failed" style={{ width: `${pct(counts.failed)}%` }} />
      </div>
      <span className="label">
        {counts.done}/{total}
        {counts.failed > 0 && <span className="error-text"> · {counts.failed} failed</span>}
      </span>
    </div>
  );
}

/** A single fraction 0..1 (a task's progress). */
export function Meter({ value, label }: { value: number; label?: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <span title={label ?? `${pct}%`}>
      <span className="meter" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <span style={{ width: `${pct}%` }} />
      </span>
      <span className="muted">{pct}%</span>
    </span>
  );
}
