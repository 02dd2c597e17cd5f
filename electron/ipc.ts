/**
 * The main-process side of the bridge: one handler per channel of BRIDGE_CHANNELS. Every call is checked
 * before it does anything: the sending frame must be a page of the engine's origin, and the arguments
 * must match the command's schema. Failures are replied as `{code, message}`, never thrown.
 *
 * The argument schemas live here rather than in core/common because they describe the shell's own IPC,
 * which the engine never sees (and core/common is a frozen shared contract).
 */
import { z } from 'zod';
import { BRIDGE_CHANNELS, type BridgeChannel, type BridgeConfig, type IpcReply } from './bridge.ts';
import { isSafeExternalUrl, originOf } from './security.ts';

/** What the handlers act on; injected so they run without Electron. */
export interface IpcContext {
  /** The engine's origin, e.g. `http://127.0.0.1:4780`; the only origin allowed to call. */
  engineOrigin: string;
  config: BridgeConfig;
  /** Open the data directory (shell.openPath); resolves to an error message, or '' on success. */
  openDataDir(): Promise<string>;
  /** Open a URL in the system browser (shell.openExternal). */
  openExternal(url: string): Promise<void>;
}

/** A handler: the sender frame's URL (null when the frame is gone) and the raw invoke arguments. */
export type IpcHandler = (senderUrl: string | null | undefined, args: readonly unknown[]) => Promise<IpcReply<unknown>>;

const NoArgs = z.tuple([]);
const OneUrl = z.tuple([
  z.string().min(1).max(2048).refine(isSafeExternalUrl, 'must be an http(s) URL without credentials'),
]);

function fail(code: string, message: string): IpcReply<never> {
  return { ok: false, error: { code, message } };
}

function describe(issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  if (!first) return 'invalid arguments';
  const where = first.path.length > 0 ? `argument ${first.path.join('.')}` : 'arguments';
  return `${where}: ${first.message}`;
}

/**
 * Wrap a command: check the sender, validate the arguments, run, and turn any failure into a reply.
 * A rejected command never crashes the main process.
 */
function command<A extends readonly unknown[], T>(
  ctx: IpcContext,
  channel: BridgeChannel,
  schema: z.ZodType<A>,
  run: (args: A) => Promise<T>,
): IpcHandler {
  return async (senderUrl, raw) => {
    if (!senderUrl || originOf(senderUrl) !== ctx.engineOrigin) {
      return fail('forbidden', `${channel} may only be called by the Watchfloor UI`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return fail('bad-request', `${channel}: ${describe(parsed.error.issues)}`);
    try {
      return { ok: true, value: await run(parsed.data) };
    } catch (err) {
      return fail('failed', `${channel}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

/** The handlers of every bridge channel, keyed by channel name. */
export function createIpcHandlers(ctx: IpcContext): Record<BridgeChannel, IpcHandler> {
  return {
    [BRIDGE_CHANNELS.getConfig]: command(ctx, BRIDGE_CHANNELS.getConfig, NoArgs, async () => ({ ...ctx.config })),
    [BRIDGE_CHANNELS.openDataDir]: command(ctx, BRIDGE_CHANNELS.openDataDir, NoArgs, async () => {
      const error = await ctx.openDataDir();
      if (error) throw new Error(error);
    }),
    [BRIDGE_CHANNELS.openExternal]: command(ctx, BRIDGE_CHANNELS.openExternal, OneUrl, async ([url]) => {
      await ctx.openExternal(url);
    }),
  };
}
