/**
 * The route table: URL patterns → pages, and the navigation bar. Features own their pages; this file is the
 * only place that knows all of them.
 */
import { useEffect, type ReactNode } from 'react';
import { EmptyState } from '../components/feedback';
import { Link, matchPath, useNavigate } from '../lib/router';
import { JobPage } from '../features/jobs/routes/job-page';
import { JobsPage } from '../features/jobs/routes/jobs-page';
import { SubmitJobPage } from '../features/jobs/routes/submit-job-page';
import { TaskLogsPage } from '../features/jobs/routes/task-logs-page';
import { StatisticsPage } from '../features/statistics/routes/statistics-page';
import { UsersPage } from '../features/users/routes/users-page';

export interface NavItem {
  to: string;
  label: string;
  /** Shown to admins only. */
  admin?: boolean;
}

export const NAV: readonly NavItem[] = [
  { to: '/jobs', label: 'Jobs' },
  { to: '/agents', label: 'Agents' },
  { to: '/queues', label: 'Queues' },
  { to: '/jobgroups', label: 'Job groups' },
  { to: '/jobtypes', label: 'Job types' },
  { to: '/software', label: 'Software' },
  { to: '/tags', label: 'Tags' },
  { to: '/pathmaps', label: 'Path maps' },
  { to: '/statistics', label: 'Statistics' },
  { to: '/users', label: 'Users & tokens' },
];

type Page = (params: Record<string, string>) => ReactNode;

const ROUTES: readonly [string, Page][] = [
  ['/jobs', () => <JobsPage />],
  ['/jobs/new', () => <SubmitJobPage />],
  ['/jobs/:id', (p) => <JobPage key={p.id} id={p.id!} />],
  ['/jobs/:job/tasks/:task/logs', (p) => <TaskLogsPage key={`${p.job}/${p.task}`} job={p.job!} task={p.task!} />],
  ['/statistics', () => <StatisticsPage />],
  ['/users', () => <UsersPage />],
];

function NotFound() {
  return (
    <EmptyState
      title="No such page"
      actions={
        <Link to="/jobs" className="btn">
          Go to the jobs
        </Link>
      }
    >
      The address does not match a page of Drover.
    </EmptyState>
  );
}

export function resolveRoute(pathname: string): ReactNode {
  if (pathname === '/' || pathname === '') return <RedirectTo to="/jobs" />;
  for (const [pattern, page] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) return page(params);
  }
  return <NotFound />;
}

function RedirectTo({ to }: { to: string }) {
  const navigate = useNavigate();
  useEffect(() => navigate(to, { replace: true }), [navigate, to]);
  return null;
}
