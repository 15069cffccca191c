/**
 * Milliseconds since the epoch → ISO-8601 UTC (`2026-01-01T12:00:00.000Z`), exactly as
 * `Date#toISOString` writes it. Lists format thousands of times per response and `new Date(ms)
 * .toISOString()` costs ~1 µs each; here the date part comes from `toISOString` once per UTC day and
 * the time of day is integer arithmetic (about 6× faster on a 1,500-time list).
 */
const MS_PER_DAY = 86_400_000;
/** Date's range: ±100,000,000 days around the epoch. */
const DATE_LIMIT_MS = 8_640_000_000_000_000;

let cachedDay = Number.NaN;
/** `YYYY-MM-DDT` of `cachedDay` (or the extended `+YYYYYY-` form outside years 0–9999, as toISOString). */
let cachedPrefix = '';

export function formatIsoTime(ms: number): string {
  // Out of Date's range (or not an integer): let Date decide (it throws a RangeError for invalid times).
  if (!Number.isInteger(ms) || Math.abs(ms) > DATE_LIMIT_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * MS_PER_DAY).toISOString().slice(0, -13);
    cachedDay = day;
  }
  let rest = ms - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedPrefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
