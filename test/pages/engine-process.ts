/**
 * Start the real engine as a child process for end-to-end tests: `node dist/cli.mjs serve` on free
 * ports with a fresh data directory, wait for its one-line JSON ready message, stop it with a
 * bounded wait. `WATCHFLOOR_CLI` overrides the CLI path (e.g. to test an installed build).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** The engine's ready line. */
export interface ReadyInfo {
  event: 'ready';
  apiUrl: string;
  otlpUrl: string;
  uiUrl: string;
  token: string;
  dataDir: string;
  demo: boolean;
}

/** A running engine. */
export interface EngineProcess extends ReadyInfo {
  child: ChildProcess;
  /** Everything the engine wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Stop it (SIGTERM, then SIGKILL after `graceMs`) and remove its data directory. */
  stop(graceMs?: number): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Start `watchfloor serve` with the demo estate (unless `demo: false`). */
export async function startEngineProcess(opts: { demo?: boolean; timeoutMs?: number } = {}): Promise<EngineProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'watchfloor-e2e-'));
  const cli = process.env.WATCHFLOOR_CLI ?? path.join(repoRoot, 'dist', 'cli.mjs');
  const args = [cli, 'serve', '--data-dir', dataDir, '--port', '0', '--otlp-port', '0', opts.demo === false ? '--no-demo' : '--demo'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (graceMs = 5000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const timeoutMs = opts.timeoutMs ?? 60_000;
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<ReadyInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine not ready after ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Partial<ReadyInfo>;
        if (msg.event === 'ready') {
          clearTimeout(timer);
          resolve(msg as ReadyInfo);
        }
      } catch {
        // Not JSON: ordinary log output, ignored.
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`engine exited with code ${code} before it was ready (${cli})\n${stderr}`));
    });
  }).catch(async (err: unknown) => {
    await stop(2000);
    throw err;
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  lines.on('line', () => {});
  return { ...ready, child, stderr: () => stderr, stop };
}

/** Call the engine API with its token. */
export async function apiCall<T>(engine: ReadyInfo, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${engine.apiUrl}${p}`, {
    method,
    headers: { Authorization: `Bearer ${engine.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}
