import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCompletion, completions, defaultChartColumns, visibleRows, wordAt } from './sql-model.ts';

const schema = [
  { name: 'alerts', kind: 'table' as const, columns: [{ name: 'ts', type: 'TIMESTAMP' }, { name: 'entity', type: 'VARCHAR' }, { name: 'severity', type: 'VARCHAR' }] },
  { name: 'metrics', kind: 'view' as const, columns: [{ name: 'ts', type: 'TIMESTAMP' }, { name: 'value', type: 'DOUBLE' }] },
  { name: 'metrics_all', kind: 'view' as const, columns: [{ name: 'ts', type: 'TIMESTAMP' }, { name: 'value', type: 'DOUBLE' }] },
];

test('completion: tables by prefix, columns of tables in the query, qualified columns after a dot', () => {
  assert.deepEqual(completions('SELECT * FROM met', 17, schema).map((c) => c.text), ['metrics', 'metrics_all']);
  const sql = 'SELECT sev FROM alerts';
  assert.deepEqual(completions(sql, 10, schema).map((c) => c.text), ['severity']);
  assert.deepEqual(completions('SELECT alerts.en', 16, schema).map((c) => c.text), ['alerts.entity']);
  assert.deepEqual(completions('SELECT ', 7, schema), []);
  assert.deepEqual(wordAt('a, b.c', 6), { start: 3, word: 'b.c' });
  assert.deepEqual(applyCompletion('SELECT * FROM met WHERE', 17, 'metrics'), { sql: 'SELECT * FROM metrics WHERE', cursor: 21 });
});

test('virtualised grid renders only the rows in view plus overscan', () => {
  assert.deepEqual(visibleRows(0, 280, 28, 1_000_000, 5), [0, 15]);
  assert.deepEqual(visibleRows(28 * 500_000, 280, 28, 1_000_000, 5), [499_995, 500_015]);
  assert.deepEqual(visibleRows(28 * 999_999, 280, 28, 1_000_000, 5), [999_994, 1_000_000]);
});

test('default chart columns: time on x, first numeric on y, a text column for heatmaps', () => {
  assert.deepEqual(defaultChartColumns([{ name: 'entity', type: 'VARCHAR' }, { name: 't', type: 'TIMESTAMP' }, { name: 'v', type: 'DOUBLE' }]), { x: 1, y: 2, z: 0 });
  assert.deepEqual(defaultChartColumns([{ name: 'n', type: 'BIGINT' }]), { x: 0, y: 0, z: -1 });
});
