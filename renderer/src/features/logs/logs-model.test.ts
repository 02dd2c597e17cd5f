import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rangeSpan, sparkPoints, templateParts } from './logs-model.ts';

test('sparkPoints scales to the largest value and spans the width', () => {
  assert.equal(sparkPoints([0, 5, 10], 100, 20), '0,20 50,10 100,0');
  assert.equal(sparkPoints([0, 0], 10, 4), '0,4 10,4');
  assert.equal(sparkPoints([3], 10, 4), '5,0');
  assert.equal(sparkPoints([], 10, 4), '');
});

test('templateParts marks the variables', () => {
  assert.deepEqual(templateParts('user <*> from <*>'), [
    { text: 'user ', variable: false },
    { text: '<*>', variable: true },
    { text: ' from ', variable: false },
    { text: '<*>', variable: true },
  ]);
  assert.deepEqual(templateParts('no variables'), [{ text: 'no variables', variable: false }]);
});

test('rangeSpan falls back to one hour', () => {
  assert.equal(rangeSpan('15m'), 900_000);
  assert.equal(rangeSpan('bogus'), 3_600_000);
});

test('the /logs route carries entity and template', async () => {
  const { parseRoute } = await import('../../shared/router.ts');
  assert.deepEqual(parseRoute('/logs', '?entity=service%3Acheckout&template=t0123456789abcdef'), { view: 'logs', entity: 'service:checkout', template: 't0123456789abcdef' });
  assert.deepEqual(parseRoute('/logs/'), { view: 'logs', entity: null, template: null });
});
