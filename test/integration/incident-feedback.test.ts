/**
 * Incident feedback over the real engine: operators merge and split incidents through the API, the
 * decisions are stored and survive a restart, the correlator learns them (the same kinds of alert are
 * grouped, or kept apart, from then on), and similar past incidents are listed with how they ended.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FeedbackResult, SimilarIncident } from '../../core/common/incident-schemas.ts';
import type { Incident, IncidentDetail } from '../../core/common/schemas.ts';
import { startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';

const T0 = Date.UTC(2026, 4, 4, 9, 0, 0);
let engine: EngineProcess;
let dataDir: string;

before(async () => {
  dataDir = await tempDataDir();
  engine = await startEngineProcess({ dataDir });
});
after(async () => {
  await engine?.stop({ removeData: true });
});

/** Two unrelated-looking alerts (no topology between the hosts) at `t`, on hosts numbered `n`. */
function pair(t: number, n: number, status: 'firing' | 'resolved' = 'firing') {
  return [
    { id: `bk-${n}-${status}`, time: t, source: 'it', host: `batch-${n}`, severity: 'major', status, title: `Backup job failed on batch-${n}` },
    { id: `os-${n}-${status}`, time: t + 5_000, source: 'it', host: `store-${n}`, severity: 'major', status, title: `Object store 5xx on store-${n}` },
  ];
}

async function post(events: object[]): Promise<void> {
  const res = await engine.api('/ingest/events', { method: 'POST', body: events });
  assert.equal(res.status, 200, await res.text());
  await engine.json('/api/flush', { method: 'POST' });
}

async function incidentsSince(t: number): Promise<IncidentDetail[]> {
  const list = await engine.json<Incident[]>('/api/incidents?status=all&limit=1000');
  const out: IncidentDetail[] = [];
  for (const i of list) if (i.openedAt >= t && !i.title.startsWith('Merged into')) out.push(await engine.json<IncidentDetail>(`/api/incidents/${i.id}`));
  return out.sort((a, b) => a.openedAt - b.openedAt);
}

