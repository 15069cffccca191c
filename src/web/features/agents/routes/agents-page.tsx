/**
 * The agents list (PyFarm's /agents/): counts per state that filter, search by hostname, tag and version
 * filters, sorting and paging by the master, and restart / disable / enable / delete per row or for the
 * selection (wranglers and admins).
 */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { DataTable, type Column, type Sort } from '../../../components/data-table';
import { ConfirmDialog } from '../../../components/dialog';
import { EmptyState, errorMessage } from '../../../components/feedback';
import { Menu } from '../../../components/menu';
import { PageHeader } from '../../../components/page-header';
import { Pagination } from '../../../components/pagination';
import { StateBadge } from '../../../components/state-badge';
import { StateCounts } from '../../../components/state-counts';
import { TagList } from '../../../components/tag-list';
import { Time } from '../../../components/time';
import { useToast } from '../../../components/toasts';
import { formatMegabytes, plural } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { useSearchParams } from '../../../lib/search-params';
import { useSession } from '../../../lib/session';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { forEachLimited } from '../../../lib/use-action';
import {
  AGENT_STATES,
  agentsQuery,
  runAgentAction,
  type AgentAction,
  type AgentListItem,
  type AgentListQuery,
  type AgentStateName,
} from '../api/agents';

type SortKey = NonNullable<AgentListQuery['order_by']>;
const SORT_KEYS: readonly SortKey[] = [
  'hostname',
  'remote_ip',
  'state',
  'version',
  'last_heard_from',
  'cpus',
  'ram',
  'last_success_on',
];

const DONE: Record<AgentAction, string> = {
  restart: 'Restart requested',
  disable: 'Disabled',
  enable: 'Enabled',
  delete: 'Deleted',
};

