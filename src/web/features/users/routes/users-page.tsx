/** Users (admins manage them) and API tokens (admins: all; everyone else: their own). */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type Column } from '../../../components/data-table';
import { ConfirmDialog } from '../../../components/dialog';
import { EmptyState } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { StateBadge } from '../../../components/state-badge';
import { TabPanel, Tabs } from '../../../components/tabs';
import { Time } from '../../../components/time';
import { plural } from '../../../lib/format';
import { useSearchParams } from '../../../lib/search-params';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import { deleteUser, revokeToken, tokensQuery, usersQuery, type Token, type User } from '../api/users';
import { TokenDialog } from '../components/token-dialog';
import { UserDialog } from '../components/user-dialog';

export function UsersPage() {
  const { params, update } = useSearchParams();
  const tab = params.get('tab') === 'tokens' ? 'tokens' : 'users';
  return (
    <>
      <PageHeader
        title="Users and API tokens"
        subtitle="Who may use this farm, and the tokens scripts and agents use."
      />
      <div className="card">
        <Tabs
          label="Users and tokens"
          tabs={[
            { id: 'users', label: 'Users' },
            { id: 'tokens', label: 'API tokens' },
          ]}
          selected={tab}
          onSelect={(id) => update({ tab: id === 'users' ? null : id }, { replace: true })}
        />
        <TabPanel id={tab}>{tab === 'users' ? <UsersTab /> : <TokensTab />}</TabPanel>
      </div>
    </>
  );
}

function UsersTab() {
  const session = useSession();
  const users = useQuery(usersQuery);
  const [editing, setEditing] = useState<User | 'new'>();
  const [deleting, setDeleting] = useState<User>();
  const remove = useAction({
    run: (u: User) => deleteUser(u.username),
    invalidates: ['users'],
    success: (_r, u) => `Deleted ${u.username}`,
    failure: 'Could not delete the user',
    onSuccess: () => setDeleting(undefined),
  });
  const columns: Column<User>[] = [
    { key: 'username', header: 'User', render: (u) => <strong>{u.username}</strong> },
    { key: 'email', header: 'Email', render: (u) => u.email ?? <span className="faint">—</span> },
    {
      key: 'roles',
      header: 'Roles',
      render: (u) => (u.roles.length ? u.roles.join(', ') : <span className="faint">none</span>),
    },
    {
      key: 'active',
      header: 'Status',
      render: (u) => (
        <StateBadge state={u.active ? 'online' : 'disabled'} label={u.active ? 'active' : 'inactive'} />
      ),
    },
    {
      key: 'last_login',
      header: 'Last login',
      className: 'hide-md',
      render: (u) => <Time value={u.last_login} relative />,
    },
    {
      key: 'expiration',
      header: 'Expires',
      className: 'hide-md',
      render: (u) => <Time value={u.expiration} />,
    },
  ];
  return (
    <>
      <div className="toolbar">
        <span className="muted">{users.data ? plural(users.data.length, 'user') : ''}</span>
        <span className="spacer" />
        {session.isAdmin ? (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New user
          </button>
        ) : (
          <button
            type="button"
            className="btn"
            onClick={() => setEditing(users.data?.find((u) => u.username === session.me.username))}
            disabled={!users.data}
          >
            Change my password
          </button>
        )}
      </div>
      <DataTable
        label="Users"
        columns={columns}
        rows={users.data}
        rowKey={(u) => u.id}
        error={users.error}
        onRetry={() => void users.refetch()}
        empty={<EmptyState title="No users" />}
        rowActions={
          session.isAdmin
            ? (u) => (
                <>
                  <button type="button" className="btn btn-sm" onClick={() => setEditing(u)}>
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    className="btn btn-sm btn-danger"
                    onClick={() => setDeleting(u)}
                    disabled={u.username === session.me.username}
                  >
                    Delete
                  </button>
                </>
              )
            : undefined
        }
      />
      {editing && (
        <UserDialog
          {...(editing === 'new' ? {} : { user: editing })}
          asAdmin={session.isAdmin}
          onClose={() => setEditing(undefined)}
        />
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete user"
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        Delete <strong>{deleting?.username}</strong>? Their tokens stop working. Their jobs stay.
      </ConfirmDialog>
    </>
  );
}

function TokensTab() {
  const session = useSession();
  const tokens = useQuery(tokensQuery);
  const users = useQuery({ ...usersQuery, enabled: session.isAdmin });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token>();
  const revoke = useAction({
    run: (t: Token) => revokeToken(t.id),
    invalidates: ['users'],
    success: (_r, t) => `Revoked "${t.name}"`,
    failure: 'Could not revoke the token',
    onSuccess: () => setRevoking(undefined),
  });
  const columns: Column<Token>[] = [
    { key: 'name', header: 'Name', render: (t) => <strong>{t.name}</strong> },
    { key: 'kind', header: 'Kind', render: (t) => t.kind },
    { key: 'user', header: 'User', render: (t) => t.user },
    { key: 'prefix', header: 'Starts with', render: (t) => <code>{t.prefix}…</code> },
    { key: 'created', header: 'Created', className: 'hide-md', render: (t) => <Time value={t.created_on} /> },
    { key: 'used', header: 'Last used', render: (t) => <Time value={t.last_used} relative /> },
    { key: 'expires', header: 'Expires', className: 'hide-md', render: (t) => <Time value={t.expires} /> },
    {
      key: 'state',
      header: 'Status',
      render: (t) => (
        <StateBadge state={t.revoked ? 'failed' : 'online'} label={t.revoked ? 'revoked' : 'valid'} />
      ),
    },
  ];
  return (
    <>
      <div className="toolbar">
        <span className="muted">{session.isAdmin ? 'All tokens of the farm.' : 'Your tokens.'}</span>
        <span className="spacer" />
        {session.isAdmin && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setCreating(true)}
            disabled={!users.data}
          >
            New token
          </button>
        )}
      </div>
      <DataTable
        label="API tokens"
        columns={columns}
        rows={tokens.data}
        rowKey={(t) => t.id}
        error={tokens.error}
        onRetry={() => void tokens.refetch()}
        empty={
          <EmptyState title="No tokens">
            {session.isAdmin ? 'Create one for a script or a render node.' : 'Ask an admin for one.'}
          </EmptyState>
        }
        rowActions={(t) =>
          t.revoked ? null : (
            <button type="button" className="btn btn-sm btn-danger" onClick={() => setRevoking(t)}>
              Revoke
            </button>
          )
        }
      />
      {creating && users.data && (
        <TokenDialog users={users.data} me={session.me.username} onClose={() => setCreating(false)} />
      )}
      <ConfirmDialog
        open={revoking !== undefined}
        title="Revoke token"
        confirmLabel="Revoke"
        danger
        busy={revoke.isPending}
        onClose={() => setRevoking(undefined)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
      >
        Revoke <strong>{revoking?.name}</strong> of {revoking?.user}? Whatever uses it stops working at once.
      </ConfirmDialog>
    </>
  );
}
