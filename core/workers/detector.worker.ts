/**
 * Detector worker: holds the streaming detectors of its shard of series and answers each metric batch
 * with the anomalies found and the latest point time it processed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveConfig } from '../analytics/config.ts';
import { DetectorBank } from '../analytics/detector.ts';
import { parseInit } from './protocol.ts';
import { serveRequests } from './rpc.ts';
import { workerInput } from './worker-url.ts';

const init = parseInit(workerInput(workerData));
if (!init.ok) throw new Error(`detector worker: ${init.error.message}`);
const bank = new DetectorBank(resolveConfig(init.value.config));

serveRequests(parentPort!, (req) => {
  if (req.type !== 'metrics') throw Object.assign(new Error(`detector worker does not serve '${req.type}'`), { code: 'unsupported' });
  const { anomalies, maxTs } = bank.runBatch(req.batch);
  return [{ type: 'anomalies', seq: req.seq, anomalies, maxTs }];
});
