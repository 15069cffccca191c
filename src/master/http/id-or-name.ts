/**
 * PyFarm's `<x>` path segments take an integer id or a name/title: a segment of only digits is an id,
 * anything else is a name.
 */
export function idOrName(segment: string): number | string {
  return /^\d{1,15}$/.test(segment) ? Number(segment) : segment;
}
