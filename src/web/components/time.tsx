/** A UTC time from the API in the viewer's zone, with the zone and the relative time in the tooltip. */
import { formatLocalTime, formatRelative, viewerZone } from '../lib/format';

export function Time({ value, relative = false }: { value: string | null | undefined; relative?: boolean }) {
  if (!value) return <span className="faint">—</span>;
  const local = formatLocalTime(value);
  const ago = formatRelative(value);
  return (
    <time dateTime={value} title={`${local} ${viewerZone(new Date(value))} · ${ago}`}>
      {relative ? ago : local}
    </time>
  );
}
