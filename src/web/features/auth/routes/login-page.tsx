/**
 * Login, and on a new farm the first-run setup that creates the first admin (shown while the master says
 * `setup_required`). After either, the app loads the session and shows the page that was asked for.
 */
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Banner, errorMessage } from '../../../components/feedback';
import { createFirstAdmin, login, type UiSession } from '../api/session';

export function LoginPage({ session }: { session: UiSession }) {
  const farmName = session.farm_name;
  return (
    <div className="login-page">
      <div className="card login-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          Drover{farmName && <span className="brand-farm"> · {farmName}</span>}
        </div>
        {session.setup_required ? <SetupForm /> : <LoginForm />}
      </div>
    </div>
  );
}

function LoginForm() {
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login({ username, password });
      await client.invalidateQueries({ queryKey: ['me'] });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Log in">
      <h1>Log in</h1>
      {error && <Banner kind="error">{error}</Banner>}
      <div className="field">
        <label htmlFor="username">User name</label>
        <input
          id="username"
          className="input"
          autoComplete="username"
          autoFocus
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          className="input"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}

function SetupForm() {
  const client = useQueryClient();
  const [username, setUsername] = useState('admin');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) {
      setError('The passwords differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await createFirstAdmin({ username, password, ...(email ? { email } : {}) });
      await login({ username, password });
      await client.invalidateQueries({ queryKey: ['me'] });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Create the first admin">
      <h1>Welcome</h1>
      <p className="muted">This farm has no administrator yet. Create the first one to start.</p>
      {error && <Banner kind="error">{error}</Banner>}
      <div className="field">
        <label htmlFor="setup-username">User name</label>
        <input
          id="setup-username"
          className="input"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="setup-email">Email (optional)</label>
        <input
          id="setup-email"
          className="input"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="setup-password">Password</label>
        <input
          id="setup-password"
          className="input"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <span className="hint">At least 8 characters.</span>
      </div>
      <div className="field">
        <label htmlFor="setup-repeat">Repeat the password</label>
        <input
          id="setup-repeat"
          className="input"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create admin and log in'}
      </button>
    </form>
  );
}
