/**
 * A write to the API from a button or form: runs it, refreshes the resources it touched, and says how it
 * went in a toast. Errors carry the master's message ("priority: must be between -1000 and 1000").
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useToast } from '../components/toasts';
import { errorMessage } from '../components/feedback';

export interface ActionOptions<TVars, TResult> {
  run(vars: TVars): Promise<TResult>;
  /** Query key roots to refresh afterwards. */
  invalidates?: readonly string[];
  success?: string | ((result: TResult, vars: TVars) => string | undefined);
  /** Prefix of the error toast, e.g. "Could not pause". */
  failure?: string;
  onSuccess?(result: TResult, vars: TVars): void;
}

export function useAction<TVars = void, TResult = unknown>(options: ActionOptions<TVars, TResult>) {
  const client = useQueryClient();
  const toast = useToast();
  return useMutation<TResult, unknown, TVars>({
    mutationFn: options.run,
    onSuccess: (result, vars) => {
      for (const root of options.invalidates ?? []) void client.invalidateQueries({ queryKey: [root] });
      const text = typeof options.success === 'function' ? options.success(result, vars) : options.success;
      if (text) toast.success(text);
      options.onSuccess?.(result, vars);
    },
    onError: (error) => {
      toast.error(`${options.failure ?? 'Failed'}: ${errorMessage(error)}`);
    },
  });
}

/** Runs `run` for each item (bulk actions over the public per-item API), at most `parallel` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  run: (item: T) => Promise<unknown>,
  parallel = 8,
): Promise<{ ok: number; failed: { item: T; error: unknown }[] }> {
  let next = 0;
  let ok = 0;
  const failed: { item: T; error: unknown }[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await run(item);
        ok++;
      } catch (error) {
        failed.push({ item, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return { ok, failed };
}
