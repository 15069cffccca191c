/** Tags: labels on agents and jobs; jobs can require (or exclude) agents with a tag. */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type Column } from '../../../components/data-table';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { EmptyState } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { plural } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import { createTag, deleteTag, tagsQuery, type Tag } from '../api/tags';

export function TagsPage() {
  const session = useSession();
  const tags = useQuery(tagsQuery);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<Tag>();
  const create = useAction({
    run: () => createTag(name.trim()),
    invalidates: ['tags'],
    success: `Created ${name.trim()}`,
    failure: 'Could not create the tag',
    onSuccess: () => {
      setCreating(false);
      setName('');
    },
  });
  const remove = useAction({
    run: (t: Tag) => deleteTag(t.tag),
    invalidates: ['tags', 'agents', 'jobs'],
    success: (_r, t) => `Deleted ${t.tag}`,
    failure: 'Could not delete the tag',
    onSuccess: () => setDeleting(undefined),
  });
  const columns: Column<Tag>[] = [
    { key: 'tag', header: 'Tag', render: (t) => <span className="tag">{t.tag}</span> },
    {
      key: 'agents',
      header: 'Agents',
      className: 'num',
      render: (t) =>
        t.agents.length ? (
          <Link to={`/agents?tags=${encodeURIComponent(t.tag)}`}>{plural(t.agents.length, 'agent')}</Link>
        ) : (
          <span className="faint">0</span>
        ),
    },
    {
      key: 'jobs',
      header: 'Jobs',
      className: 'num',
      render: (t) => (t.jobs.length ? plural(t.jobs.length, 'job') : <span className="faint">0</span>),
    },
  ];
  return (
    <>
      <PageHeader
        title="Tags"
        subtitle="Set them on agents (agent page) and jobs; a job's tag requirements pick the agents it runs on."
        actions={
          session.isWrangler && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              New tag
            </button>
          )
        }
      />
      <div className="card">
        <DataTable
          label="Tags"
          columns={columns}
          rows={tags.data ? [...tags.data].sort((a, b) => a.tag.localeCompare(b.tag)) : undefined}
          rowKey={(t) => t.id}
          error={tags.error}
          onRetry={() => void tags.refetch()}
          empty={<EmptyState title="No tags yet" />}
          rowActions={
            session.isWrangler
              ? (t) => (
                  <button type="button" className="btn btn-sm btn-danger" onClick={() => setDeleting(t)}>
                    Delete
                  </button>
                )
              : undefined
          }
        />
      </div>
      <Dialog
        open={creating}
        title="New tag"
        onClose={() => setCreating(false)}
        onSubmit={() => create.mutate()}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setCreating(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={!name.trim() || create.isPending}>
              Create
            </button>
          </>
        }
      >
        <Field label="Tag" hint="One word, e.g. gpu, linux, fast-disk.">
          <input
            className="input"
            required
            maxLength={64}
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoFocus
          />
        </Field>
      </Dialog>
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete tag"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        Delete <strong>{deleting?.tag}</strong>? It is removed from{' '}
        {plural(deleting?.agents.length ?? 0, 'agent')} and {plural(deleting?.jobs.length ?? 0, 'job')}.
      </ConfirmDialog>
    </>
  );
}
