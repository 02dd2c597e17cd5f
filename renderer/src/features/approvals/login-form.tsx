/**
 * Sign in as a local user (name and password) instead of pasting the API token: the engine answers
 * with a session token that expires, used exactly like the API token. Test hooks: `login-user`,
 * `login-password`, `login-submit`.
 */
import { useState } from 'react';
import { login } from '../../api/client.ts';
import './approvals.css';

/** The form; `onToken` receives the session token. */
export function LoginForm({ apiBase, onToken }: { apiBase: string; onToken: (token: string) => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="token-card"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        login(apiBase, user.trim(), password)
          .then((r) => onToken(r.token))
          .catch((err: unknown) => setError((err as Error).message))
          .finally(() => setBusy(false));
      }}
    >
      <h1>Or sign in</h1>
      <p>With a local user the administrator created; the session ends after 8 hours or 30 idle minutes.</p>
      <input value={user} onChange={(e) => setUser(e.target.value)} placeholder="user" aria-label="user" autoComplete="username" data-testid="login-user" />
      <input
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        placeholder="password"
        aria-label="password"
        autoComplete="current-password"
        data-testid="login-password"
      />
      {error && <p className="error">{error}</p>}
      <button type="submit" disabled={busy || !user.trim() || !password} data-testid="login-submit">
        Sign in
      </button>
    </form>
  );
}
