import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestError } from './errors.ts';
import { SpanServiceIndex, parseOtlpTracesJson } from './otlp-traces.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const T = 1767322800000n * 1_000_000n;
const ns = (ms: number) => String(T + BigInt(ms) * 1_000_000n);

function span(spanId: string, parentSpanId: string, name: string, kind: number | string, start: number, end: number, extra: Record<string, unknown> = {}) {
  return { traceId: TRACE, spanId, parentSpanId, name, kind, startTimeUnixNano: ns(start), endTimeUnixNano: ns(end), ...extra };
}

function resourceSpans(service: string, spans: unknown[]) {
  return { resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'otel' }, spans }] };
}

/** frontend → checkout → payments, with the child listed before its parent, plus a database and a queue. */
function fixture() {
  return {
    resourceSpans: [
      resourceSpans('checkout', [
        span('b000000000000002', 'a000000000000001', 'POST /checkout', 2, 5, 90),
        span('b000000000000003', 'b000000000000002', 'SELECT orders', 'SPAN_KIND_CLIENT', 10, 30, {
          attributes: [{ key: 'db.system', value: { stringValue: 'postgresql' } }, { key: 'db.name', value: { stringValue: 'orders-db' } }],
        }),
        span('b000000000000004', 'b000000000000002', 'publish', 4, 31, 32, {
          attributes: [{ key: 'messaging.system', value: { stringValue: 'kafka' } }, { key: 'messaging.destination.name', value: { stringValue: 'orders' } }],
        }),
        span('b000000000000005', 'b000000000000002', 'call payments', 3, 40, 80),
      ]),
      resourceSpans('frontend', [span('a000000000000001', '', 'GET /', 'SPAN_KIND_SERVER', 0, 100, { status: { code: 'STATUS_CODE_ERROR', message: 'boom' } })]),
    ],
  };
}

function edgesOf(r: ReturnType<typeof parseOtlpTracesJson>): string[] {
  return r.topology.edges.map((e) => `${e.source}>${e.target}:${e.kind}:${e.origin}`).sort();
}

describe('parseOtlpTracesJson', () => {
  test('spans are normalised', () => {
    const { spans } = parseOtlpTracesJson(fixture(), 0);
    assert.equal(spans.length, 5);
    const root = spans.find((s) => s.spanId === 'a000000000000001');
    assert.deepEqual(root, {
      traceId: TRACE,
      spanId: 'a000000000000001',
      parentSpanId: null,
      service: 'frontend',
      name: 'GET /',
      kind: 2,
      start: 1767322800000,
      end: 1767322800100,
      statusCode: 2,
      attributes: {},
    });
    assert.equal(spans.find((s) => s.spanId === 'b000000000000003')?.kind, 3);
  });

  test('derives calls edges between services, and to databases and queues, within one request', () => {
    const r = parseOtlpTracesJson(fixture(), 0);
    assert.deepEqual(edgesOf(r), [
      'service:checkout>database:orders-db:calls:traces',
      'service:checkout>queue:orders:calls:traces',
      'service:frontend>service:checkout:calls:traces',
    ]);
    assert.deepEqual(r.topology.nodes.map((n) => n.id).sort(), ['database:orders-db', 'queue:orders', 'service:checkout', 'service:frontend']);
  });

  test('resolves parents sent in an earlier request through the span index', () => {
    const index = new SpanServiceIndex(10);
    parseOtlpTracesJson(fixture(), 0, index);
    assert.equal(index.get('b000000000000005'), 'checkout');
    // payments' server span arrives later; its parent is checkout's client span from the first request.
    const later = { resourceSpans: [resourceSpans('payments', [span('c000000000000006', 'b000000000000005', 'POST /pay', 2, 45, 75)])] };
    assert.deepEqual(edgesOf(parseOtlpTracesJson(later, 0, index)), ['service:checkout>service:payments:calls:traces']);
    // Without the index the parent is unknown and no edge is invented.
    assert.deepEqual(edgesOf(parseOtlpTracesJson(later, 0)), []);
  });

  test('a parent in the same service yields no edge', () => {
    const body = { resourceSpans: [resourceSpans('api', [span('a000000000000001', '', 'root', 2, 0, 10), span('a000000000000002', 'a000000000000001', 'inner', 1, 1, 2)])] };
    assert.deepEqual(edgesOf(parseOtlpTracesJson(body, 0)), []);
  });

  test('the span index is bounded', () => {
    const index = new SpanServiceIndex(2);
    index.set('a', 'x');
    index.set('b', 'y');
    index.set('c', 'z');
    assert.equal(index.size, 2);
    assert.equal(index.get('a'), undefined);
    assert.equal(index.get('c'), 'z');
  });

  test('malformed spans name the field', () => {
    const s = 'resourceSpans[0].scopeSpans[0].spans';
    const cases: [(sp: Record<string, unknown>) => void, string][] = [
      [(sp) => (sp.traceId = 'abc'), `${s}[0].traceId`],
      [(sp) => delete sp.spanId, `${s}[0].spanId`],
      [(sp) => (sp.parentSpanId = 'zz00000000000000'), `${s}[0].parentSpanId`],
      [(sp) => (sp.name = 5), `${s}[0].name`],
      [(sp) => (sp.startTimeUnixNano = 'soon'), `${s}[0].startTimeUnixNano`],
      [(sp) => (sp.endTimeUnixNano = ns(1)), `${s}[0].endTimeUnixNano`],
      [(sp) => (sp.kind = 9), `${s}[0].kind`],
      [(sp) => (sp.status = { code: 'BAD' }), `${s}[0].status.code`],
      [(sp) => (sp.attributes = [{ key: 'k', value: { doubleValue: 'x' } }]), `${s}[0].attributes[0].value.doubleValue`],
    ];
    for (const [mutate, field] of cases) {
      const f = fixture();
      mutate(f.resourceSpans[0].scopeSpans[0].spans[0] as Record<string, unknown>);
      assert.throws(
        () => parseOtlpTracesJson(f, 0),
        (err: unknown) => err instanceof IngestError && err.field === field,
        field,
      );
    }
    assert.throws(() => parseOtlpTracesJson(42, 0), (err: unknown) => err instanceof IngestError && err.field === 'body');
  });
});

test('a child exported before its parent still yields the calls edge once the parent arrives', () => {
  const index = new SpanServiceIndex(100);
  const span = (service: string, spanId: string, parentSpanId?: string) => ({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId, parentSpanId, name: 'op', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' }] }],
      },
    ],
  });
  const first = parseOtlpTracesJson(span('payments', 'b7ad6b7169203331', '00f067aa0ba902b7'), 0, index);
  assert.ok(!first.topology.edges.some((e) => e.kind === 'calls'));
  const second = parseOtlpTracesJson(span('frontend', '00f067aa0ba902b7'), 0, index);
  assert.ok(second.topology.edges.some((e) => e.source === 'service:frontend' && e.target === 'service:payments' && e.kind === 'calls'));
});
