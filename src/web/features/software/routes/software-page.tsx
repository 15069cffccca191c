/**
 * Software the farm knows (PyFarm's /software/): the list with versions by rank, and one software's page
 * with its versions — rank, default flag (attached to new agents), discovery code and function — to add,
 * change and remove. Wranglers manage software; only admins change discovery code.
 */
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { CodeEditor } from '../../../components/code-editor';
import { DataTable, type Column } from '../../../components/data-table';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { EmptyState, ErrorState, Loading } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { Link, useNavigate } from '../../../lib/router';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import {
  addVersion,
  changeVersion,
  createSoftware,
  deleteSoftware,
  deleteVersion,
  discoveryCodeQuery,
  nextRank,
  softwareListQuery,
  softwareQuery,
  type Software,
  type SoftwareVersion,
} from '../api/software';

const byRank = (a: SoftwareVersion, b: SoftwareVersion) => b.rank - a.rank;

export function SoftwareListPage() {
  const session = useSession();
  const navigate = useNavigate();
  const list = useQuery(softwareListQuery);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const create = useAction({
    run: () => createSoftware(name),
    invalidates: ['software'],
    success: `Added ${name}`,
    failure: 'Could not add the software',
    onSuccess: (s) => navigate(`/software/${encodeURIComponent(s.software)}`),
  });
  const columns: Column<Software>[] = [
    {
      key: 'name',
      header: 'Software',
      render: (s) => (
        <Link to={`/software/${encodeURIComponent(s.software)}`} className="cell-title">
          {s.software}
        </Link>
      ),
    },
    {
      key: 'versions',
      header: 'Versions (newest first)',
      className: 'wrap',
      render: (s) =>
        s.versions.length === 0 ? (
          <span className="faint">none</span>
        ) : (
          [...s.versions].sort(byRank).map((v) => (
            <span key={v.id} className="tag" title={`rank ${v.rank}${v.default ? ', default' : ''}`}>
              {v.version}
              {v.default && ' ★'}
            </span>
          ))
        ),
    },
  ];
  return (
    <>
      <PageHeader
        title="Software"
        subtitle="What agents have installed; job types and jobs require it by version rank. ★ marks versions given to new agents."
        actions={
          session.isWrangler && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              Add software
            </button>
          )
        }
      />
      <div className="card">
        <DataTable
          label="Software"
          columns={columns}
          rows={list.data}
          rowKey={(s) => s.id}
          error={list.error}
          onRetry={() => void list.refetch()}
          empty={
            <EmptyState title="No software defined">
              Add Blender, Maya or anything your job types need.
            </EmptyState>
          }
        />
      </div>
      <Dialog
        open={creating}
        title="Add software"
        onClose={() => setCreating(false)}
        onSubmit={() => create.mutate()}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setCreating(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={!name || create.isPending}>
              Add
            </button>
          </>
        }
      >
        <Field label="Name">
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
    </>
  );
}

