/**
 * Automation benchmark: the audit trail's durable append rate (one fsync per entry) and verify rate,
 * the cost of one scrypt password hash, and the latency from an approval to a verified, succeeded
 * action (one HTTP step + one HTTP verification against a loopback target, executor in its worker).
 * Prints medians of runs.
 * Usage: node --import tsx test/bench/automation.bench.ts [--runs 5 --entries 2000 --actions 20]
 */
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog, verifyAuditFile } from '../../core/audit/chain.ts';
import { AutomationService } from '../../core/automation/service.ts';
import { hashPassword } from '../../core/auth/users.ts';
import { silentLogger } from '../../core/log.ts';
import { Notifier } from '../../core/notify/notifier.ts';
import type { AutomationAction } from '../../core/common/automation-schemas.ts';
import { runbookYaml } from '../fixtures/automation-helpers.ts';
import { startTargetService } from '../fixtures/target-service.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, entries: { type: 'string', default: '2000' }, actions: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);
const ENTRIES = Number(values.entries);
const ACTIONS = Number(values.actions);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const root = await mkdtemp(path.join(os.tmpdir(), 'wf-bench-automation-'));
try {
  const appendRates: number[] = [];
  const verifyRates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const file = path.join(root, `audit-${r}.jsonl`);
    const log = await AuditLog.open(file);
    const t0 = performance.now();
    for (let i = 0; i < ENTRIES; i++) await log.append({ actor: 'bench', action: 'action-output', subject: `act-${i}`, details: { output: 'x'.repeat(200), i } });
    appendRates.push(ENTRIES / ((performance.now() - t0) / 1000));
    await log.close();
    const t1 = performance.now();
    const v = await verifyAuditFile(file);
    if (!v.ok) throw new Error('bench chain does not verify');
    verifyRates.push(ENTRIES / ((performance.now() - t1) / 1000));
    process.stderr.write(`audit run ${r + 1}/${RUNS}\n`);
  }
  console.log(`audit append (fsync each): ${median(appendRates).toFixed(0)} entries/s (median of ${RUNS} × ${ENTRIES})`);
  console.log(`audit verify: ${median(verifyRates).toFixed(0)} entries/s (median of ${RUNS})`);

  const hashMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await hashPassword('correct horse battery staple');
    hashMs.push(performance.now() - t0);
  }
  console.log(`scrypt password hash (N=16384, r=8, p=1): ${median(hashMs).toFixed(1)} ms (median of ${RUNS})`);

  const target = await startTargetService();
  const dataDir = path.join(root, 'engine');
  await mkdir(path.join(dataDir, 'runbooks'), { recursive: true });
  await writeFile(path.join(dataDir, 'runbooks', 'b.yaml'), runbookYaml({ id: 'bench', risk: 'high', title: 'NO-MATCH', base: target.url, verify: `verify:\n  http: { method: GET, url: "${target.url}/{{target.name}}/health" }\n  attempts: 1` }));
  await writeFile(path.join(dataDir, 'automation.json'), JSON.stringify({ guardrails: { perTarget: { max: 10000, window: '1m' }, perRunbook: { max: 10000, window: '1m' }, loop: { max: 10000, window: '1m' }, breaker: { failures: 100, cooldown: '1m' } } }));
  const notifier = new Notifier(silentLogger);
  const waiters = new Map<string, (a: AutomationAction) => void>();
  const svc = await AutomationService.start({
    dataDir,
    log: silentLogger,
    notifier,
    onAction: (a) => {
      if (a.state === 'succeeded' || a.state === 'failed' || a.state === 'rolled-back') waiters.get(a.id)?.(a);
    },
  });
  const latencies: number[] = [];
  for (let i = 0; i < ACTIONS + 2; i++) {
    const a = await svc.requestAction('alice', { runbookId: 'bench', target: `service:b${i}`, params: {} }, null);
    await svc.approve('bob', 'approver', a.id, 'bench');
    const done = new Promise<AutomationAction>((resolve) => waiters.set(a.id, resolve));
    const t0 = performance.now();
    await svc.approve('carol', 'approver', a.id, 'bench');
    const end = await done;
    if (end.state !== 'succeeded') throw new Error(`bench action ${end.state}: ${end.blockedReason}`);
    // The first two warm the worker up.
    if (i >= 2) latencies.push(performance.now() - t0);
  }
  console.log(`approval → verified success (2 HTTP calls, worker, journal + audit fsyncs): ${median(latencies).toFixed(1)} ms (median of ${ACTIONS})`);
  await svc.close();
  notifier.close();
  await target.close();
} finally {
  await rm(root, { recursive: true, force: true });
}
