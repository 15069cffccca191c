/**
 * List pages keep their filters, sort order and page in the URL's query string. `useSearchParams` reads
 * them and `update` writes a changed set back (replacing the history entry for small edits such as typing
 * in a filter box, pushing one for deliberate moves such as paging).
 */
import { useCallback, useMemo } from 'react';
import { useRouter } from './router';

export type SearchUpdate = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export function applySearchUpdate(search: string, update: SearchUpdate): string {
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(update)) {
    params.delete(key);
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function useSearchParams(): {
  params: URLSearchParams;
  update(update: SearchUpdate, options?: { replace?: boolean }): void;
} {
  const { location, navigate } = useRouter();
  const params = useMemo(() => new URLSearchParams(location.search), [location.search]);
  const update = useCallback(
    (changes: SearchUpdate, options: { replace?: boolean } = {}) => {
      navigate(location.pathname + applySearchUpdate(location.search, changes), options);
    },
    [location.pathname, location.search, navigate],
  );
  return { params, update };
}
