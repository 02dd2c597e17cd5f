import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncidentDetail } from '../common/schemas.ts';
import { matchRunbook } from './match.ts';
import { RunbookSchema } from './runbook.ts';

const incident: IncidentDetail = {
  id: 'inc-1',
  title: 'Error rate high on checkout',
  status: 'open',
  severity: 'major',
  openedAt: 1,
  updatedAt: 2,
  services: ['checkout'],
  entities: ['service:checkout', 'host:web-1', 'database:orders'],
  alertCount: 2,
  rootCauses: [{ entity: 'database:orders', score: 0.8, evidence: [] }],
  members: [
    { kind: 'alert', id: 'a1', fingerprint: 'f1', entity: 'service:checkout', time: 1, title: 'connection pool orders exhausted after 30s', severity: 'major' },
    { kind: 'anomaly', id: 'n1', fingerprint: 'f2', entity: 'service:checkout', time: 1, title: 'http.server.duration.p95 at 2.3, expected 0.2' },
  ],
};

const rb = (match: Record<string, unknown>) =>
  RunbookSchema.parse({ id: 'r', name: 'r', risk: 'low', match, steps: [{ name: 's', action: 'restart' }] });

test('targets prefer the ranked root cause among matching entities', () => {
  assert.equal(matchRunbook(rb({ severities: ['major'] }), incident), 'database:orders');
  assert.equal(matchRunbook(rb({ entities: ['service:*'] }), incident), 'service:checkout');
  assert.equal(matchRunbook(rb({ entities: ['queue:*'] }), incident), null);
});

test('every criterion must hold', () => {
  assert.equal(matchRunbook(rb({ entities: ['service:*'], titles: ['error rate'] }), incident), 'service:checkout');
  assert.equal(matchRunbook(rb({ entities: ['service:*'], titles: ['disk full'] }), incident), null);
  assert.equal(matchRunbook(rb({ templates: ['connection pool <*> exhausted'] }), incident), 'database:orders');
  assert.equal(matchRunbook(rb({ anomalies: ['*duration*'] }), incident), 'database:orders');
  assert.equal(matchRunbook(rb({ anomalies: ['*cpu*'] }), incident), null);
  assert.equal(matchRunbook(rb({ severities: ['critical'] }), incident), null);
});
