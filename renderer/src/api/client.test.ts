import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, ApiRequestError } from './client.ts';

function fakeFetch(status: number, body: unknown, calls: { url: string; init?: RequestInit }[]): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

test('sends the bearer token and query parameters, skipping undefined ones', async () => {
  const calls: { url: string; init?: RequestInit }[] = [];
  const c = new ApiClient('http://e:1', 'tok', fakeFetch(200, [], calls));
  await c.listAnomalies({ from: 5, entity: 'service:a b' });
  assert.equal(calls[0].url, 'http://e:1/api/anomalies?from=5&entity=service%3Aa+b');
  assert.equal((calls[0].init?.headers as Record<string, string>).Authorization, 'Bearer tok');
});

test('posts JSON bodies', async () => {
  const calls: { url: string; init?: RequestInit }[] = [];
  const c = new ApiClient('', 't', fakeFetch(200, { id: 'f1' }, calls));
  const f = await c.injectDemoFault({ kind: 'disk-fill' });
  assert.equal(f.id, 'f1');
  assert.equal(calls[0].init?.method, 'POST');
  assert.equal(calls[0].init?.body, '{"kind":"disk-fill"}');
});

test('errors carry status and code; 401 calls onUnauthorised', async () => {
  let unauthorised = 0;
  const c404 = new ApiClient('', 't', fakeFetch(404, { code: 'not_found', message: 'no incident x' }, []));
  await assert.rejects(c404.getIncident('x'), (e: unknown) => e instanceof ApiRequestError && e.status === 404 && e.code === 'not_found');
  const c401 = new ApiClient('', 't', fakeFetch(401, { code: 'unauthorised', message: 'bad token' }, []), () => unauthorised++);
  await assert.rejects(c401.getStats(), /bad token/);
  assert.equal(unauthorised, 1);
});
