/**
 * Renderer entry: fonts and styles, the API token (URL hash → Electron bridge → sessionStorage →
 * prompt), then the providers and the app.
 */
import '@fontsource/inter/400.css';
import '@fontsource/inter/500.css';
import '@fontsource/inter/600.css';
import '@fontsource/inter/700.css';
import '@fontsource/jetbrains-mono/400.css';
import '@fontsource/jetbrains-mono/600.css';
import './shared/styles.css';
import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { getBridge } from './api/bridge.ts';
import { ApiClient } from './api/client.ts';
import { ApiProvider } from './api/hooks.tsx';
import { resolveConnection, TOKEN_STORAGE_KEY } from './api/token.ts';
import { useAppStore } from './shared/app-store.ts';
import { App } from './app.tsx';
import { TokenScreen } from './token-screen.tsx';

function readStored(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function store(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage can be disabled (kiosk profiles); the token then lives for this page only.
  }
}

const resolved = resolveConnection({ hash: location.hash, bridge: getBridge()?.getConfig() ?? null, stored: readStored() });
if (resolved.replaceHash !== null) {
  // Keep the token out of the address bar, history and screenshots.
  history.replaceState(history.state, '', location.pathname + location.search + resolved.replaceHash);
}
if (resolved.token) store(resolved.token);
if (resolved.wall && !new URLSearchParams(location.search).has('kiosk')) {
  history.replaceState(history.state, '', `${location.pathname}?kiosk${location.hash}`);
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failures, err) => {
        const status = (err as { status?: number }).status;
        if (status === 401 || status === 403) return false;
        return failures < 3;
      },
      refetchOnWindowFocus: false,
    },
  },
});

function Root() {
  const [token, setToken] = useState(resolved.token);
  const unauthorised = useAppStore((s) => s.connection === 'unauthorised');
  // One client per token: the stream reconnects when (and only when) the client changes.
  const client = useMemo(
    () => (token ? new ApiClient(resolved.apiBase, token, undefined, () => useAppStore.getState().setConnection('unauthorised')) : null),
    [token],
  );
  if (!client || unauthorised) {
    return (
      <TokenScreen
        rejected={unauthorised}
        apiBase={resolved.apiBase}
        onToken={(t) => {
          store(t);
          useAppStore.getState().setConnection('connecting');
          queryClient.clear();
          setToken(t);
        }}
      />
    );
  }
  return (
    <ApiProvider client={client}>
      <App />
    </ApiProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Root />
    </QueryClientProvider>
  </StrictMode>,
);
