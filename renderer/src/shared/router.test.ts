import { test } from 'node:test';
import assert from 'node:assert/strict';
import { incidentPath, isKiosk, parseRoute } from './router.ts';

test('parseRoute maps the four views', () => {
  assert.deepEqual(parseRoute('/'), { view: 'wall' });
  assert.deepEqual(parseRoute('/incidents/inc-1'), { view: 'incident', id: 'inc-1' });
  assert.deepEqual(parseRoute('/incidents/a%3Ab/'), { view: 'incident', id: 'a:b' });
  assert.deepEqual(parseRoute('/topology', '?focus=service%3Acheckout'), { view: 'topology', focus: 'service:checkout' });
  assert.deepEqual(parseRoute('/timeline'), { view: 'timeline' });
  assert.deepEqual(parseRoute('/nope'), { view: 'not-found', path: '/nope' });
});

test('incidentPath round-trips through parseRoute', () => {
  assert.deepEqual(parseRoute(incidentPath('x/y:z')), { view: 'incident', id: 'x/y:z' });
});

test('isKiosk', () => {
  assert.equal(isKiosk('?kiosk'), true);
  assert.equal(isKiosk('?a=1&kiosk=1'), true);
  assert.equal(isKiosk('?kiosk=0'), false);
  assert.equal(isKiosk(''), false);
});
