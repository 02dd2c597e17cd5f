/**
 * The engine's log-template step. Before log records are stored, their bodies are masked for
 * personal data and mined in the log-miner worker, so each row is stored masked and with its
 * template id. What the mining produced is committed just before the rows are written: templates and merges
 * to their tables, per-template counts per entity per minute as the ordinary metric series
 * `log.template.count` (attribute `template_id`, so whichever anomaly detector is current watches
 * them), and template events (new, surge, disappeared) as anomalies `log.template.<kind>` on the
 * timeline and the stream.
 */
import type { TemplateCount, TemplateEvent } from '../analytics/logs/template-activity.ts';
import type { MinedTemplate, TemplateMerge } from '../analytics/logs/template-miner.ts';
import { entityKind, entityName, type LogRecord, type MetricBatch, type SeriesKey } from '../common/records.ts';
import type { Anomaly } from '../common/schemas.ts';
import { LogTemplateStore, templateEventId } from '../storage/log-template-store.ts';
import type { Storage } from '../storage/storage.ts';
import { LogMinerHost } from '../workers/log-miner-host.ts';

/** The metric the per-minute template counts are written as. */
export const TEMPLATE_COUNT_METRIC = 'log.template.count';

/** What one mining step produced, to commit once the logs are stored. */
export interface TemplateActivityBatch {
  templates: MinedTemplate[];
  merges: TemplateMerge[];
  counts: TemplateCount[];
  events: TemplateEvent[];
}

/** Where committed results go besides storage. */
export interface TemplatingSinks {
  /** Metric batches for the analytics (already stored). */
  submitMetrics(batch: MetricBatch): void;
  /** Template events as anomalies (already stored). */
  anomalies(anomalies: Anomaly[]): void;
}

/** Per-minute counts → a metric batch of `log.template.count` series. */
export function countsToMetrics(counts: readonly TemplateCount[]): MetricBatch {
  const seriesKeys: SeriesKey[] = [];
  const index = new Map<string, number>();
  const series = new Int32Array(counts.length);
  const ts = new Float64Array(counts.length);
  const values = new Float64Array(counts.length);
  counts.forEach((c, i) => {
    const key = `${c.entity}|${TEMPLATE_COUNT_METRIC}|template_id=${c.templateId}`;
    let s = index.get(key);
    if (s === undefined) {
      s = seriesKeys.length;
      index.set(key, s);
      const kind = entityKind(c.entity);
      seriesKeys.push({
        key,
        entity: c.entity,
        service: kind === 'service' ? entityName(c.entity) : null,
        host: kind === 'host' ? entityName(c.entity) : null,
        name: TEMPLATE_COUNT_METRIC,
        unit: '{line}',
        attributes: { template_id: c.templateId },
      });
    }
    series[i] = s;
    ts[i] = c.minute;
    values[i] = c.count;
  });
  return { seriesKeys, series, ts, values };
}

/** Template events → anomalies, one per event, with stable ids. */
export function eventsToAnomalies(events: readonly TemplateEvent[]): Anomaly[] {
  return events.map((e) => ({ id: templateEventId(e), time: e.time, entity: e.entity, metric: `log.template.${e.kind}`, value: e.value, expected: e.expected, score: e.score }));
}

/** The log-template step of one engine. */
export class LogTemplating {
  readonly store: LogTemplateStore;

  private constructor(
    private readonly storage: Storage,
    private readonly miner: LogMinerHost,
    private readonly sinks: TemplatingSinks,
  ) {
    this.store = new LogTemplateStore(storage);
  }

  /** Starts the worker and restores the stored templates into it. */
  static async start(storage: Storage, sinks: TemplatingSinks, options: { maskIps?: boolean } = {}): Promise<LogTemplating> {
    const miner = LogMinerHost.start({ maskIps: options.maskIps ?? false });
    const t = new LogTemplating(storage, miner, sinks);
    try {
      const { templates, merges } = await t.store.load();
      await miner.restore(templates, merges);
    } catch (err) {
      await miner.close();
      throw err;
    }
    return t;
  }

  /** Masks and mines `logs` in place (body masked, templateId set); returns what to commit after storing them. */
  async prepare(logs: LogRecord[]): Promise<TemplateActivityBatch> {
    const r = await this.miner.mine(
      logs.map((l) => l.body),
      logs.map((l) => l.ts),
      logs.map((l) => l.entity),
    );
    logs.forEach((l, i) => {
      l.body = r.bodies[i]!;
      l.templateId = r.templateIds[i]!;
    });
    return { templates: r.templates, merges: r.merges, counts: r.counts, events: r.events };
  }

  /** Stores templates, merges, counts and events, then hands counts and events on. */
  async commit(a: TemplateActivityBatch): Promise<void> {
    await this.store.record(a);
    if (a.counts.length) {
      const metrics = countsToMetrics(a.counts);
      await this.storage.appendMetrics(metrics);
      this.sinks.submitMetrics(metrics);
    }
    if (a.events.length) {
      const anomalies = eventsToAnomalies(a.events);
      await this.storage.appendAnomalies(anomalies);
      this.sinks.anomalies(anomalies);
    }
  }

  /** Closes minutes by the clock while live input pauses, and commits the result. */
  async tick(now: number): Promise<void> {
    const r = await this.miner.tick(now);
    await this.commit({ templates: r.templates, merges: r.merges, counts: r.counts, events: r.events });
  }

  /** Stores the counts that accumulated since the last tick, then stops the worker. */
  async close(): Promise<void> {
    await this.tick(Date.now()).catch(() => undefined);
    await this.miner.close();
  }
}