export function AgentsPage() {
  const session = useSession();
  const toast = useToast();
  const client = useQueryClient();
  const { params, update } = useSearchParams();
  const [searchInput, setSearchInput] = useState(params.get('hostname') ?? '');
  const search = useDebouncedValue(searchInput.trim(), 300);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<{ action: AgentAction; agents: AgentListItem[] }>();
  const [busy, setBusy] = useState(false);

  const states = new Set(
    params
      .getAll('state')
      .filter((s): s is AgentStateName => (AGENT_STATES as readonly string[]).includes(s)),
  );
  const sortKey = (SORT_KEYS as readonly string[]).includes(params.get('sort') ?? '')
    ? (params.get('sort') as SortKey)
    : 'hostname';
  const sortDir = params.get('dir') === 'desc' ? 'desc' : 'asc';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const perPage = Number(params.get('per_page')) || 100;
  const tags = params.get('tags') ?? '';

  const urlSearch = params.get('hostname') ?? '';
  useEffect(() => {
    if (urlSearch !== search) update({ hostname: search, page: null }, { replace: true });
  }, [search, urlSearch, update]);

  const query: AgentListQuery = {
    ...(search ? { search } : {}),
    ...(states.size ? { state: [...states] } : {}),
    ...(tags ? { tag: tags.split(/\s+/).filter(Boolean) } : {}),
    ...(params.getAll('v').length ? { version: params.getAll('v') } : {}),
    order_by: sortKey,
    order_dir: sortDir,
    page,
    per_page: perPage,
  };
  const agents = useQuery(agentsQuery(query));
  const rows = agents.data?.agents;

  const run = async (action: AgentAction, list: readonly AgentListItem[]) => {
    setBusy(true);
    try {
      const { ok, failed } = await forEachLimited(list, (a) => runAgentAction(a.id, action));
      if (ok) toast.success(`${DONE[action]}: ${plural(ok, 'agent')}`);
      for (const f of failed.slice(0, 3)) toast.error(`${f.item.hostname}: ${errorMessage(f.error)}`);
      await client.invalidateQueries({ queryKey: ['agents'] });
      if (!failed.length) setSelected(new Set());
      setConfirm(undefined);
    } finally {
      setBusy(false);
    }
  };
  const ask = (action: AgentAction, list: AgentListItem[]) =>
    action === 'enable' ? void run(action, list) : setConfirm({ action, agents: list });

  const toggleState = (state: string) => {
    const next = new Set(states);
    if (next.has(state as AgentStateName)) next.delete(state as AgentStateName);
    else next.add(state as AgentStateName);
    update({ state: [...next], page: null });
  };

  const columns: Column<AgentListItem>[] = [
    { key: 'state', header: 'State', sortKey: 'state', render: (a) => <StateBadge state={a.state} /> },
    {
      key: 'hostname',
      header: 'Hostname',
      sortKey: 'hostname',
      render: (a) => (
        <>
          <Link to={`/agents/${a.id}`} className="cell-title">
            {a.hostname}
          </Link>
          {a.restart_requested && (
            <span className="badge plain" style={{ marginLeft: 6 }}>
              restart pending
            </span>
          )}
        </>
      ),
    },
    {
      key: 'ip',
      header: 'IP',
      sortKey: 'remote_ip',
      className: 'hide-md',
      render: (a) => a.remote_ip ?? <span className="faint">—</span>,
    },
    {
      key: 'cpus',
      header: 'CPUs',
      sortKey: 'cpus',
      firstDir: 'desc',
      className: 'num',
      render: (a) => a.cpus,
    },
    {
      key: 'ram',
      header: 'RAM',
      sortKey: 'ram',
      firstDir: 'desc',
      className: 'num',
      render: (a) => formatMegabytes(a.ram),
    },
    { key: 'free', header: 'Free RAM', className: 'num hide-md', render: (a) => formatMegabytes(a.free_ram) },
    { key: 'tags', header: 'Tags', className: 'hide-md', render: (a) => <TagList tags={a.tags} /> },
    {
      key: 'version',
      header: 'Version',
      sortKey: 'version',
      render: (a) => a.version ?? <span className="faint">—</span>,
    },
    {
      key: 'heard',
      header: 'Last heard from',
      sortKey: 'last_heard_from',
      firstDir: 'desc',
      render: (a) => <Time value={a.last_heard_from} relative />,
    },
    {
      key: 'success',
      header: 'Last success',
      sortKey: 'last_success_on',
      firstDir: 'desc',
      className: 'hide-md',
      render: (a) => <Time value={a.last_success_on} relative />,
    },
  ];

  const selectedAgents = (rows ?? []).filter((a) => selected.has(a.id));
  const counts = agents.data?.counts;
  const filtering = Boolean(search || states.size || tags || params.getAll('v').length);

  return (
    <>
      <PageHeader title="Agents" subtitle="Render nodes that registered with this master." />
      <StateCounts
        total={counts ? AGENT_STATES.reduce((n, s) => n + counts[s], 0) : undefined}
        totalLabel="agents"
        counts={AGENT_STATES.map((s) => ({
          state: s,
          label: s === 'online' ? 'idle' : s,
          count: counts?.[s],
        }))}
        active={states}
        onToggle={toggleState}
      />
      <div className="card">
        <div className="toolbar" role="search">
          <input
            className="input input-search"
            type="search"
            placeholder="Filter by hostname"
            aria-label="Filter by hostname"
            value={searchInput}
            onChange={(e) => setSearchInput(e.target.value)}
          />
          <input
            className="input"
            placeholder="Tags (any)"
            aria-label="Filter by tags, separated by spaces"
            defaultValue={tags}
            onKeyDown={(e) => {
              if (e.key === 'Enter')
                update({ tags: e.currentTarget.value.trim() || null, page: null }, { replace: true });
            }}
            onBlur={(e) =>
              update({ tags: e.currentTarget.value.trim() || null, page: null }, { replace: true })
            }
            style={{ width: 160 }}
          />
          <input
            className="input"
            placeholder="Versions"
            aria-label="Filter by agent version, separated by spaces"
            defaultValue={params.getAll('v').join(' ')}
            onKeyDown={(e) => {
              if (e.key === 'Enter')
                update(
                  { v: e.currentTarget.value.split(/\s+/).filter(Boolean), page: null },
                  { replace: true },
                );
            }}
            onBlur={(e) =>
              update({ v: e.currentTarget.value.split(/\s+/).filter(Boolean), page: null }, { replace: true })
            }
            style={{ width: 120 }}
          />
          {filtering && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setSearchInput('');
                update({ hostname: null, state: null, tags: null, v: null, page: null });
              }}
            >
              Clear filters
            </button>
          )}
          <span className="spacer" />
          {selected.size > 0 && <span className="selection-note">{selected.size} selected</span>}
          {session.isWrangler && (
            <Menu
              label={selected.size ? `Actions (${selected.size})` : 'Actions'}
              disabled={selected.size === 0 || busy}
              items={[
                { label: 'Restart', onSelect: () => ask('restart', selectedAgents) },
                { label: 'Disable', onSelect: () => ask('disable', selectedAgents) },
                { label: 'Enable', onSelect: () => ask('enable', selectedAgents) },
                {
                  label: 'Delete…',
                  onSelect: () => ask('delete', selectedAgents),
                  danger: true,
                  separated: true,
                },
              ]}
            />
          )}
        </div>
        <DataTable
          label="Agents"
          columns={columns}
          rows={rows}
          rowKey={(a) => a.id}
          rowLabel={(a) => a.hostname}
          sort={{ key: sortKey, dir: sortDir }}
          onSort={(s: Sort) => update({ sort: s.key, dir: s.dir, page: null })}
          {...(session.isWrangler ? { selected, onSelect: setSelected } : {})}
          loading={agents.isFetching}
          error={agents.error}
          onRetry={() => void agents.refetch()}
          empty={
            filtering ? (
              <EmptyState title="No agent matches these filters" />
            ) : (
              <EmptyState title="No agents yet">
                Start one on a render node with{' '}
                <code>drover agent start --master {window.location.origin}</code> and an agent token.
              </EmptyState>
            )
          }
          rowActions={
            session.isWrangler
              ? (a) => (
                  <Menu
                    label={<span aria-label={`Actions for ${a.hostname}`}>⋯</span>}
                    buttonClassName="btn btn-sm btn-ghost"
                    caret={false}
                    items={[
                      { label: 'Restart', onSelect: () => ask('restart', [a]) },
                      a.state === 'disabled'
                        ? { label: 'Enable', onSelect: () => ask('enable', [a]) }
                        : { label: 'Disable', onSelect: () => ask('disable', [a]) },
                      { label: 'Delete…', onSelect: () => ask('delete', [a]), danger: true, separated: true },
                    ]}
                  />
                )
              : undefined
          }
        />
        <Pagination
          page={page}
          perPage={perPage}
          total={agents.data?.total}
          onPage={(p) => update({ page: p === 1 ? null : p })}
          onPerPage={(n) => update({ per_page: n === 100 ? null : n, page: null })}
        />
      </div>
      <ConfirmDialog
        open={confirm !== undefined}
        title={
          confirm
            ? `${confirm.action[0]!.toUpperCase()}${confirm.action.slice(1)} ${plural(confirm.agents.length, 'agent')}`
            : ''
        }
        confirmLabel={confirm ? `${confirm.action[0]!.toUpperCase()}${confirm.action.slice(1)}` : ''}
        danger={confirm?.action === 'delete'}
        busy={busy}
        onClose={() => setConfirm(undefined)}
        onConfirm={() => confirm && void run(confirm.action, confirm.agents)}
      >
        {confirm?.action === 'delete' &&
          'Deleted agents register again when they next announce themselves. Their tasks go back to the queue.'}
        {confirm?.action === 'disable' && 'Disabled agents get no new work; what they run now finishes.'}
        {confirm?.action === 'restart' && 'Each agent restarts when its current work is done.'}{' '}
        {confirm && confirm.agents.length <= 5 && (
          <strong>{confirm.agents.map((a) => a.hostname).join(', ')}</strong>
        )}
      </ConfirmDialog>
    </>
  );
}
