/**
 * One demo fault of each kind, replayed through the real ingest endpoints at full speed, then
 * `/api/flush`: the incident must exist and its top root cause must be the recorded ground truth.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DemoFault, Incident, IncidentDetail, Stats } from '../../core/common/schemas.ts';
import { FAULT_KINDS } from '../../core/common/schemas.ts';
import { DemoSimulator } from '../../core/demo/simulator.ts';
import { feedRange, feedTopology } from '../fixtures/demo-feed.ts';
import { matchFaults } from '../fixtures/demo-scoring.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';

let engine: EngineProcess;
const START = Date.UTC(2026, 10, 20, 8, 0, 0);
const WARMUP = 60 * 60_000;
const SPACING = 25 * 60_000;

before(async () => {
  engine = await startEngineProcess();
});
after(async () => {
  await engine?.stop({ removeData: true });
});

test('each fault kind becomes an incident whose top root cause is the ground truth', async () => {
  const sim = new DemoSimulator({ seed: 11 });
  const faults: DemoFault[] = FAULT_KINDS.map((kind, i) => sim.injectFault(START + WARMUP + i * SPACING, { kind }));
  const end = START + WARMUP + FAULT_KINDS.length * SPACING;
  await feedTopology(engine, sim);
  await feedRange(engine, sim, START, end);
  const flushed = await engine.json<{ watermark: number }>('/api/flush', { method: 'POST' });
  assert.ok(flushed.watermark >= end - 60_000, `watermark ${flushed.watermark} should reach the end of the data ${end}`);

  const list = await engine.json<Incident[]>('/api/incidents?status=all');
  const details = await Promise.all(list.map((i) => engine.json<IncidentDetail>(`/api/incidents/${i.id}`)));
  const outcomes = matchFaults(faults, details);
  const report = outcomes.map((o) => `${o.fault.kind} root=${o.fault.rootEntity} incident=${o.incidentId} top=${o.topCause} rank=${o.rank}`);
  for (const o of outcomes) {
    assert.ok(o.incidentId, `no incident for ${o.fault.kind}:\n${report.join('\n')}`);
    assert.equal(o.topCause, o.fault.rootEntity, `wrong top cause for ${o.fault.kind}:\n${report.join('\n')}`);
    assert.ok(o.delayMs! < 10 * 60_000, `${o.fault.kind} detected after ${o.delayMs} ms`);
  }
  const stats = await engine.json<Stats>('/api/stats');
  assert.ok(stats.alertsReceived > stats.incidentsOpened, 'many alerts must collapse into fewer incidents');
});
