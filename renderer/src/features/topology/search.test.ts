import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchNodes } from './search.ts';

const nodes = ['service:checkout', 'service:checkout-worker', 'database:orders-db', 'host:eu-check-1'].map((id) => ({
  id,
  kind: id.split(':')[0],
  name: id.split(':')[1],
}));

test('exact, then prefix, then substring; case-insensitive', () => {
  assert.deepEqual(searchNodes(nodes, 'Checkout').map((n) => n.id), ['service:checkout', 'service:checkout-worker']);
  assert.deepEqual(searchNodes(nodes, 'check').map((n) => n.id), ['service:checkout', 'service:checkout-worker', 'host:eu-check-1']);
  assert.deepEqual(searchNodes(nodes, 'database:orders-db').map((n) => n.id), ['database:orders-db']);
  assert.deepEqual(searchNodes(nodes, '   '), []);
  assert.equal(searchNodes(nodes, 'e', 2).length, 2);
});
