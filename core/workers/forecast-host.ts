/**
 * The engine's side of the forecast worker: one worker, requests answered in order. A reply that does
 * not validate, or a worker that dies, fails the pending requests with a clear error rather than
 * hanging them.
 */
import type { Worker } from 'node:worker_threads';
import type { ForecastsResponse } from '../common/forecast-schemas.ts';
import type { AlertRecord, MetricBatch } from '../common/records.ts';
import { ForecastReply, type ForecastInit, type ForecastSeriesKey } from './forecast-protocol.ts';
import { startWorker } from './worker-url.ts';

/** Host handle of the forecast worker. */
export class ForecastHost {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: ForecastReply) => void; reject: (e: Error) => void }>();
  private closed = false;
  /** Ids of the series keys the worker has been sent, by key string. */
  private readonly keyIds = new Map<string, number>();
  private nextKeyId = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: unknown) => {
      const parsed = ForecastReply.safeParse(msg);
      const seq = (msg as { seq?: number })?.seq ?? -1;
      const p = this.pending.get(seq);
      if (!p) return;
      this.pending.delete(seq);
      if (!parsed.success) p.reject(new Error(`forecast: invalid reply: ${parsed.error.issues[0]?.message}`));
      else if (parsed.data.type === 'error') p.reject(Object.assign(new Error(`forecast: ${parsed.data.error.message}`), { code: parsed.data.error.code }));
      else p.resolve(parsed.data);
    });
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => failAll(new Error(`forecast worker failed: ${err.message}`)));
    worker.on('exit', (code) => failAll(new Error(`forecast worker exited (${code})`)));
  }

  /** Starts the worker; resolves once it runs. */
  static async start(init: ForecastInit = {}): Promise<ForecastHost> {
    const worker = startWorker('forecast', { workerData: init });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('online', () => {
        worker.off('error', reject);
        resolve();
      });
    });
    return new ForecastHost(worker);
  }

  /** Sends a raw request (the typed methods below build them); exposed for protocol tests. */
  request(msg: Record<string, unknown>): Promise<ForecastReply> {
    if (this.closed) return Promise.reject(new Error('forecast worker is closed'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...msg, seq });
    });
  }

  /**
   * Feeds one metric batch (copied, never detached); resolves with the early-warning events it caused,
   * in the order the bank produced them.
   */
  async observe(batch: MetricBatch, receivedAt: number): Promise<AlertRecord[]> {
    // A series key crosses to the worker once; later batches name it by id (cloning 100,000 key
    // objects per batch cost more than forecasting their points).
    const newKeys: ForecastSeriesKey[] = [];
    const keyIds = new Int32Array(batch.seriesKeys.length);
    for (let i = 0; i < keyIds.length; i++) {
      const k = batch.seriesKeys[i];
      let id = this.keyIds.get(k.key);
      if (id === undefined) {
        id = this.nextKeyId++;
        this.keyIds.set(k.key, id);
        newKeys.push({ id, key: k.key, entity: k.entity, service: k.service, host: k.host, name: k.name, unit: k.unit });
      }
      keyIds[i] = id;
    }
    try {
      const r = await this.request({ type: 'observe', receivedAt, newKeys, keyIds, series: batch.series, ts: batch.ts, values: batch.values });
      return r.type === 'observed' ? r.warnings : [];
    } catch (err) {
      // The worker may not have taken this batch's new keys: send them again with the next batch.
      for (const k of newKeys) this.keyIds.delete(k.key);
      throw err;
    }
  }

  /** The current forecasts (capacity series with a known limit) and the failure probability per entity. */
  async forecasts(): Promise<ForecastsResponse> {
    const r = await this.request({ type: 'forecasts' });
    if (r.type !== 'forecasts') throw new Error(`forecast: unexpected reply ${r.type}`);
    return r.response;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
