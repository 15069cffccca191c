/**
 * Who is using the UI: the `/api/v1/me` answer, shared with every page so actions a role may not take are
 * not offered (the master enforces the rules either way; this only avoids buttons that would answer 403).
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { ResponseOf } from '../api/client.gen';

export type Me = ResponseOf<'/api/v1/me', 'get'>;

export interface Session {
  me: Me;
  farmName: string | null;
  isAdmin: boolean;
  /** Wranglers and admins manage queues, agents, software, tags, groups, path maps and others' jobs. */
  isWrangler: boolean;
  /** Whether the user may change this job (their own, or any for wranglers). */
  mayChangeJob(owner: string | null | undefined): boolean;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function sessionFor(me: Me, farmName: string | null, logout: () => Promise<void>): Session {
  const roles = new Set(me.roles);
  const isAdmin = roles.has('admin');
  const isWrangler = isAdmin || roles.has('wrangler');
  return {
    me,
    farmName,
    isAdmin,
    isWrangler,
    mayChangeJob: (owner) => isWrangler || (roles.has('artist') && owner === me.username),
    logout,
  };
}

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