describe('incident feedback', () => {
  test('merge: two incidents become one, and the same kinds of alert are grouped from then on', async () => {
    await post(pair(T0, 1));
    const [a, b] = await incidentsSince(T0);
    assert.ok(a && b, 'two incidents before any feedback');
    const res = await engine.json<FeedbackResult>(`/api/incidents/${a.id}/merge`, { method: 'POST', body: { incidentIds: [b.id] } });
    assert.deepEqual(res.incidents, [a.id, b.id]);
    assert.ok(res.feedback.pairs.length > 0);
    const merged = await engine.json<IncidentDetail>(`/api/incidents/${a.id}`);
    assert.equal(merged.members.length, 2);
    assert.match((await engine.json<IncidentDetail>(`/api/incidents/${b.id}`)).title, /^Merged into /);

    await post(pair(T0 + 20 * 60_000, 2));
    const later = await incidentsSince(T0 + 20 * 60_000);
    assert.equal(later.length, 1, later.map((i) => i.title).join('; '));
    assert.equal(later[0].members.length, 2);
  });

  test('split: members move to a new incident; bad input names the field', async () => {
    const [inc] = await incidentsSince(T0 + 20 * 60_000);
    const moved = inc.members.find((m) => m.title.startsWith('Object store'))!;
    const bad = await engine.api(`/api/incidents/${inc.id}/split`, { method: 'POST', body: { memberIds: ['nope'] } });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'memberIds[0]');
    const all = await engine.api(`/api/incidents/${inc.id}/split`, { method: 'POST', body: { memberIds: inc.members.map((m) => m.id) } });
    assert.equal(all.status, 400);
    const missing = await engine.api('/api/incidents/inc-none/merge', { method: 'POST', body: { incidentIds: [inc.id] } });
    assert.equal(missing.status, 404);
    const empty = await engine.api(`/api/incidents/${inc.id}/merge`, { method: 'POST', body: { incidentIds: [] } });
    assert.equal(empty.status, 400);
    assert.equal(((await empty.json()) as { field: string }).field, 'incidentIds');

    const res = await engine.json<FeedbackResult>(`/api/incidents/${inc.id}/split`, { method: 'POST', body: { memberIds: [moved.id] } });
    const [, newId] = res.incidents;
    const part = await engine.json<IncidentDetail>(`/api/incidents/${newId}`);
    assert.deepEqual(part.members.map((m) => m.id), [moved.id]);
    assert.equal((await engine.json<IncidentDetail>(`/api/incidents/${inc.id}`)).members.length, 1);
  });

  test('decisions survive a restart; the latest (split) keeps the kinds apart; similar incidents are listed', async () => {
    await engine.stop();
    engine = await startEngineProcess({ dataDir });
    await post(pair(T0 + 60 * 60_000, 3));
    const later = await incidentsSince(T0 + 60 * 60_000);
    assert.equal(later.length, 2, later.map((i) => i.title).join('; '));

    const similar = await engine.json<SimilarIncident[]>(`/api/incidents/${later[0].id}/similar`);
    assert.ok(similar.length > 0);
    assert.ok(similar.every((s) => s.similarity > 0 && s.similarity <= 1 && s.openedAt <= later[0].openedAt));
    assert.ok(similar.some((s) => /operator/.test(s.resolution)), JSON.stringify(similar));
    const bad = await engine.api(`/api/incidents/${later[0].id}/similar?limit=0`);
    assert.equal(bad.status, 400);
  });

  test("merging with a resolved incident keeps its members through the open incident's later updates, either way round", async () => {
    const t = T0 + 120 * 60_000;
    const ev = (id: string, time: number, host: string, title: string, status: 'firing' | 'resolved' = 'firing') => ({ id, time, source: 'it', host, severity: 'major', status, title: `${title} on ${host}` });
    // A resolved incident, then an unrelated open one.
    await post([ev('smart-1', t, 'vault-1', 'Disk SMART errors'), ev('smart-1-r', t + 60_000, 'vault-1', 'Disk SMART errors', 'resolved')]);
    await post([ev('cert-1', t + 5 * 60_000, 'edge-1', 'Certificate expiring')]);
    const [done, open] = await incidentsSince(t);
    assert.equal(done?.status, 'resolved');
    assert.equal(open?.status, 'open');
    await engine.json<FeedbackResult>(`/api/incidents/${open.id}/merge`, { method: 'POST', body: { incidentIds: [done.id] } });
    assert.match((await engine.json<IncidentDetail>(`/api/incidents/${done.id}`)).title, /^Merged into /);
    // A new signal updates the open incident: the resolved one's member must still be there.
    await post([ev('tls-1', t + 6 * 60_000, 'edge-1', 'TLS handshake failures')]);
    const grown = await engine.json<IncidentDetail>(`/api/incidents/${open.id}`);
    assert.deepEqual(grown.members.map((m) => m.id).sort(), ['cert-1', 'smart-1', 'tls-1']);

    // The other way round: an open incident merged into a resolved one reopens it with both.
    const u = t + 30 * 60_000;
    await post([ev('smart-2', u, 'vault-2', 'Disk SMART errors'), ev('smart-2-r', u + 60_000, 'vault-2', 'Disk SMART errors', 'resolved')]);
    await post([ev('cert-2', u + 5 * 60_000, 'edge-2', 'Certificate expiring')]);
    const [done2, open2] = await incidentsSince(u);
    await engine.json<FeedbackResult>(`/api/incidents/${done2.id}/merge`, { method: 'POST', body: { incidentIds: [open2.id] } });
    await post([ev('tls-2', u + 6 * 60_000, 'edge-2', 'TLS handshake failures')]);
    const reopened = await engine.json<IncidentDetail>(`/api/incidents/${done2.id}`);
    assert.equal(reopened.status, 'open');
    assert.deepEqual(reopened.members.map((m) => m.id).sort(), ['cert-2', 'smart-2', 'tls-2']);
    assert.match((await engine.json<IncidentDetail>(`/api/incidents/${open2.id}`)).title, /^Merged into /);
  });
});
