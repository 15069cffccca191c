/**
 * The route table: URL patterns → pages, and the navigation bar. Features own their pages; this file is the
 * only place that knows all of them.
 */
import { lazy, useEffect, type ReactNode } from 'react';
import { EmptyState } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { Link, matchPath, useNavigate } from '../lib/router';
// The jobs list is the first page most visits show: it is in the main bundle, the rest load on demand.
import { JobsPage } from '../features/jobs/routes/jobs-page';

// Pages load on first visit, so the jobs page does not wait for the code editor or the plotting library.
const AgentPage = lazy(() =>
  import('../features/agents/routes/agent-page').then((m) => ({ default: m.AgentPage })),
);
const AgentsPage = lazy(() =>
  import('../features/agents/routes/agents-page').then((m) => ({ default: m.AgentsPage })),
);
const JobGroupsPage = lazy(() =>
  import('../features/jobgroups/routes/jobgroups-page').then((m) => ({ default: m.JobGroupsPage })),
);
const JobPage = lazy(() => import('../features/jobs/routes/job-page').then((m) => ({ default: m.JobPage })));
const SubmitJobPage = lazy(() =>
  import('../features/jobs/routes/submit-job-page').then((m) => ({ default: m.SubmitJobPage })),
);
const TaskLogsPage = lazy(() =>
  import('../features/jobs/routes/task-logs-page').then((m) => ({ default: m.TaskLogsPage })),
);
const JobTypePage = lazy(() =>
  import('../features/jobtypes/routes/jobtype-page').then((m) => ({ default: m.JobTypePage })),
);
const NewJobTypePage = lazy(() =>
  import('../features/jobtypes/routes/jobtype-page').then((m) => ({ default: m.NewJobTypePage })),
);
const JobTypesPage = lazy(() =>
  import('../features/jobtypes/routes/jobtypes-page').then((m) => ({ default: m.JobTypesPage })),
);
const PathMapsPage = lazy(() =>
  import('../features/pathmaps/routes/pathmaps-page').then((m) => ({ default: m.PathMapsPage })),
);
const QueuesPage = lazy(() =>
  import('../features/queues/routes/queues-page').then((m) => ({ default: m.QueuesPage })),
);
const SoftwareListPage = lazy(() =>
  import('../features/software/routes/software-page').then((m) => ({ default: m.SoftwareListPage })),
);
const SoftwarePage = lazy(() =>
  import('../features/software/routes/software-page').then((m) => ({ default: m.SoftwarePage })),
);
const StatisticsPage = lazy(() =>
  import('../features/statistics/routes/statistics-page').then((m) => ({ default: m.StatisticsPage })),
);
const TagsPage = lazy(() =>
  import('../features/tags/routes/tags-page').then((m) => ({ default: m.TagsPage })),
);
const UsersPage = lazy(() =>
  import('../features/users/routes/users-page').then((m) => ({ default: m.UsersPage })),
);

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
