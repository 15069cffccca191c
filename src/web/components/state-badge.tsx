/** A job, task or agent state as a coloured pill (colours in styles.css, by `data-state`). */
export function StateBadge({ state, label }: { state: string | null | undefined; label?: string }) {
  const name = state ?? 'queued';
  return (
    <span className="badge" data-state={name}>
      {label ?? name}
    </span>
  );
}
