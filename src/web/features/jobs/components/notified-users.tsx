/** Who gets an email when the job succeeds, fails or is deleted; add (OR-merged flags) and remove. */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Dialog } from '../../../components/dialog';
import { Field } from '../../../components/field';
import { useAction } from '../../../lib/use-action';
import {
  addNotifiedUser,
  notifiedUsersQuery,
  removeNotifiedUser,
  userChoicesQuery,
  type Job,
} from '../api/jobs';

export function NotifiedUsers({ job, mayChange }: { job: Job; mayChange: boolean }) {
  const users = useQuery(notifiedUsersQuery(String(job.id)));
  const [adding, setAdding] = useState(false);
  const remove = useAction({
    run: (username: string) => removeNotifiedUser(job.id, username),
    invalidates: ['jobs'],
    success: (_r, u) => `${u} is no longer notified`,
    failure: 'Could not remove',
  });
  const list = users.data ?? job.notified_users;
  return (
    <section className="card" aria-labelledby="notified-title">
      <div className="card-header">
        <h2 id="notified-title">Notified users</h2>
        {mayChange && (
          <button type="button" className="btn btn-sm" onClick={() => setAdding(true)}>
            Add
          </button>
        )}
      </div>
      <div className="card-body">
        {list.length === 0 ? (
          <span className="faint">Nobody is notified.</span>
        ) : (
          <table className="data">
            <tbody>
              {list.map((u) => (
                <tr key={u.id}>
                  <td>
                    <strong>{u.username}</strong>
                    {!u.email && <span className="faint"> (no email)</span>}
                  </td>
                  <td className="muted">
                    {[u.on_success && 'success', u.on_failure && 'failure', u.on_deletion && 'deletion']
                      .filter(Boolean)
                      .join(', ') || 'nothing'}
                  </td>
                  <td className="actions-cell">
                    {mayChange && (
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost"
                        onClick={() => remove.mutate(u.username)}
                        aria-label={`Stop notifying ${u.username}`}
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
      </div>
      {adding && <AddNotifiedUser job={job} onClose={() => setAdding(false)} />}
    </section>
  );
}

function AddNotifiedUser({ job, onClose }: { job: Job; onClose(): void }) {
  const users = useQuery(userChoicesQuery);
  const [username, setUsername] = useState('');
  const [flags, setFlags] = useState({ on_success: true, on_failure: true, on_deletion: false });
  const add = useAction({
    run: () => addNotifiedUser(job.id, { username, ...flags }),
    invalidates: ['jobs'],
    success: `${username} will be notified`,
    failure: 'Could not add',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title="Notify a user"
      onClose={onClose}
      onSubmit={() => add.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!username || add.isPending}>
            Add
          </button>
        </>
      }
    >
      <Field label="User">
        <select
          className="select"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          autoFocus
        >
          <option value="">Choose…</option>
          {users.data?.map((u) => (
            <option key={u.id} value={u.username}>
              {u.username}
              {u.email ? '' : ' (no email)'}
            </option>
          ))}
        </select>
      </Field>
      <div style={{ display: 'flex', gap: 16, marginTop: 12 }}>
        {(['on_success', 'on_failure', 'on_deletion'] as const).map((f) => (
          <label key={f} className="checkbox">
            <input
              type="checkbox"
              checked={flags[f]}
              onChange={(e) => setFlags({ ...flags, [f]: e.target.checked })}
            />
            {f.replace('on_', 'On ')}
          </label>
        ))}
      </div>
    </Dialog>
  );
}
