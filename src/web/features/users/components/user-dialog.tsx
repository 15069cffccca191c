/** Create a user, or change one (admins: roles, active, email, password; others: their own email/password). */
import { useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { Field } from '../../../components/field';
import { useAction } from '../../../lib/use-action';
import { changeUser, createUser, ROLE_NAMES, type User, type UserChange } from '../api/users';

export function UserDialog({ user, asAdmin, onClose }: { user?: User; asAdmin: boolean; onClose(): void }) {
  const [username, setUsername] = useState(user?.username ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Set<string>>(new Set(user?.roles ?? ['artist']));
  const [active, setActive] = useState(user?.active ?? true);

  const save = useAction({
    run: async () => {
      if (!user) {
        return createUser({
          username,
          ...(password ? { password } : {}),
          email: email || null,
          active,
          roles: [...roles] as UserChange['roles'] & object,
        });
      }
      const change: UserChange = { email: email || null };
      if (password) change.password = password;
      if (asAdmin) {
        change.roles = [...roles] as UserChange['roles'] & object;
        change.active = active;
      }
      return changeUser(user.username, change);
    },
    invalidates: ['users'],
    success: user ? `Saved ${user.username}` : `Created ${username}`,
    failure: user ? 'Could not save' : 'Could not create the user',
    onSuccess: onClose,
  });

  return (
    <Dialog
      open
      title={user ? `User ${user.username}` : 'New user'}
      onClose={onClose}
      onSubmit={() => save.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {user ? 'Save' : 'Create user'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        {!user && (
          <Field label="User name">
            <input
              className="input"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
            />
          </Field>
        )}
        <Field label="Email">
          <input className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field
          label={user ? 'New password' : 'Password'}
          hint={
            user
              ? 'Leave empty to keep the current one.'
              : 'At least 8 characters; optional for users who only use tokens.'
          }
        >
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {asAdmin && (
          <>
            <fieldset className="field wide" style={{ border: 0, padding: 0, margin: 0 }}>
              <legend className="label">Roles</legend>
              <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
                {ROLE_NAMES.map((role) => (
                  <label key={role} className="checkbox">
                    <input
                      type="checkbox"
                      checked={roles.has(role)}
                      onChange={(e) => {
                        const next = new Set(roles);
                        if (e.target.checked) next.add(role);
                        else next.delete(role);
                        setRoles(next);
                      }}
                    />
                    {role}
                  </label>
                ))}
              </div>
            </fieldset>
            <label className="checkbox wide">
              <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
              Active (may log in and use tokens)
            </label>
          </>
        )}
      </div>
    </Dialog>
  );
}
