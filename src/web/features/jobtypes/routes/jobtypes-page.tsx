/** Job types: the list with their latest version (admins create and delete them). */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type Column } from '../../../components/data-table';
import { ConfirmDialog } from '../../../components/dialog';
import { EmptyState } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { Link } from '../../../lib/router';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import { deleteJobType, jobTypesQuery, type JobType } from '../api/jobtypes';

export function JobTypesPage() {
  const session = useSession();
  const types = useQuery(jobTypesQuery);
  const [deleting, setDeleting] = useState<JobType>();
  const remove = useAction({
    run: (t: JobType) => deleteJobType(t.name),
    invalidates: ['jobtypes'],
    success: (_r, t) => `Deleted ${t.name}`,
    failure: 'Could not delete the job type',
    onSuccess: () => setDeleting(undefined),
  });
  const columns: Column<JobType>[] = [
    {
      key: 'name',
      header: 'Name',
      render: (t) => (
        <Link to={`/jobtypes/${encodeURIComponent(t.name)}`} className="cell-title">
          {t.name}
        </Link>
      ),
    },
    { key: 'version', header: 'Version', className: 'num', render: (t) => t.version },
    {
      key: 'description',
      header: 'Description',
      className: 'wrap',
      render: (t) => <span className="muted">{t.description?.split('\n')[0] ?? ''}</span>,
    },
    { key: 'batch', header: 'Max batch', className: 'num hide-md', render: (t) => t.max_batch ?? '∞' },
    {
      key: 'tiling',
      header: 'Tiles',
      className: 'hide-md',
      render: (t) => (t.supports_tiling ? 'yes' : 'no'),
    },
    {
      key: 'software',
      header: 'Requires',
      className: 'hide-md',
      render: (t) =>
        t.software_requirements.map((r) => r.software).join(', ') || <span className="faint">—</span>,
    },
  ];
  return (
    <>
      <PageHeader
        title="Job types"
        subtitle="The code agents run for a job's tasks. Every change makes a new version; jobs keep theirs."
        actions={
          session.isAdmin && (
            <Link to="/jobtypes/new" className="btn btn-primary">
              New job type
            </Link>
          )
        }
      />
      <div className="card">
        <DataTable
          label="Job types"
          columns={columns}
          rows={types.data}
          rowKey={(t) => t.id}
          error={types.error}
          onRetry={() => void types.refetch()}
          empty={
            <EmptyState title="No job types">
              The built-in ones are registered when the master starts.
            </EmptyState>
          }
          rowActions={
            session.isAdmin
              ? (t) => (
                  <button type="button" className="btn btn-sm btn-danger" onClick={() => setDeleting(t)}>
                    Delete
                  </button>
                )
              : undefined
          }
        />
      </div>
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete job type"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        Delete <strong>{deleting?.name}</strong> and all its versions? This is refused while jobs use it.
      </ConfirmDialog>
    </>
  );
}
