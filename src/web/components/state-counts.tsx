/**
 * Counts per state above a list, each a toggle button filtering the list by that state (PyFarm's
 * state_* filters). The total is a plain figure.
 */
export interface StateCount {
  state: string;
  label?: string;
  count: number | undefined;
}

export function StateCounts({
  counts,
  active,
  onToggle,
  total,
  totalLabel = 'total',
}: {
  counts: readonly StateCount[];
  active: ReadonlySet<string>;
  onToggle?(state: string): void;
  total?: number | undefined;
  totalLabel?: string;
}) {
  return (
    <div className="state-counts" role="group" aria-label="Counts by state">
      {total !== undefined && (
        <button type="button" className="count-chip" disabled aria-label={`${total} ${totalLabel}`}>
          <span className="n">{total.toLocaleString()}</span>
          <span className="l">{totalLabel}</span>
        </button>
      )}
      {counts.map((c) => (
        <button
          key={c.state}
          type="button"
          className="count-chip"
          data-state={c.state}
          aria-pressed={active.has(c.state)}
          disabled={!onToggle}
          onClick={() => onToggle?.(c.state)}
          title={onToggle ? `Show only ${c.label ?? c.state} (toggle)` : undefined}
        >
          <span className="n">{c.count === undefined ? '…' : c.count.toLocaleString()}</span>
          <span className="l">{c.label ?? c.state}</span>
        </button>
      ))}
    </div>
  );
}
