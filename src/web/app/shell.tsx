/** The frame around every page: the navigation bar, the user menu, the live indicator and the page. */
import { Suspense } from 'react';
import { Loading } from '../components/feedback';
import { Menu } from '../components/menu';
import { Link, useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import type { LiveState } from '../lib/live-events';
import { NAV, resolveRoute } from './routes';

const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting',
  open: 'Live',
  error: 'Offline',
};

export function Shell({ live }: { live: LiveState }) {
  const session = useSession();
  const { location, navigate } = useRouter();
  const page = resolveRoute(location.pathname);
  const section = location.pathname.split('/')[1] ?? '';
  const visibleNav = NAV.filter((n) => !n.admin || session.isAdmin);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/jobs" className="brand" aria-label="Drover home">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          Drover
          {session.farmName && <span className="brand-farm">{session.farmName}</span>}
        </Link>
        <nav className="nav" aria-label="Sections">
          {visibleNav.map((n) => (
            <Link key={n.to} to={n.to} aria-current={n.to.slice(1) === section ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <span
            className="live-dot"
            data-state={live}
            title={`Live updates: ${LIVE_TEXT[live].toLowerCase()}`}
          >
            <span>{LIVE_TEXT[live]}</span>
          </span>
          <Menu
            label={session.me.username}
            buttonClassName="btn btn-ghost btn-sm user-menu-button"
            items={[
              {
                label: `Roles: ${session.me.roles.join(', ') || 'none'}`,
                onSelect: () => undefined,
                disabled: true,
              },
              { label: 'API tokens', onSelect: () => navigate('/users?tab=tokens') },
              { label: 'API documentation', onSelect: () => window.open('/docs', '_blank', 'noopener') },
              { label: 'Log out', onSelect: () => void session.logout(), separated: true },
            ]}
          />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </main>
    </div>
  );
}
