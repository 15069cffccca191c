/**
 * The root: providers (query client, router, toasts), the session gate (login page until `/api/v1/me`
 * answers), live updates, and the shell with the page for the current URL.
 */
import { useMemo } from 'react';
import { QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorState, Loading } from '../components/feedback';
import { ToastProvider } from '../components/toasts';
import { RouterProvider } from '../lib/router';
import { sessionFor, SessionProvider } from '../lib/session';
import { useLiveInvalidation } from '../lib/live-events';
import { logout, sessionQuery } from '../features/auth/api/session';
import { LoginPage } from '../features/auth/routes/login-page';
import { createQueryClient } from './query-client';
import { Shell } from './shell';

export function App() {
  const client = useMemo(createQueryClient, []);
  return (
    <QueryClientProvider client={client}>
      <RouterProvider>
        <ToastProvider>
          <SessionGate />
        </ToastProvider>
      </RouterProvider>
    </QueryClientProvider>
  );
}

function SessionGate() {
  const client = useQueryClient();
  const current = useQuery(sessionQuery);
  const user = current.data?.user;
  const live = useLiveInvalidation(client, Boolean(user));
  const session = useMemo(
    () =>
      user
        ? sessionFor(user, current.data?.farm_name ?? null, async () => {
            await logout();
            client.clear();
            await client.invalidateQueries({ queryKey: sessionQuery.queryKey });
          })
        : undefined,
    [user, current.data?.farm_name, client],
  );
  if (current.isPending) return <Loading label="Connecting to the master…" />;
  if (current.isError)
    return (
      <ErrorState
        error={current.error}
        onRetry={() => void current.refetch()}
        title="The master does not answer"
      />
    );
  if (!session) return <LoginPage session={current.data} />;
  return (
    <SessionProvider session={session}>
      <Shell live={live} />
    </SessionProvider>
  );
}
