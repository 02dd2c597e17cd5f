import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Storage } from '../storage/storage.ts';
import { gatherReport, renderReportHtml, renderReportPdf } from './report.ts';

const T = Date.UTC(2026, 5, 1, 12, 0, 0);

test('an incident report carries root causes with evidence, members, topology, charts and the audit trail', async () => {
  const s = await Storage.open({ path: ':memory:' });
  try {
    await s.upsertTopology(
      {
        nodes: [
          { id: 'service:api', kind: 'service', name: 'api', attributes: {} },
          { id: 'database:orders-db', kind: 'database', name: 'orders-db', attributes: {} },
        ],
        edges: [{ source: 'service:api', target: 'database:orders-db', kind: 'depends_on', origin: 'declared' }],
      },
      T,
    );
    const n = 60;
    await s.appendMetrics({
      seriesKeys: [{ key: 'database:orders-db|db.connections|', entity: 'database:orders-db', service: null, host: null, name: 'db.connections', unit: '', attributes: {} }],
      series: new Int32Array(n),
      ts: Float64Array.from({ length: n }, (_, i) => T - 30 * 60_000 + i * 60_000),
      values: Float64Array.from({ length: n }, (_, i) => (i > 30 ? 95 : 20)),
    });
    await s.upsertIncidents([
      {
        id: 'inc-1',
        title: 'api errors <script>',
        status: 'resolved',
        severity: 'critical',
        openedAt: T,
        updatedAt: T + 60_000,
        resolvedAt: T + 120_000,
        services: ['api'],
        entities: ['service:api', 'database:orders-db'],
        alertCount: 1,
        rootCauses: [{ entity: 'database:orders-db', score: 0.9, evidence: ['connections at the pool limit 2 min before the first alert'] }],
        members: [{ kind: 'alert', id: 'a1', fingerprint: 'f1', entity: 'service:api', time: T, title: 'HTTP 5xx above 5%', severity: 'critical' }],
      },
    ]);
    const data = await gatherReport(s, { incidentId: 'inc-1' }, T + 3_600_000, ({ incidentIds }) =>
      incidentIds.includes('inc-1') ? [{ seq: 7, actor: 'alice', action: 'action-approved', subject: 'restart orders-db' }] : [],
    );
    assert.equal(data.incidents.length, 1);
    assert.deepEqual(data.topology.nodes.map((x) => x.id).sort(), ['database:orders-db', 'service:api']);
    assert.equal(data.charts[0].entity, 'database:orders-db');
    const html = renderReportHtml(data);
    assert.match(html, /connections at the pool limit/);
    assert.match(html, /HTTP 5xx above 5%/);
    assert.match(html, /action-approved/);
    assert.match(html, /api errors &lt;script&gt;/, 'text from the data is escaped');
    assert.doesNotMatch(html, /<script/);
    assert.equal((html.match(/<svg/g) ?? []).length, 2, 'a topology snapshot and one chart');
    const pdf = renderReportPdf(data);
    const text = pdf.toString('latin1');
    assert.ok(text.startsWith('%PDF-1.4'));
    assert.match(text, /startxref\n\d+\n%%EOF\n$/);
    const xref = Number(/startxref\n(\d+)/.exec(text)![1]);
    assert.equal(text.slice(xref, xref + 4), 'xref', 'the cross-reference offset points at the table');
    assert.match(text, /\(1\. database:orders-db \\\(score 0\.900\\\)\) Tj/, 'text drawn with its parentheses escaped');
    await assert.rejects(gatherReport(s, { incidentId: 'nope' }), /incidentId: incident nope does not exist/);
  } finally {
    await s.close();
  }
});
