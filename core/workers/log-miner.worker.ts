/**
 * Log-miner worker: masks personal data in log bodies, mines their templates, counts lines per
 * template, entity and minute, and reports template events. One per engine; it owns the miner's
 * state, restored from storage at start so template ids survive restarts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TemplateActivity } from '../analytics/logs/template-activity.ts';
import { TemplateMiner } from '../analytics/logs/template-miner.ts';
import { maskPii } from '../ingest/pii.ts';
import { LogMinerInit, LogMinerRequest, type LogMinerReply } from './log-miner-protocol.ts';
import { workerInput } from './worker-url.ts';

/** A fresh database sees every template as new; `new` events start this long after the first line. */
const NEW_EVENTS_WARMUP_MS = 15 * 60_000;
/** Clock ticks close minutes only when the data is live (event time near the clock). */
const LIVE_WINDOW_MS = 5 * 60_000;

const init = LogMinerInit.parse(workerInput(workerData) ?? {});
const miner = new TemplateMiner();
let activity: TemplateActivity | null = null;
let restoredAny = false;
let mergesSent = 0;
let maxTs = -Infinity;

function activityFor(firstTs: number): TemplateActivity {
  activity ??= new TemplateActivity({ newEventsFrom: restoredAny ? -Infinity : firstTs + NEW_EVENTS_WARMUP_MS });
  return activity;
}

/** With `counts` false, only new or changed template text (stored before the lines); counts go with ticks. */
function changes(counts: boolean) {
  const { templates, merges } = miner.takeChanges(mergesSent, counts);
  mergesSent += merges.length;
  for (const m of merges) activity?.merge(m.from, m.into);
  return { templates, merges };
}

function handle(req: LogMinerRequest): LogMinerReply {
  switch (req.type) {
    case 'restore':
      miner.restore(req.templates, req.merges);
      mergesSent = miner.merges().length;
      restoredAny = req.templates.length > 0;
      return { type: 'restored', seq: req.seq, templates: miner.templates().length };
    case 'mine': {
      const n = req.bodies.length;
      if (req.ts.length !== n || req.entities.length !== n) throw Object.assign(new Error('mine: bodies, ts and entities differ in length'), { code: 'invalid_request' });
      const act = activityFor(n ? req.ts[0]! : 0);
      const bodies = new Array<string>(n);
      const templateIds = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const body = maskPii(req.bodies[i]!, { maskIps: init.maskIps });
        const r = miner.mine(body, req.ts[i]!);
        bodies[i] = body;
        templateIds[i] = r.templateId;
        if (req.ts[i]! > maxTs) maxTs = req.ts[i]!;
        act.observe(r.templateId, req.entities[i]!, req.ts[i]!, r.created);
      }
      const ch = changes(false);
      // Lines mined before a generalisation in this batch report the template that covers them now.
      for (let i = 0; i < n; i++) templateIds[i] = miner.resolve(templateIds[i]!);
      const { counts, events } = act.advance();
      return { type: 'mined', seq: req.seq, bodies, templateIds, ...ch, counts, events };
    }
    case 'tick': {
      const live = req.now - maxTs < LIVE_WINDOW_MS;
      const { counts, events } = activity && live ? activity.advance(req.now) : { counts: [], events: [] };
      return { type: 'ticked', seq: req.seq, ...changes(true), counts, events };
    }
  }
}

parentPort!.on('message', (msg: unknown) => {
  const parsed = LogMinerRequest.safeParse(msg);
  const seq = typeof (msg as { seq?: unknown })?.seq === 'number' ? (msg as { seq: number }).seq : -1;
  if (!parsed.success) {
    parentPort!.postMessage({ type: 'error', seq, error: { code: 'invalid_request', message: parsed.error.issues[0]?.message ?? 'invalid request' } } satisfies LogMinerReply);
    return;
  }
  try {
    parentPort!.postMessage(handle(parsed.data));
  } catch (err) {
    const e = err as { code?: string; message?: string };
    parentPort!.postMessage({ type: 'error', seq, error: { code: e.code ?? 'internal', message: e.message ?? String(err) } } satisfies LogMinerReply);
  }
});
