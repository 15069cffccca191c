/**
 * Path maps: the same storage seen from Linux, Windows and macOS. Agents translate paths in job data to
 * their own OS; a map with a tag applies only to agents with that tag (and wins over untagged ones).
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type Column } from '../../../components/data-table';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { EmptyState } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import { changePathMap, createPathMap, deletePathMap, pathMapsQuery, type PathMap } from '../api/pathmaps';

export function PathMapsPage() {
  const session = useSession();
  const maps = useQuery(pathMapsQuery);
  const [editing, setEditing] = useState<PathMap | 'new'>();
  const [deleting, setDeleting] = useState<PathMap>();
  const remove = useAction({
    run: (m: PathMap) => deletePathMap(m.id),
    invalidates: ['pathmaps'],
    success: 'Path map deleted',
    failure: 'Could not delete the path map',
    onSuccess: () => setDeleting(undefined),
  });
  const columns: Column<PathMap>[] = [
    { key: 'linux', header: 'Linux', render: (m) => <code>{m.path_linux}</code> },
    { key: 'windows', header: 'Windows', render: (m) => <code>{m.path_windows}</code> },
    { key: 'osx', header: 'macOS', render: (m) => <code>{m.path_osx}</code> },
    {
      key: 'tag',
      header: 'Only for agents tagged',
      render: (m) =>
        m.tag ? <span className="tag">{m.tag}</span> : <span className="faint">all agents</span>,
    },
  ];
  return (
    <>
      <PageHeader
        title="Path maps"
        subtitle="Agents rewrite paths in job data between operating systems with these."
        actions={
          session.isWrangler && (
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
              New path map
            </button>
          )
        }
      />
      <div className="card">
        <DataTable
          label="Path maps"
          columns={columns}
          rows={maps.data}
          rowKey={(m) => m.id}
          error={maps.error}
          onRetry={() => void maps.refetch()}
          empty={
            <EmptyState title="No path maps">
              Needed only when agents of different operating systems share storage.
            </EmptyState>
          }
          rowActions={
            session.isWrangler
              ? (m) => (
                  <>
                    <button type="button" className="btn btn-sm" onClick={() => setEditing(m)}>
                      Edit
                    </button>{' '}
                    <button type="button" className="btn btn-sm btn-danger" onClick={() => setDeleting(m)}>
                      Delete
                    </button>
                  </>
                )
              : undefined
          }
        />
      </div>
      {editing && (
        <PathMapDialog map={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete path map"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        Delete the map of <code>{deleting?.path_linux}</code>?
      </ConfirmDialog>
    </>
  );
}

function PathMapDialog({ map, onClose }: { map: PathMap | undefined; onClose(): void }) {
  const [v, setV] = useState({
    path_linux: map?.path_linux ?? '',
    path_windows: map?.path_windows ?? '',
    path_osx: map?.path_osx ?? '',
    tag: map?.tag ?? '',
  });
  const save = useAction({
    run: () => {
      const body = {
        path_linux: v.path_linux,
        path_windows: v.path_windows,
        path_osx: v.path_osx,
        tag: v.tag.trim() || null,
      };
      return map ? changePathMap(map.id, body) : createPathMap(body);
    },
    invalidates: ['pathmaps'],
    success: 'Path map saved',
    failure: 'Could not save the path map',
    onSuccess: onClose,
  });
  const field = (key: keyof typeof v) => ({
    value: v[key],
    onChange: (e: { target: { value: string } }) => setV({ ...v, [key]: e.target.value }),
  });
  return (
    <Dialog
      open
      wide
      title={map ? 'Path map' : 'New path map'}
      onClose={onClose}
      onSubmit={() => save.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            Save
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Linux" className="wide">
          <input
            className="input mono"
            required
            placeholder="/mnt/projects/"
            {...field('path_linux')}
            autoFocus
          />
        </Field>
        <Field label="Windows" className="wide">
          <input className="input mono" required placeholder="P:\" {...field('path_windows')} />
        </Field>
        <Field label="macOS" className="wide">
          <input className="input mono" required placeholder="/Volumes/projects/" {...field('path_osx')} />
        </Field>
        <Field label="Only for agents tagged" hint="Empty: every agent.">
          <input className="input" {...field('tag')} />
        </Field>
      </div>
    </Dialog>
  );
}
