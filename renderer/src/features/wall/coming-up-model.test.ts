import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CapacityForecast } from '../../../../core/common/forecast-schemas.ts';
import { comingUp } from './coming-up-model.ts';

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
