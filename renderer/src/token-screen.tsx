/** Shown when no API token is known: asks for the one the engine printed. */
import { useState } from 'react';
import { LoginForm } from './features/approvals/login-form.tsx';

/** The token prompt; `onToken` receives the trimmed token. */
export function TokenScreen({ onToken, rejected, apiBase = '' }: { onToken: (token: string) => void; rejected?: boolean; apiBase?: string }) {
  const [value, setValue] = useState('');
  return (
    <div className="token-screen" data-testid="token-screen">
      <form
        className="token-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <div className="brand">WATCHFLOOR</div>
        <h1>Connect to the engine</h1>
        <p>
          Enter the API token. The engine prints it when it starts and stores it in <code>&lt;data dir&gt;/api-token</code>.
        </p>
        {rejected && <p className="error">The engine rejected the stored token.</p>}
        <input
          autoFocus
          type="password"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="API token"
          aria-label="API token"
          data-testid="token-input"
        />
        <button type="submit" disabled={!value.trim()}>
          Connect
        </button>
      </form>
      <LoginForm apiBase={apiBase} onToken={onToken} />
    </div>
  );
}
