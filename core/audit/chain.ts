/**
 * The audit trail: an append-only JSON-lines file in which every entry carries the SHA-256 of the
 * entry before it. Editing, inserting or deleting any line breaks the chain from that line on, and
 * `verifyAuditLines` names the first entry that no longer matches.
 *
 * A plain file (not a DuckDB table) on purpose: `watchfloor audit verify` must be able to read it while
 * the engine runs (DuckDB locks its file to one process), and an operator can inspect it with any tool.
 * Every append is written and fsynced before the caller's promise resolves, so nothing acknowledged is
 * lost in a crash.
 */
import { createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { AuditEntryView } from '../common/automation-schemas.ts';

/** The hash a chain's first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller records; the log adds the sequence number, the time and the hashes. */
export interface AuditInput {
  /** Who did it: a user name, `system` for the engine itself, `token-admin` for the API token. */
  actor: string;
  /** What happened, e.g. `action-approved`, `action-executed`, `config-changed`. */
  action: string;
  /** What it happened to, e.g. an action id or `automation.config`. */
  subject?: string;
  /** Everything else worth keeping (outputs, reasons, old and new values). */
  details?: Record<string, unknown>;
}

/** One entry of the chain as stored (one JSON object per line); the API returns the same shape. */
export type AuditEntry = AuditEntryView;

/** The result of checking a chain. */
export interface AuditVerification {
  ok: boolean;
  /** Entries that were checked and found intact (up to the first broken one). */
  intact: number;
  /** The first entry that does not match, with its line number in the file and why. */
  firstBad?: { seq: number | null; line: number; reason: string };
}

/** JSON with object keys sorted at every level, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The hash an entry must carry, computed from its content and its `prev`. */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({ seq: e.seq, time: e.time, actor: e.actor, action: e.action, subject: e.subject, details: e.details });
  return createHash('sha256').update(e.prev).update('\n').update(body).digest('hex');
}

/** Builds the next entry after `prev` (null for the first). */
export function chainEntry(prev: Pick<AuditEntry, 'seq' | 'hash'> | null, input: AuditInput, time: number): AuditEntry {
  const base = {
    seq: (prev?.seq ?? 0) + 1,
    time,
    actor: input.actor,
    action: input.action,
    subject: input.subject ?? null,
    details: input.details ?? {},
    prev: prev?.hash ?? GENESIS_HASH,
  };
  // Round-trip through JSON so what is hashed is exactly what a reader of the file will see.
  const stored = JSON.parse(JSON.stringify(base)) as Omit<AuditEntry, 'hash'>;
  return { ...stored, hash: entryHash(stored) };
}

/**
 * Checks a chain given as the lines of the file. Reports the first line that is not JSON, is out of
 * sequence, does not point at the previous entry's hash, or whose content does not match its hash.
 * A trailing empty line is allowed.
 */
export function verifyAuditLines(lines: readonly string[]): AuditVerification {
  let prev: AuditEntry | null = null;
  let intact = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' && i === lines.length - 1) break;
    const bad = (reason: string, seq: number | null = null): AuditVerification => ({ ok: false, intact, firstBad: { seq, line: i + 1, reason } });
    let e: AuditEntry;
    try {
      e = JSON.parse(line) as AuditEntry;
    } catch {
      return bad('not valid JSON');
    }
    if (typeof e !== 'object' || e === null || typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prev !== 'string') {
      return bad('missing seq, prev or hash');
    }
    const expectedSeq = (prev?.seq ?? 0) + 1;
    if (e.seq !== expectedSeq) return bad(`sequence ${e.seq} where ${expectedSeq} was expected (an entry was removed or inserted)`, e.seq);
    const expectedPrev = prev?.hash ?? GENESIS_HASH;
    if (e.prev !== expectedPrev) return bad('prev does not match the hash of the entry before it', e.seq);
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) return bad('content does not match its hash (the entry was edited)', e.seq);
    prev = e;
    intact++;
  }
  return { ok: true, intact };
}

/** Reads and checks an audit file. A missing file is an empty, intact chain. */
export async function verifyAuditFile(file: string): Promise<AuditVerification> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return verifyAuditLines(text === '' ? [] : text.split('\n'));
}

/** A search over the trail. All criteria optional; `text` matches anywhere in the entry's JSON. */
export interface AuditQuery {
  text?: string;
  actor?: string;
  action?: string;
  subject?: string;
  from?: number;
  to?: number;
  /** Newest first, at most this many (default 500). */
  limit?: number;
}

/**
 * The engine's open audit log. Appends are queued (one at a time, in call order) and each resolves
 * once its line is on disk. Entries are also kept in memory for search; the trail of a desktop
 * operations center stays in the tens of thousands of entries.
 */
export class AuditLog {
  private last: AuditEntry | null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly entries: AuditEntry[],
    /** Whether the file was intact when opened; a broken chain is reported, and appends continue after it. */
    readonly verification: AuditVerification,
  ) {
    this.last = entries.at(-1) ?? null;
  }

  /** Opens (creating) the log file and checks the chain already in it. */
  static async open(file: string): Promise<AuditLog> {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const lines = text === '' ? [] : text.split('\n');
    const verification = verifyAuditLines(lines);
    const entries: AuditEntry[] = [];
    for (const line of lines) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        // A broken line stays in the file (verify reports it); it is not searchable.
      }
    }
    const handle = await open(file, 'a', 0o600);
    return new AuditLog(file, handle, entries, verification);
  }

  /** Appends one entry; resolves with it once it is durable. */
  append(input: AuditInput): Promise<AuditEntry> {
    if (this.closed) return Promise.reject(new Error('audit log is closed'));
    const p = this.queue.then(async () => {
      const entry = chainEntry(this.last, input, Date.now());
      await this.handle.write(`${JSON.stringify(entry)}\n`);
      await this.handle.datasync();
      this.last = entry;
      this.entries.push(entry);
      return entry;
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.length;
  }

  /** Entries matching `q`, newest first. */
  search(q: AuditQuery = {}): AuditEntry[] {
    const limit = q.limit ?? 500;
    const text = q.text?.toLowerCase();
    const out: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i];
      if (q.actor && e.actor !== q.actor) continue;
      if (q.action && e.action !== q.action) continue;
      if (q.subject && e.subject !== q.subject) continue;
      if (q.from !== undefined && e.time < q.from) continue;
      if (q.to !== undefined && e.time > q.to) continue;
      if (text && !JSON.stringify(e).toLowerCase().includes(text)) continue;
      out.push(e);
    }
    return out;
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.handle.close();
  }
}

/** The trail as CSV (RFC 4180 quoting), one row per entry, details as JSON. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const q = (v: unknown) => {
    const s = typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = ['seq,time,actor,action,subject,details,prev,hash'];
  for (const e of entries) rows.push([e.seq, new Date(e.time).toISOString(), e.actor, e.action, e.subject, e.details, e.prev, e.hash].map(q).join(','));
  return `${rows.join('\n')}\n`;
}
