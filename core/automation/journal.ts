/**
 * The action journal: every state change of every action appended as one JSON line (the action and
 * the job it runs), fsynced before the change is acknowledged. On start the last line per action wins.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { AutomationAction } from '../common/automation-schemas.ts';
import type { Job } from './job.ts';

/** One journal line. */
export interface JournalRecord {
  action: AutomationAction;
  job: Job;
}

/** Append-only store of action snapshots. */
export class ActionJournal {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  /** Opens the journal and returns the latest snapshot of every action, oldest first. */
  static async open(file: string): Promise<{ journal: ActionJournal; records: JournalRecord[] }> {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const byId = new Map<string, JournalRecord>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as JournalRecord;
        if (r?.action?.id) byId.set(r.action.id, r);
      } catch {
        // A line torn by a crash mid-write is the only way a line can be broken; the snapshot before it stands.
      }
    }
    const handle = await open(file, 'a', 0o600);
    return { journal: new ActionJournal(handle), records: [...byId.values()].sort((a, b) => a.action.createdAt - b.action.createdAt) };
  }

  /** Appends a snapshot; resolves once it is on disk. */
  save(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const p = this.queue.then(async () => {
      await this.handle.write(line);
      await this.handle.datasync();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}
