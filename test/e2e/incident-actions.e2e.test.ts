/**
 * End-to-end: the incident view in Chromium against the real engine (no demo). Two incidents from
 * alerts on unrelated hosts; the operator merges one into the other and splits it again from the
 * incident view; similar past incidents are listed. Every wait is on a signal, never a sleep.
 *
 * Run: TZ=UTC node --import tsx --test test/e2e/incident-actions.e2e.test.ts
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Incident, IncidentDetail } from '../../core/common/schemas.ts';
import { useBrowserAndEngine } from '../fixtures/browser-engine.ts';
import { browserUnavailable } from '../pages/browser.ts';
import { IncidentPage } from '../pages/incident-page.ts';

const skip = browserUnavailable();
const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);

describe('incident view end-to-end', { skip: skip ?? false }, () => {
  const suite = useBrowserAndEngine();

  test('candidates with evidence, similar incidents, merge and split from the view', async () => {
    const { browser, engine } = suite;
    const events = (t: number, n: number) => [
      { id: `db-${n}`, time: t, source: 'e2e', host: `db-host-${n}`, severity: 'critical', status: 'firing', title: `Disk almost full on db-host-${n}` },
      { id: `ap-${n}`, time: t + 4000, source: 'e2e', host: `app-host-${n}`, severity: 'major', status: 'firing', title: `Write errors on app-host-${n}` },
    ];
    for (const batch of [events(T0, 1), events(T0 + 30 * 60_000, 2)]) {
      const res = await engine.api('/ingest/events', { method: 'POST', body: batch });
      assert.equal(res.status, 200);
    }
    await engine.json('/api/flush', { method: 'POST' });
    const list = (await engine.json<Incident[]>('/api/incidents?status=all')).sort((a, b) => a.openedAt - b.openedAt);
    const [, , target, other] = list;
    assert.ok(target && other, `4 incidents expected, got ${list.length}`);

    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const view = new IncidentPage(page);
    await view.open(engine.apiUrl, target.id, engine.token);
    await view.waitReady();
    await view.waitForRootCauses();
    assert.ok((await view.evidence(0)).length > 0);
    await view.similar.waitFor();
    assert.ok((await view.similarRows.count()) >= 1, 'the incidents of 30 minutes earlier are similar');

    const merged = await view.mergeIn(other.id);
    assert.match(merged, /^Merged /);
    const after = await engine.json<IncidentDetail>(`/api/incidents/${target.id}`);
    assert.equal(after.members.length, 2);
    await page.getByText('Signals (2)').waitFor();

    const split = await view.splitOff([other.entities[0]]);
    assert.match(split, /^Split 1 signal/);
    await page.getByTestId('split-link').click();
    await page.waitForURL(/-split-1$/);
    await view.waitReady();
    await page.getByText('Signals (1)').waitFor();
    const part = await engine.json<IncidentDetail>(`/api/incidents/${target.id}-split-1`);
    assert.deepEqual(part.entities, other.entities);
    await page.close();
  });
});
