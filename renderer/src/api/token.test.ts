import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extractTokenFromHash, resolveConnection, streamUrl } from './token.ts';

describe('extractTokenFromHash', () => {
  test('reads a lone token and leaves an empty hash', () => {
    assert.deepEqual(extractTokenFromHash('#token=abc123'), { token: 'abc123', rest: '' });
  });
  test('keeps other hash parameters', () => {
    assert.deepEqual(extractTokenFromHash('#a=1&token=t%2Bx&b=2'), { token: 't+x', rest: '#a=1&b=2' });
  });
  test('no token, no change', () => {
    assert.deepEqual(extractTokenFromHash('#section'), { token: null, rest: '#section' });
    assert.deepEqual(extractTokenFromHash(''), { token: null, rest: '' });
  });
  test('an empty token is no token', () => {
    assert.equal(extractTokenFromHash('#token=').token, null);
  });
});

describe('resolveConnection', () => {
  const bridge = { apiBase: 'http://127.0.0.1:4780/', token: 'bridge-tok', wall: true };
  test('hash beats bridge and storage, and asks to clean the address bar', () => {
    const r = resolveConnection({ hash: '#token=h', bridge, stored: 's' });
    assert.equal(r.token, 'h');
    assert.equal(r.source, 'hash');
    assert.equal(r.replaceHash, '');
    assert.equal(r.apiBase, 'http://127.0.0.1:4780');
    assert.equal(r.wall, true);
  });
  test('bridge beats storage', () => {
    const r = resolveConnection({ hash: '', bridge, stored: 's' });
    assert.equal(r.token, 'bridge-tok');
    assert.equal(r.source, 'bridge');
    assert.equal(r.replaceHash, null);
  });
  test('storage when nothing else', () => {
    const r = resolveConnection({ hash: '', stored: 's' });
    assert.deepEqual([r.token, r.source, r.apiBase], ['s', 'storage', '']);
  });
  test('none', () => {
    assert.equal(resolveConnection({ hash: '#x=1' }).source, 'none');
  });
});

test('streamUrl maps http to ws and https to wss, escaping the token', () => {
  assert.equal(streamUrl('', 'http://127.0.0.1:9000', 'a b'), 'ws://127.0.0.1:9000/api/stream?token=a+b');
  assert.equal(streamUrl('https://wf.example', 'http://x', 't'), 'wss://wf.example/api/stream?token=t');
});
