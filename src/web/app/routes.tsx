/**
 * The route table: URL patterns → pages, and the navigation bar. Features own their pages; this file is the
 * only place that knows all of them.
 */
import { useEffect, type ReactNode } from 'react';
import { EmptyState } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { Link, matchPath, useNavigate } from '../lib/router';
import { AgentPage } from '../features/agents/routes/agent-page';
import { AgentsPage } from '../features/agents/routes/agents-page';
import { JobGroupsPage } from '../features/jobgroups/routes/jobgroups-page';
import { JobPage } from '../features/jobs/routes/job-page';
import { JobsPage } from '../features/jobs/routes/jobs-page';
import { SubmitJobPage } from '../features/jobs/routes/submit-job-page';
import { TaskLogsPage } from '../features/jobs/routes/task-logs-page';
import { JobTypePage, NewJobTypePage } from '../features/jobtypes/routes/jobtype-page';
import { JobTypesPage } from '../features/jobtypes/routes/jobtypes-page';
import { PathMapsPage } from '../features/pathmaps/routes/pathmaps-page';
import { QueuesPage } from '../features/queues/routes/queues-page';
import { SoftwareListPage, SoftwarePage } from '../features/software/routes/software-page';
import { StatisticsPage } from '../features/statistics/routes/statistics-page';
import { TagsPage } from '../features/tags/routes/tags-page';
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
  [
    '/jobs/:job/tasks/:task/logs',
    (p) => <TaskLogsPage key={`${p.job}/${p.task}`} job={p.job!} task={p.task!} />,
  ],
  ['/agents', () => <AgentsPage />],
  ['/agents/:id', (p) => <AgentPage key={p.id} id={p.id!} />],
  ['/queues', () => <QueuesPage />],
  ['/jobgroups', () => <JobGroupsPage />],
  ['/jobtypes', () => <JobTypesPage />],
  ['/jobtypes/new', () => <NewJobTypePage />],
  ['/jobtypes/:name', (p) => <JobTypePage key={p.name} name={p.name!} />],
  ['/software', () => <SoftwareListPage />],
  ['/software/:name', (p) => <SoftwarePage key={p.name} name={p.name!} />],
  ['/tags', () => <TagsPage />],
  ['/pathmaps', () => <PathMapsPage />],
  ['/statistics', () => <StatisticsPage />],
  ['/users', () => <UsersPage />],
];

function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <div className="card">
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
      </div>
    </>
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
