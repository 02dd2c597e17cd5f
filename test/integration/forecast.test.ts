/**
 * Forecasting in the running engine, as a sender meets it: a host's disk filling up over OTLP/HTTP
 * gets a time-to-limit on `GET /api/forecasts`, an early-warning alert that the correlator turns into
 * an incident like any other signal, a band on `GET /api/forecasts/series`, and the warning resolves
 * itself when the disk is cleaned up.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ForecastBand, ForecastsResponse } from '../../core/common/forecast-schemas.ts';
import type { Incident, IncidentDetail } from '../../core/common/schemas.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';

let engine: EngineProcess;
before(async () => {
  engine = await startEngineProcess();
});
after(async () => {
  await engine?.stop({ removeData: true });
});

const STEP = 60_000;
const T0 = Date.parse('2026-11-16T06:00:00Z');

/** One OTLP request: the disk utilization of host db-host-3 at the given minutes. */
function diskRequest(points: [number, number][]) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'host.name', value: { stringValue: 'db-host-3' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'system.filesystem.utilization',
                unit: '1',
                gauge: {
                  dataPoints: points.map(([t, v]) => ({
                    timeUnixNano: `${BigInt(t) * 1_000_000n}`,
                    asDouble: v,
                    attributes: [{ key: 'system.filesystem.mountpoint', value: { stringValue: '/' } }],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function send(points: [number, number][]): Promise<void> {
  // One request per point, as a scraper would send them.
  for (const p of points) {
    const res = await fetch(`${engine.otlpUrl}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(diskRequest([p])) });
    assert.equal(res.status, 200, await res.text());
  }
}

test('a filling disk gets a time-to-limit, an early-warning incident, a band, and the warning resolves after a cleanup', async () => {
  // Two hours flat at 40%, then filling 30% an hour for 80 minutes: 95% is reached 110 min after the fill starts.
  const flat: [number, number][] = Array.from({ length: 120 }, (_, i) => [T0 + i * STEP, 0.4 + ((i * 7) % 5) * 0.0005]);
  await send(flat);
  await engine.json('/api/flush', { method: 'POST' });
  let fc = await engine.json<ForecastsResponse>('/api/forecasts');
  const disk = fc.forecasts.find((f) => f.entity === 'host:db-host-3');
  assert.ok(disk, 'the disk is recognised as a capacity series');
  assert.equal(disk.resource, 'disk');
  assert.equal(disk.crossing, null, 'flat: no crossing');
  assert.equal(disk.warning, false);

  const fillStart = T0 + 120 * STEP;
  const fill: [number, number][] = Array.from({ length: 80 }, (_, i) => [fillStart + i * STEP, 0.4 + (0.3 * (i + 1)) / 60 + ((i * 7) % 5) * 0.0005]);
  await send(fill);
  await engine.json('/api/flush', { method: 'POST' });
  fc = await engine.json<ForecastsResponse>('/api/forecasts?entity=host:db-host-3');
  const f = fc.forecasts[0];
  assert.ok(f?.crossing, 'a crossing is predicted');
  const truth = fillStart + ((0.95 - 0.4) / 0.3) * 3_600_000;
  assert.ok(Math.abs(f.crossing.time - truth) < 10 * 60_000, `crossing ${new Date(f.crossing.time).toISOString()} near ${new Date(truth).toISOString()}`);
  assert.equal(f.warning, true);
  assert.ok(fc.entities[0].probability > 0.5 && fc.entities[0].signals[0].metric === 'system.filesystem.utilization');
  const soon = await engine.json<ForecastsResponse>('/api/forecasts?within=600000');
  assert.equal(soon.forecasts.length, 0, 'nothing runs out within ten minutes');

  const open = await engine.json<Incident[]>('/api/incidents?status=open');
  const inc = open.find((i) => i.entities.includes('host:db-host-3'));
  assert.ok(inc, `an incident for the early warning: ${JSON.stringify(open.map((i) => i.title))}`);
  const detail = await engine.json<IncidentDetail>(`/api/incidents/${inc.id}`);
  const member = detail.members.find((m) => m.kind === 'alert' && /^predicted: disk full on db-host-3 in [\d.]+ (h|min) ± /.test(m.title));
  assert.ok(member, `the early warning is a member: ${JSON.stringify(detail.members.map((m) => m.title))}`);

  const band = await engine.json<ForecastBand>('/api/forecasts/series?entity=host:db-host-3&name=system.filesystem.utilization&horizon=3600000&step=60000');
  assert.ok(band.points.length >= 30, `band points: ${band.points.length}`);
  const lastBand = band.points[band.points.length - 1];
  assert.ok(lastBand.lo <= lastBand.mean && lastBand.mean <= lastBand.hi);
  assert.ok(lastBand.mean > 0.6, `the band keeps rising: ${lastBand.mean}`);
  assert.equal(band.limit, 0.95);

  // The disk is cleaned up: the warning resolves itself, and so does its incident.
  const cleanStart = fillStart + 80 * STEP;
  await send(Array.from({ length: 10 }, (_, i) => [cleanStart + i * STEP, 0.3] as [number, number]));
  await engine.json('/api/flush', { method: 'POST' });
  fc = await engine.json<ForecastsResponse>('/api/forecasts?entity=host:db-host-3');
  assert.equal(fc.forecasts[0].warning, false);
  assert.equal(fc.forecasts[0].crossing, null);
  const after = await engine.json<IncidentDetail>(`/api/incidents/${inc.id}`);
  assert.equal(after.status, 'resolved', 'the early-warning incident resolved with its alert');
});

test('bad forecast queries are rejected naming the field', async () => {
  for (const [q, field] of [
    ['/api/forecasts?within=abc', 'within'],
    ['/api/forecasts?within=-5', 'within'],
    ['/api/forecasts/series?name=x', 'entity'],
    ['/api/forecasts/series?entity=host:a', 'name'],
    ['/api/forecasts/series?entity=host:a&name=x&horizon=0', 'horizon'],
  ] as const) {
    const res = await engine.api(q);
    assert.equal(res.status, 400, q);
    const body = (await res.json()) as { message: string; field?: string };
    assert.match(body.message, new RegExp(`^${field}:`), q);
  }
  const unauth = await fetch(`${engine.apiUrl}/api/forecasts`);
  assert.equal(unauth.status, 401);
});
