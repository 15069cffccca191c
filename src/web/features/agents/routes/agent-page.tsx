/**
 * One agent (PyFarm's agent page): state and actions, hardware (CPU, RAM, disks, GPUs, MAC addresses),
 * software with add/remove, tags, notes, and the tasks it runs now.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type Column } from '../../../components/data-table';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { EmptyState, ErrorState, Loading } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { StateBadge } from '../../../components/state-badge';
import { parseTags, TagList } from '../../../components/tag-list';
import { Meter } from '../../../components/task-progress';
import { Time } from '../../../components/time';
import { formatBytes, formatFrame, formatMegabytes } from '../../../lib/format';
import { Link, useNavigate } from '../../../lib/router';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import {
  addAgentSoftware,
  agentLogsQuery,
  agentQuery,
  agentTasksQuery,
  changeAgent,
  checkAgentSoftware,
  removeAgentSoftware,
  runAgentAction,
  softwareCatalogQuery,
  type Agent,
  type AgentAction,
  type AgentTask,
  type AgentTaskLog,
} from '../api/agents';

export function AgentPage({ id }: { id: string }) {
  const session = useSession();
  const navigate = useNavigate();
  const agent = useQuery(agentQuery(id));
  const tasks = useQuery(agentTasksQuery(id));
  const [dialog, setDialog] = useState<'delete' | 'notes' | 'tags' | 'software'>();
  const act = useAction({
    run: (action: AgentAction) => runAgentAction(id, action),
    invalidates: ['agents'],
    success: (_r, action) =>
      `${agent.data?.hostname}: ${action === 'restart' ? 'restart requested' : `${action}d`}`,
    failure: 'Could not change the agent',
    onSuccess: (_r, action) => {
      if (action === 'delete') navigate('/agents');
    },
  });
  const logs = useQuery(agentLogsQuery(id));
  const check = useAction({
    run: () => checkAgentSoftware(id),
    invalidates: ['agents'],
    success: (r) =>
      r.requested === 0
        ? 'No software version has discovery code to check'
        : `${agent.data?.hostname} checks ${r.requested} software version(s)${r.failed.length ? `; ${r.failed.length} could not be asked` : ''}`,
    failure: 'Could not ask the agent',
  });
  const removeSoftware = useAction({
    run: (s: { software: string; version: string }) => removeAgentSoftware(id, s.software, s.version),
    invalidates: ['agents'],
    success: (_r, s) => `Removed ${s.software} ${s.version}`,
    failure: 'Could not remove the software',
  });

  if (agent.isPending) return <Loading />;
  if (agent.isError) return <ErrorState error={agent.error} onRetry={() => void agent.refetch()} />;
  const a: Agent = agent.data;
  const manage = session.isWrangler;

  const taskColumns: Column<AgentTask>[] = [
    { key: 'state', header: 'State', render: (t) => <StateBadge state={t.state} /> },
    { key: 'job', header: 'Job', render: (t) => <Link to={`/jobs/${t.job.id}`}>{t.job.title}</Link> },
    {
      key: 'frame',
      header: 'Frame',
      className: 'num',
      render: (t) => `${formatFrame(t.frame)}${t.tile !== null ? ` · tile ${t.tile}` : ''}`,
    },
    { key: 'jobtype', header: 'Job type', render: (t) => `${t.job.jobtype} v${t.job.jobtype_version}` },
    { key: 'progress', header: 'Progress', render: (t) => <Meter value={t.progress} /> },
    { key: 'started', header: 'Started', render: (t) => <Time value={t.time_started} relative /> },
    {
      key: 'logs',
      header: '',
      className: 'actions-cell',
      render: (t) => (
        <Link to={`/jobs/${t.job.id}/tasks/${t.id}/logs`} className="btn btn-sm">
          Log
        </Link>
      ),
    },
  ];

  const logColumns: Column<AgentTaskLog>[] = [
    {
      key: 'state',
      header: 'State',
      render: (l) => (l.state ? <StateBadge state={l.state} /> : <span className="faint">—</span>),
    },
    { key: 'job', header: 'Job', render: (l) => <Link to={`/jobs/${l.job_id}`}>{l.job_title}</Link> },
    {
      key: 'frame',
      header: 'Frame',
      className: 'num',
      render: (l) => `${formatFrame(l.frame)}${l.tile !== null ? ` · tile ${l.tile}` : ''}`,
    },
    { key: 'attempt', header: 'Attempt', className: 'num', render: (l) => l.attempt },
    { key: 'created', header: 'Started', render: (l) => <Time value={l.created_on} /> },
    {
      key: 'open',
      header: '',
      className: 'actions-cell',
      render: (l) => (
        <Link
          to={`/jobs/${l.job_id}/tasks/${l.task_id}/logs?log=${encodeURIComponent(l.identifier)}`}
          className="btn btn-sm"
        >
          Log
        </Link>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        breadcrumbs={<Link to="/agents">Agents</Link>}
        title={
          <span style={{ display: 'inline-flex', gap: 10, alignItems: 'center' }}>
            {a.hostname} <StateBadge state={a.state} />
            {a.restart_requested && <span className="badge plain">restart pending</span>}
          </span>
        }
        documentTitle={a.hostname}
        subtitle={<span className="mono">{a.id}</span>}
        actions={
          manage && (
            <>
              <button
                type="button"
                className="btn"
                onClick={() => act.mutate('restart')}
                disabled={act.isPending}
              >
                Restart
              </button>
              {a.state === 'disabled' ? (
                <button
                  type="button"
                  className="btn btn-primary"
                  onClick={() => act.mutate('enable')}
                  disabled={act.isPending}
                >
                  Enable
                </button>
              ) : (
                <button
                  type="button"
                  className="btn"
                  onClick={() => act.mutate('disable')}
                  disabled={act.isPending}
                >
                  Disable
                </button>
              )}
              <button type="button" className="btn btn-danger" onClick={() => setDialog('delete')}>
                Delete
              </button>
            </>
          )
        }
      />
      <div className="grid-3">
        <section className="card" aria-labelledby="agent-system">
          <div className="card-header">
            <h2 id="agent-system">System</h2>
          </div>
          <div className="card-body">
            <dl className="props">
              <dt>OS</dt>
              <dd>{a.os_fullname ?? a.os_class ?? '—'}</dd>
              <dt>CPU</dt>
              <dd>
                {a.cpus} × {a.cpu_name ?? 'unknown CPU'}
              </dd>
              <dt>RAM</dt>
              <dd>
                {formatMegabytes(a.ram)} <span className="muted">({formatMegabytes(a.free_ram)} free)</span>
              </dd>
              <dt>Address</dt>
              <dd>
                {a.remote_ip ?? '—'}:{a.port} <span className="muted">({a.use_address})</span>
              </dd>
              <dt>Version</dt>
              <dd>
                {a.version ?? '—'}
                {a.upgrade_to && <span className="muted"> → {a.upgrade_to}</span>}
              </dd>
              <dt>Allocation</dt>
              <dd>
                CPU ×{a.cpu_allocation}, RAM ×{a.ram_allocation}
              </dd>
              {a.projects && (
                <>
                  <dt>Projects</dt>
                  <dd>{a.projects.join(', ')}</dd>
                </>
              )}
              <dt>Clock offset</dt>
              <dd>{a.time_offset} s</dd>
            </dl>
          </div>
        </section>
        <section className="card" aria-labelledby="agent-contact">
          <div className="card-header">
            <h2 id="agent-contact">Contact</h2>
          </div>
          <div className="card-body">
            <dl className="props">
              <dt>Last heard from</dt>
              <dd>
                <Time value={a.last_heard_from} />{' '}
                <span className="muted">
                  (<Time value={a.last_heard_from} relative />)
                </span>
              </dd>
              <dt>Last polled</dt>
              <dd>
                <Time value={a.last_polled} />
              </dd>
              <dt>Last success</dt>
              <dd>
                <Time value={a.last_success_on} />
              </dd>
              <dt>MAC addresses</dt>
              <dd className="mono">{a.mac_addresses.length ? a.mac_addresses.join(', ') : '—'}</dd>
              <dt>GPUs</dt>
              <dd>
                {a.gpus.length ? (
                  a.gpus.map((g) => <div key={g.fullname}>{g.fullname}</div>)
                ) : (
                  <span className="faint">none</span>
                )}
              </dd>
            </dl>
          </div>
        </section>
        <section className="card" aria-labelledby="agent-tags">
          <div className="card-header">
            <h2 id="agent-tags">Tags and notes</h2>
            {manage && (
              <span style={{ display: 'flex', gap: 6 }}>
                <button type="button" className="btn btn-sm" onClick={() => setDialog('tags')}>
                  Tags
                </button>
                <button type="button" className="btn btn-sm" onClick={() => setDialog('notes')}>
                  Notes
                </button>
              </span>
            )}
          </div>
          <div className="card-body">
            <dl className="props">
              <dt>Tags</dt>
              <dd>
                <TagList tags={a.tags} />
              </dd>
              <dt>Notes</dt>
              <dd style={{ whiteSpace: 'pre-wrap' }}>{a.notes || <span className="faint">—</span>}</dd>
            </dl>
          </div>
        </section>
      </div>

      <div className="grid-2" style={{ marginTop: 14 }}>
        <section className="card" aria-labelledby="agent-disks">
          <div className="card-header">
            <h2 id="agent-disks">Disks</h2>
          </div>
          {a.disks.length === 0 ? (
            <EmptyState title="No disks reported" />
          ) : (
            <table className="data" aria-labelledby="agent-disks">
              <thead>
                <tr>
                  <th>Mount point</th>
                  <th className="num">Size</th>
                  <th>Free</th>
                </tr>
              </thead>
              <tbody>
                {a.disks.map((d) => (
                  <tr key={d.mountpoint}>
                    <td className="mono">{d.mountpoint}</td>
                    <td className="num">{formatBytes(d.size)}</td>
                    <td>
                      <Meter value={d.size ? d.free / d.size : 0} label={`${formatBytes(d.free)} free`} />{' '}
                      {formatBytes(d.free)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card" aria-labelledby="agent-software">
          <div className="card-header">
            <h2 id="agent-software">Software</h2>
            {manage && (
              <span style={{ display: 'flex', gap: 6 }}>
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => check.mutate()}
                  disabled={check.isPending}
                >
                  Check all software
                </button>
                <button type="button" className="btn btn-sm" onClick={() => setDialog('software')}>
                  Add
                </button>
              </span>
            )}
          </div>
          {a.software.length === 0 ? (
            <EmptyState title="No software known on this agent" />
          ) : (
            <table className="data" aria-labelledby="agent-software">
              <tbody>
                {a.software.map((s) => (
                  <tr key={`${s.software}/${s.version}`}>
                    <td>{s.software}</td>
                    <td>{s.version}</td>
                    <td className="actions-cell">
                      {manage && (
                        <button
                          type="button"
                          className="btn btn-sm btn-ghost"
                          onClick={() => removeSoftware.mutate(s)}
                          aria-label={`Remove ${s.software} ${s.version}`}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section className="card" style={{ marginTop: 14 }} aria-labelledby="agent-tasks">
        <div className="card-header">
          <h2 id="agent-tasks">Current tasks</h2>
        </div>
        <DataTable
          label="Current tasks"
          columns={taskColumns}
          rows={tasks.data?.filter((t) => t.state !== 'done' && t.state !== 'failed')}
          rowKey={(t) => t.id}
          error={tasks.error}
          onRetry={() => void tasks.refetch()}
          empty={<EmptyState title="Idle">This agent runs nothing right now.</EmptyState>}
          skeletonRows={2}
        />
      </section>

      <section className="card" style={{ marginTop: 14 }} aria-labelledby="agent-logs">
        <div className="card-header">
          <h2 id="agent-logs">Recent task logs</h2>
          {logs.data && logs.data.length > 0 && <LogStateCounts logs={logs.data} />}
        </div>
        <DataTable
          label="Recent task logs"
          columns={logColumns}
          rows={logs.data}
          rowKey={(l) => `${l.identifier}/${l.task_id}`}
          error={logs.error}
          onRetry={() => void logs.refetch()}
          empty={<EmptyState title="No logs yet">Logs appear here once the agent has run tasks.</EmptyState>}
          skeletonRows={3}
        />
      </section>

      <ConfirmDialog
        open={dialog === 'delete'}
        title="Delete agent"
        confirmLabel="Delete"
        danger
        busy={act.isPending}
        onClose={() => setDialog(undefined)}
        onConfirm={() => act.mutate('delete')}
      >
        Delete <strong>{a.hostname}</strong>? Its tasks go back to the queue. A running agent registers again
        when it next announces itself.
      </ConfirmDialog>
      {dialog === 'notes' && <TextDialog agent={a} field="notes" onClose={() => setDialog(undefined)} />}
      {dialog === 'tags' && <TextDialog agent={a} field="tags" onClose={() => setDialog(undefined)} />}
      {dialog === 'software' && <AddSoftwareDialog agent={a} onClose={() => setDialog(undefined)} />}
    </>
  );
}

function LogStateCounts({ logs }: { logs: readonly AgentTaskLog[] }) {
  const counts = new Map<string, number>();
  for (const l of logs) counts.set(l.state ?? 'running', (counts.get(l.state ?? 'running') ?? 0) + 1);
  return (
    <span style={{ display: 'flex', gap: 6 }}>
      {[...counts].map(([state, n]) => (
        <StateBadge key={state} state={state} label={`${n} ${state}`} />
      ))}
    </span>
  );
}

function TextDialog({ agent, field, onClose }: { agent: Agent; field: 'notes' | 'tags'; onClose(): void }) {
  const [value, setValue] = useState(field === 'notes' ? agent.notes : agent.tags.join(' '));
  const save = useAction({
    run: () => changeAgent(agent.id, field === 'notes' ? { notes: value } : { tags: parseTags(value) }),
    invalidates: ['agents'],
    success: field === 'notes' ? 'Notes saved' : 'Tags saved',
    failure: 'Could not save',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title={field === 'notes' ? `Notes on ${agent.hostname}` : `Tags of ${agent.hostname}`}
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
      {field === 'notes' ? (
        <Field label="Notes">
          <textarea
            className="textarea"
            rows={6}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoFocus
          />
        </Field>
      ) : (
        <Field
          label="Tags"
          hint="Separated by spaces; replaces the agent's tags. Jobs can require or exclude them."
        >
          <input className="input" value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
        </Field>
      )}
    </Dialog>
  );
}

function AddSoftwareDialog({ agent, onClose }: { agent: Agent; onClose(): void }) {
  const catalog = useQuery(softwareCatalogQuery);
  const [software, setSoftware] = useState('');
  const [version, setVersion] = useState('');
  const versions = catalog.data?.find((s) => s.software === software)?.versions ?? [];
  const add = useAction({
    run: () => addAgentSoftware(agent.id, software, version),
    invalidates: ['agents'],
    success: `${software} ${version} added to ${agent.hostname}`,
    failure: 'Could not add the software',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title={`Software on ${agent.hostname}`}
      onClose={onClose}
      onSubmit={() => add.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!software || !version || add.isPending}>
            Add
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Software">
          <select
            className="select"
            value={software}
            onChange={(e) => {
              setSoftware(e.target.value);
              setVersion('');
            }}
            autoFocus
          >
            <option value="">Choose…</option>
            {catalog.data?.map((s) => (
              <option key={s.id} value={s.software}>
                {s.software}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Version">
          <select
            className="select"
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            disabled={!software}
          >
            <option value="">Choose…</option>
            {[...versions]
              .sort((x, y) => y.rank - x.rank)
              .map((v) => (
                <option key={v.id} value={v.version}>
                  {v.version}
                </option>
              ))}
          </select>
        </Field>
      </div>
      {catalog.data?.length === 0 && (
        <p className="muted">
          No software is defined yet: add it on the <Link to="/software">software page</Link>.
        </p>
      )}
    </Dialog>
  );
}
