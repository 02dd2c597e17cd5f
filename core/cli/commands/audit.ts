/**
 * `watchfloor audit verify|export`: check the hash chain of the audit trail, or print it. Reads the
 * file directly, so it works while the engine is running.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIT_FILE } from '../../automation/paths.ts';
import { auditCsv, verifyAuditFile, type AuditEntry } from '../../audit/chain.ts';
import { defaultDataDir } from '../../config.ts';
import { UsageError, type Command } from '../usage.ts';

export const auditCommand: Command = {
  synopsis: 'audit verify|export [options]',
  summary: 'verify the audit trail\'s hash chain (exit 1 when tampered), or export it',
  help: `  verify               check every entry's hash and link; prints the first tampered entry and
                       exits 1 when the chain is broken, 0 when intact
  export               print the trail as JSON lines (default) or CSV (--format csv)
  --data-dir DIR       data directory; default ${defaultDataDir()} (or $WATCHFLOOR_DATA_DIR)
  --file FILE          an audit file to read instead of DATA_DIR/${AUDIT_FILE}
  --format FMT         export format: jsonl or csv
`,
  run: audit,
};

async function audit(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, file: { type: 'string' }, format: { type: 'string' } },
  });
  const [sub, ...extra] = positionals;
  if (sub !== 'verify' && sub !== 'export') throw new UsageError(`audit: expected 'verify' or 'export', got '${sub ?? ''}'`);
  if (extra.length) throw new UsageError(`audit ${sub}: unexpected argument '${extra[0]}'`);
  const file = values.file ?? path.join(values['data-dir'] ?? defaultDataDir(), AUDIT_FILE);
  if (sub === 'verify') {
    const v = await verifyAuditFile(file);
    if (v.ok) {
      process.stdout.write(`${JSON.stringify({ ok: true, file, entries: v.intact })}\n`);
      return 0;
    }
    process.stdout.write(`${JSON.stringify({ ok: false, file, intact: v.intact, firstTampered: v.firstBad })}\n`);
    process.stderr.write(
      `watchfloor: audit chain broken at line ${v.firstBad!.line}${v.firstBad!.seq !== null ? ` (entry ${v.firstBad!.seq})` : ''}: ${v.firstBad!.reason}\n`,
    );
    return 1;
  }
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format: must be jsonl or csv, got '${format}'`);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new UsageError(`--file: ${file} does not exist`);
    throw err;
  });
  if (format === 'jsonl') {
    process.stdout.write(text);
    return 0;
  }
  const entries = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry);
  process.stdout.write(auditCsv(entries));
  return 0;
}
