import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CapacityForecast, EntityRisk } from '../../../../core/common/forecast-schemas.ts';
import { comingUp, likelyFailures } from './coming-up-model.ts';

const NOW = Date.parse('2026-11-16T12:00:00Z');
const H = 3_600_000;

function fc(key: string, inMs: number | null, extra: Partial<CapacityForecast> = {}): CapacityForecast {
  return {
    seriesKey: key,
    entity: 'host:db-host-3',
    service: null,
    host: null,
    metric: 'system.filesystem.utilization',
    unit: '1',
    resource: 'disk',
    limit: 0.95,
    value: 0.8,
    time: NOW,
    slopePerHour: 0.01,
    crossing: inMs === null ? null : { time: NOW + inMs, lo: NOW + inMs - H, hi: NOW + inMs + H },
    probability: 0.9,
    horizonMs: 24 * H,
    warning: true,
    ...extra,
  };
}

test('coming up: only crossings within the window, soonest first, with what, where and ± from the interval', () => {
  const rows = comingUp(
    [
      fc('a', 20 * H),
      fc('b', 2 * H, { entity: 'service:checkout', host: 'eu-web-1', resource: 'memory' }),
      fc('c', 30 * H),
      fc('d', null),
      fc('e', 5 * H, { crossing: { time: NOW + 5 * H, lo: NOW + 4 * H, hi: null } }),
    ],
    NOW,
    24 * H,
  );
  assert.deepEqual(rows.map((r) => r.key), ['b', 'e', 'a']);
  assert.equal(rows[0].what, 'memory exhausted');
  assert.equal(rows[0].where, 'checkout (eu-web-1)');
  assert.equal(rows[0].inMs, 2 * H);
  assert.equal(rows[0].plusMinusMs, H);
  assert.equal(rows[1].plusMinusMs, null, 'an open upper end has no ±');
  assert.equal(rows[2].where, 'db-host-3');
});

test('likely failures: only foretold ones with a moved signal and p ≥ 0.5, most likely first, with the signals that moved', () => {
  const risk = (entity: string, probability: number, moved: boolean): EntityRisk => ({
    entity,
    probability,
    horizonMs: H,
    soonest: null,
    signals: [],
    capacityProbability: 0,
    failures: [
      {
        kind: 'pool-exhaustion',
        probability,
        horizonMs: H,
        prior: 0.002,
        indicators: [
          { metric: 'db.client.connection.count', z: 12.4, moved, movedSince: moved ? NOW - H / 4 : null, oddsFactor: moved ? 40 : 0.5, medianLeadMs: H / 3 },
          { metric: 'db.client.operation.duration.p95', z: 1, moved: false, movedSince: null, oddsFactor: 0.6, medianLeadMs: H / 60 },
        ],
      },
    ],
  });
  const rows = likelyFailures([risk('database:a', 0.6, true), risk('database:b', 0.9, true), risk('database:c', 0.95, false), risk('database:d', 0.3, true)]);
  assert.deepEqual(rows.map((r) => r.entity), ['database:b', 'database:a']);
  assert.equal(rows[0].what, 'pool exhaustion');
  assert.equal(rows[0].where, 'b');
  assert.deepEqual(rows[0].because, ['db.client.connection.count +12σ (odds ×40)']);
  assert.deepEqual(likelyFailures([{ entity: 'host:x', probability: 0.9, horizonMs: H, soonest: null, signals: [] }]), [], 'no indicators, no row');
});
