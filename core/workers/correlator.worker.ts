/**
 * Correlator worker: noise reduction, correlation and RCA over event time. Receives signals in
 * submission order and answers with incident events and counters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveConfig } from '../analytics/config.ts';
import { Correlator } from '../analytics/correlator.ts';
import { parseInit } from './protocol.ts';
import { serveRequests } from './rpc.ts';
import { workerInput } from './worker-url.ts';

const init = parseInit(workerInput(workerData));
if (!init.ok) throw new Error(`correlator worker: ${init.error.message}`);
const correlator = new Correlator(resolveConfig(init.value.config));

serveRequests(parentPort!, (req) => {
  let events;
  if (req.type === 'signals') {
    events = correlator.ingest({
      alerts: req.alerts,
      anomalies: req.anomalies,
      changes: req.changes,
      topology: req.topology ?? undefined,
      watermark: req.watermark,
    });
  } else if (req.type === 'flush') {
    events = correlator.flush();
  } else if (req.type === 'feedback') {
    const out = correlator.applyFeedback(req.decisions);
    return [{ type: 'incidents', seq: req.seq, events: out.events, counters: correlator.counters(), watermark: correlator.watermark, applied: out.applied }];
  } else {
    throw Object.assign(new Error(`correlator worker does not serve '${req.type}'`), { code: 'unsupported' });
  }
  return [{ type: 'incidents', seq: req.seq, events, counters: correlator.counters(), watermark: correlator.watermark }];
});
