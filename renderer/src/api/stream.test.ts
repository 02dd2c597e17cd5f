import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, connectStream, parseStreamMessage, type SocketLike } from './stream.ts';

test('backoff doubles from 0.5 s and caps at 10 s (±20 %)', () => {
  assert.equal(backoffMs(0, () => 0.5), 500);
  assert.equal(backoffMs(1, () => 0.5), 1000);
  assert.equal(backoffMs(20, () => 0.5), 10_000);
  assert.equal(backoffMs(0, () => 0), 400);
  assert.equal(backoffMs(0, () => 1), 600);
});

test('parseStreamMessage drops what is not an event', () => {
  assert.equal(parseStreamMessage('not json'), null);
  assert.equal(parseStreamMessage('{"no":"type"}'), null);
  assert.equal(parseStreamMessage(new ArrayBuffer(2)), null);
  assert.deepEqual(parseStreamMessage('{"type":"hello","demo":true,"serverTime":1}'), {
    type: 'hello',
    demo: true,
    serverTime: 1,
  });
});

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  close() {
    this.closed = true;
  }
}

test('connectStream reports states, forwards events, reconnects, and stops on a bad token', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const sockets: FakeSocket[] = [];
  const states: string[] = [];
  const events: string[] = [];
  const conn = connectStream(
    'ws://x/api/stream?token=t',
    { onEvent: (e) => events.push(e.type), onState: (s) => states.push(s) },
    () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
  );
  sockets[0].onopen?.({});
  sockets[0].onmessage?.({ data: '{"type":"stats","stats":{}}' });
  sockets[0].onclose?.({ code: 1006 });
  assert.deepEqual(states, ['connecting', 'live', 'reconnecting']);
  assert.equal(sockets.length, 1);
  t.mock.timers.tick(10_000);
  assert.equal(sockets.length, 2);
  sockets[1].onclose?.({ code: 4401 });
  assert.equal(states.at(-1), 'unauthorised');
  t.mock.timers.tick(60_000);
  assert.equal(sockets.length, 2, 'no retry after an auth failure');
  assert.deepEqual(events, ['stats']);
  conn.close();
});
