/**
 * The app's TanStack Query client. Lists are kept fresh by live events (lib/live-events.ts), so queries are
 * considered fresh for a while and not refetched on every focus. A 401 anywhere means the session ended:
 * the `me` query is dropped and the app shows the login page.
 */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/transport';

export const ME_KEY = ['me'] as const;

export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401)
      void client.invalidateQueries({ queryKey: ME_KEY });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => {
          if (error instanceof ApiError && error.status < 500) return false;
          return count < 2;
        },
      },
    },
  });
  return client;
}
