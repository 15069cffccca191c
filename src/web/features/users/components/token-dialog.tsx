/** Issue an API or agent token (admins); the token is shown once, with a copy button. */
import { useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { Banner } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { useAction } from '../../../lib/use-action';
import { createToken, type CreatedToken, type User } from '../api/users';

export function TokenDialog({ users, me, onClose }: { users: readonly User[]; me: string; onClose(): void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'api' | 'agent'>('api');
  const [user, setUser] = useState(me);
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<CreatedToken>();
  const [copied, setCopied] = useState(false);

  const issue = useAction({
    run: () =>
      createToken({
        name,
        kind,
        user,
        ...(days ? { expires_in: Math.round(Number(days) * 86_400) } : {}),
      }),
    invalidates: ['users'],
    failure: 'Could not create the token',
    onSuccess: (token) => setCreated(token),
  });

  if (created) {
    return (
      <Dialog
        open
        title="Token created"
        onClose={onClose}
        footer={
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        }
      >
        <Banner kind="warning">Copy the token now: it is not shown again.</Banner>
        <Field
          label={`${created.kind === 'agent' ? 'Agent' : 'API'} token "${created.name}" for ${created.user}`}
        >
          <input
            className="input mono"
            readOnly
            value={created.token}
            onFocus={(e) => e.target.select()}
            style={{ width: '100%' }}
          />
        </Field>
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          <button
            type="button"
            className="btn"
            onClick={() => {
              void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
            }}
          >
            {copied ? 'Copied' : 'Copy to clipboard'}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      open
      title="New token"
      onClose={onClose}
      onSubmit={() => issue.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={issue.isPending || !name}>
            Create token
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Name" hint="What uses it, e.g. a render node or a pipeline script.">
          <input
            className="input"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoFocus
          />
        </Field>
        <Field label="Kind" hint="Agent tokens register render nodes; their user needs the agent role.">
          <select
            className="select"
            value={kind}
            onChange={(e) => setKind(e.target.value as 'api' | 'agent')}
          >
            <option value="api">API</option>
            <option value="agent">Agent</option>
          </select>
        </Field>
        <Field label="User">
          <select className="select" value={user} onChange={(e) => setUser(e.target.value)}>
            {users.map((u) => (
              <option key={u.id} value={u.username}>
                {u.username}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Expires after (days)" hint="Empty: never.">
          <input
            className="input"
            type="number"
            min={1}
            step="any"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </Field>
      </div>
    </Dialog>
  );
}