export function SoftwarePage({ name }: { name: string }) {
  const session = useSession();
  const navigate = useNavigate();
  const software = useQuery(softwareQuery(name));
  const [dialog, setDialog] = useState<
    { kind: 'add' } | { kind: 'code' | 'remove'; version: SoftwareVersion } | { kind: 'delete' }
  >();
  const change = useAction({
    run: ({ version, body }: { version: string; body: Parameters<typeof changeVersion>[2] }) =>
      changeVersion(name, version, body),
    invalidates: ['software'],
    success: (v) => `Saved ${name} ${v.version}`,
    failure: 'Could not change the version',
  });
  const removeVersion = useAction({
    run: (version: string) => deleteVersion(name, version),
    invalidates: ['software'],
    success: (_r, v) => `Removed ${name} ${v}`,
    failure: 'Could not remove the version',
    onSuccess: () => setDialog(undefined),
  });
  const remove = useAction({
    run: () => deleteSoftware(name),
    invalidates: ['software'],
    success: `Deleted ${name}`,
    failure: 'Could not delete the software',
    onSuccess: () => navigate('/software'),
  });

  if (software.isPending) return <Loading />;
  if (software.isError) return <ErrorState error={software.error} onRetry={() => void software.refetch()} />;
  const s = software.data;
  const manage = session.isWrangler;

  const columns: Column<SoftwareVersion>[] = [
    { key: 'version', header: 'Version', render: (v) => <strong>{v.version}</strong> },
    {
      key: 'rank',
      header: 'Rank',
      className: 'num',
      render: (v) =>
        manage ? (
          <input
            className="input"
            type="number"
            step={1}
            key={v.rank}
            defaultValue={v.rank}
            aria-label={`Rank of ${v.version}`}
            style={{ width: 100, textAlign: 'right' }}
            onBlur={(e) => {
              const rank = Number(e.target.value);
              if (rank !== v.rank) change.mutate({ version: v.version, body: { rank } });
            }}
          />
        ) : (
          v.rank
        ),
    },
    {
      key: 'default',
      header: 'Default',
      render: (v) => (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={v.default}
            disabled={!manage}
            onChange={(e) => change.mutate({ version: v.version, body: { default: e.target.checked } })}
          />
          <span className="visually-hidden">Give {v.version} to new agents</span>
        </label>
      ),
    },
    {
      key: 'discovery',
      header: 'Discovery function',
      render: (v) =>
        v.discovery_function_name ? (
          <code>{v.discovery_function_name}</code>
        ) : (
          <span className="faint">none</span>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        breadcrumbs={<Link to="/software">Software</Link>}
        title={s.software}
        subtitle="A higher rank is a newer version. Default versions are attached to agents when they first register."
        actions={
          manage && (
            <>
              <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'add' })}>
                Add version
              </button>
              <button type="button" className="btn btn-danger" onClick={() => setDialog({ kind: 'delete' })}>
                Delete software
              </button>
            </>
          )
        }
      />
      <div className="card">
        <DataTable
          label={`Versions of ${s.software}`}
          columns={columns}
          rows={[...s.versions].sort(byRank)}
          rowKey={(v) => v.id}
          empty={<EmptyState title="No versions yet" />}
          rowActions={(v) => (
            <>
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => setDialog({ kind: 'code', version: v })}
              >
                Discovery code
              </button>{' '}
              {manage && (
                <button
                  type="button"
                  className="btn btn-sm btn-danger"
                  onClick={() => setDialog({ kind: 'remove', version: v })}
                >
                  Remove
                </button>
              )}
            </>
          )}
        />
      </div>
      {dialog?.kind === 'add' && <AddVersionDialog software={s} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'code' && (
        <DiscoveryCodeDialog
          software={s.software}
          version={dialog.version}
          editable={session.isAdmin}
          onClose={() => setDialog(undefined)}
        />
      )}
      <ConfirmDialog
        open={dialog?.kind === 'remove'}
        title="Remove version"
        confirmLabel="Remove"
        danger
        busy={removeVersion.isPending}
        onClose={() => setDialog(undefined)}
        onConfirm={() => dialog?.kind === 'remove' && removeVersion.mutate(dialog.version.version)}
      >
        Remove {s.software} <strong>{dialog?.kind === 'remove' ? dialog.version.version : ''}</strong>? This
        is refused while a requirement names it as a bound.
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog?.kind === 'delete'}
        title="Delete software"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onClose={() => setDialog(undefined)}
        onConfirm={() => remove.mutate()}
      >
        Delete <strong>{s.software}</strong> and all its versions? This is refused while job types or jobs
        require it.
      </ConfirmDialog>
    </>
  );
}

function AddVersionDialog({ software, onClose }: { software: Software; onClose(): void }) {
  const [version, setVersion] = useState('');
  const [rank, setRank] = useState(String(nextRank(software.versions)));
  const [isDefault, setDefault] = useState(false);
  const add = useAction({
    run: () => addVersion(software.software, { version, rank: Number(rank), default: isDefault }),
    invalidates: ['software'],
    success: `Added ${software.software} ${version}`,
    failure: 'Could not add the version',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title={`New version of ${software.software}`}
      onClose={onClose}
      onSubmit={() => add.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!version || add.isPending}>
            Add
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Version">
          <input
            className="input"
            required
            maxLength={64}
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            autoFocus
          />
        </Field>
        <Field label="Rank" hint="Suggested: after the newest version.">
          <input
            className="input"
            type="number"
            step={1}
            required
            value={rank}
            onChange={(e) => setRank(e.target.value)}
          />
        </Field>
        <label className="checkbox wide">
          <input type="checkbox" checked={isDefault} onChange={(e) => setDefault(e.target.checked)} />
          Default: give it to agents when they register
        </label>
      </div>
    </Dialog>
  );
}

function DiscoveryCodeDialog({
  software,
  version,
  editable,
  onClose,
}: {
  software: string;
  version: SoftwareVersion;
  editable: boolean;
  onClose(): void;
}) {
  const code = useQuery(discoveryCodeQuery(software, version.version));
  const [text, setText] = useState('');
  const [fn, setFn] = useState(version.discovery_function_name ?? '');
  useEffect(() => setText(code.data ?? ''), [code.data]);
  const save = useAction({
    run: () =>
      changeVersion(
        software,
        version.version,
        text.trim()
          ? { discovery_code: text, discovery_function_name: fn }
          : { discovery_code: null, discovery_function_name: null },
      ),
    invalidates: ['software'],
    success: 'Discovery code saved',
    failure: 'Could not save the discovery code',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      wide
      title={`Discovery of ${software} ${version.version}`}
      onClose={onClose}
      onSubmit={() => save.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {editable ? 'Cancel' : 'Close'}
          </button>
          {editable && (
            <button type="submit" className="btn btn-primary" disabled={save.isPending}>
              Save
            </button>
          )}
        </>
      }
    >
      <p className="muted" style={{ marginTop: 0 }}>
        Agents run the function to check whether this version is installed. Code and function name go
        together; empty code removes both.
      </p>
      <Field label="Function name">
        <input className="input" value={fn} onChange={(e) => setFn(e.target.value)} disabled={!editable} />
      </Field>
      <div style={{ marginTop: 12 }}>
        {code.isPending ? (
          <Loading />
        ) : (
          <CodeEditor
            label="Discovery code"
            value={text}
            onChange={setText}
            readOnly={!editable}
            height={300}
          />
        )}
      </div>
    </Dialog>
  );
}
