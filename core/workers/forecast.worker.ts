/**
 * Forecast worker: owns the engine's CapacityForecastBank, so forecasting every capacity series (and
 * the early-warning lifecycle) runs off the engine's main thread. One per engine; batches arrive in
 * the order the engine accepted them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CapacityForecastBank } from '../analytics/forecast/capacity-bank.ts';
import { forecastConfigFor } from '../analytics/forecast/engine-config.ts';
import type { SeriesKey } from '../common/records.ts';
import { checkForecastRequest, ForecastInit, type ForecastReply, type ForecastRequest, InvalidForecastRequest } from './forecast-protocol.ts';
import { workerInput } from './worker-url.ts';

const init = ForecastInit.parse(workerInput(workerData) ?? {});
let n = 0;
const bank = new CapacityForecastBank(forecastConfigFor({ demo: init.demo, limits: init.limits }), () => `${init.idPrefix}-${(++n).toString(36)}`);

/** Series keys by the id the host gave them (sent once, with the first batch that uses them). */
const keys: SeriesKey[] = [];

function handle(req: ForecastRequest): ForecastReply {
  switch (req.type) {
    case 'observe': {
      // The bank reads no series attributes; the key string already carries them.
      for (const { id, ...k } of req.newKeys) keys[id] = { ...k, attributes: {} };
      const seriesKeys: SeriesKey[] = Array.from(req.keyIds, (id) => keys[id]);
      const warnings = bank.observe({ seriesKeys, series: req.series, ts: req.ts, values: req.values }, req.receivedAt);
      return { type: 'observed', seq: req.seq, warnings };
    }
    case 'forecasts':
      return { type: 'forecasts', seq: req.seq, response: bank.forecasts() };
  }
}

parentPort!.on('message', (msg: unknown) => {
  const seq = typeof (msg as { seq?: unknown })?.seq === 'number' ? (msg as { seq: number }).seq : -1;
  let req: ForecastRequest;
  try {
    req = checkForecastRequest(msg, (id) => keys[id] !== undefined);
  } catch (err) {
    if (!(err instanceof InvalidForecastRequest)) throw err;
    parentPort!.postMessage({ type: 'error', seq, error: { code: 'invalid_request', message: err.message } } satisfies ForecastReply);
    return;
  }
  try {
    parentPort!.postMessage(handle(req));
  } catch (err) {
    const e = err as { code?: string; message?: string };
    parentPort!.postMessage({ type: 'error', seq, error: { code: e.code ?? 'internal', message: e.message ?? String(err) } } satisfies ForecastReply);
  }
});
