/**
 * Storage of log templates (migration 400): the templates, their merge history, template events,
 * and the queries of the log explorer over `logs.template_id`. Merged ids are resolved through the
 * history, so lines stored under a template that was later merged count for the one that covers it.
 */
import { BIGINT, DOUBLE, INTEGER, TIMESTAMP, VARCHAR, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { TemplateEvent } from '../analytics/logs/template-activity.ts';
import type { MinedTemplate, TemplateMerge } from '../analytics/logs/template-miner.ts';
import type { LogTemplateEvent, LogTemplateLine, LogTemplateSummary } from '../common/log-schemas.ts';
import { optTimestampValue as optTs, timestampValue as ts } from './duck-time.ts';
import type { Storage } from './storage.ts';

/** Rows per multi-row upsert statement. */
const UPSERT_ROWS = 200;

/** A SQL list of string literals (ids are ours, but quoted properly all the same). */
function sqlList(ids: Iterable<string>): string {
  return [...ids].map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
}

/** The id of a template event: stable, so a replay of the same data stores it once. */
export function templateEventId(e: TemplateEvent): string {
  return `log:${e.kind}:${e.templateId}:${e.entity}:${e.time}`;
}

/** The log-template tables of one Storage. */
export class LogTemplateStore {
  constructor(private readonly storage: Storage) {}

  /** Stores what one mining step changed: templates upserted, merges and events appended; one transaction. */
  record(changes: { templates: MinedTemplate[]; merges: TemplateMerge[]; events: TemplateEvent[] }): Promise<void> {
    if (!changes.templates.length && !changes.merges.length && !changes.events.length) return Promise.resolve();
    return this.storage.withWriter(async (c) => {
      // Many rows per statement: a batch touches hundreds of templates, one statement each would dominate ingest.
      for (let i = 0; i < changes.templates.length; i += UPSERT_ROWS) {
        const chunk = changes.templates.slice(i, i + UPSERT_ROWS);
        const values: DuckDBValue[] = [];
        const types: DuckDBType[] = [];
        for (const t of chunk) {
          values.push(t.id, t.template, t.count, optTs(t.firstSeen), optTs(t.lastSeen));
          types.push(VARCHAR, VARCHAR, BIGINT, TIMESTAMP, TIMESTAMP);
        }
        const rows = chunk.map((_, k) => `($${k * 5 + 1}, $${k * 5 + 2}, $${k * 5 + 3}, $${k * 5 + 4}, $${k * 5 + 5})`).join(', ');
        await c.run(`INSERT OR REPLACE INTO log_templates VALUES ${rows}`, values, types);
      }
      if (changes.merges.length) {
        const stmt = await c.prepare('INSERT INTO log_template_merges VALUES ($1, $2, $3, $4)');
        try {
          for (const m of changes.merges) {
            stmt.bind([m.from, m.into, optTs(m.at), m.template], [VARCHAR, VARCHAR, TIMESTAMP, VARCHAR]);
            await stmt.run();
          }
          // A merged template is no longer live: its row goes, its lines resolve through the history.
          for (const m of changes.merges) await c.run('DELETE FROM log_templates WHERE template_id = $1', [m.from], [VARCHAR]);
        } finally {
          stmt.destroySync();
        }
      }
      if (changes.events.length) {
        const stmt = await c.prepare('INSERT OR REPLACE INTO log_template_events VALUES ($1, $2, $3, $4, $5, $6, $7, $8)');
        try {
          for (const e of changes.events) {
            stmt.bind([templateEventId(e), ts(e.time), e.kind, e.templateId, e.entity, e.value, e.expected, e.score], [
              VARCHAR,
              TIMESTAMP,
              VARCHAR,
              VARCHAR,
              VARCHAR,
              DOUBLE,
              DOUBLE,
              DOUBLE,
            ]);
            await stmt.run();
          }
        } finally {
          stmt.destroySync();
        }
      }
    });
  }

  /** The live templates and the whole merge history, for restoring the miner. */
  async load(): Promise<{ templates: MinedTemplate[]; merges: TemplateMerge[] }> {
    const t = await this.storage.select('SELECT * FROM log_templates ORDER BY first_seen NULLS FIRST, template_id');
    const m = await this.storage.select('SELECT * FROM log_template_merges ORDER BY ts NULLS FIRST');
    return {
      templates: t.map((r) => ({
        id: r.template_id as string,
        template: r.template as string,
        count: Number(r.count),
        firstSeen: (r.first_seen as number | null) ?? 0,
        lastSeen: (r.last_seen as number | null) ?? 0,
      })),
      merges: m.map((r) => ({ from: r.from_id as string, into: r.into_id as string, at: (r.ts as number | null) ?? 0, template: r.template as string })),
    };
  }

  /** id → the live id covering it, for every merged id. */
  private async resolver(): Promise<(id: string) => string> {
    const rows = await this.storage.select('SELECT from_id, into_id FROM log_template_merges');
    const into = new Map(rows.map((r) => [r.from_id as string, r.into_id as string]));
    return (id) => {
      let cur = id;
      for (let i = 0; i < 1000 && into.has(cur); i++) cur = into.get(cur)!;
      return cur;
    };
  }

  /** Templates by line count in [from, to), optionally of one entity, with a sparkline of `buckets` buckets. */
  async listTemplates(q: { from: number; to: number; entity?: string; limit?: number; buckets?: number }): Promise<LogTemplateSummary[]> {
    const buckets = q.buckets ?? 30;
    const width = Math.max(1, Math.ceil((q.to - q.from) / buckets));
    const params: DuckDBValue[] = [ts(q.from), ts(q.to), q.entity ?? null, BigInt(Math.round(q.from)), BigInt(width)];
    const rows = await this.storage.select(
      `SELECT template_id, entity,
              CAST(floor((epoch_ms(ts) - $4) / $5) AS INTEGER) AS b,
              count(*) AS n
       FROM logs
       WHERE ts >= $1 AND ts < $2 AND template_id IS NOT NULL AND ($3 IS NULL OR entity = $3)
       GROUP BY ALL`,
      params,
      [TIMESTAMP, TIMESTAMP, VARCHAR, BIGINT, BIGINT],
    );
    const resolve = await this.resolver();
    const acc = new Map<string, { count: number; spark: number[]; entities: Map<string, number> }>();
    for (const r of rows) {
      const id = resolve(r.template_id as string);
      const n = Number(r.n);
      const a = acc.get(id) ?? acc.set(id, { count: 0, spark: new Array<number>(buckets).fill(0), entities: new Map() }).get(id)!;
      a.count += n;
      const b = Math.min(buckets - 1, Math.max(0, r.b as number));
      a.spark[b]! += n;
      a.entities.set(r.entity as string, (a.entities.get(r.entity as string) ?? 0) + n);
    }
    const ids = [...acc.keys()];
    const meta = new Map<string, Record<string, unknown>>();
    if (ids.length) {
      for (const r of await this.storage.select(`SELECT * FROM log_templates WHERE template_id IN (${sqlList(ids)})`)) meta.set(r.template_id as string, r);
    }
    return [...acc.entries()]
      .map(([id, a]) => {
        const m = meta.get(id);
        return {
          id,
          template: (m?.template as string | undefined) ?? id,
          count: a.count,
          total: m ? Number(m.count) : a.count,
          firstSeen: (m?.first_seen as number | null | undefined) ?? null,
          lastSeen: (m?.last_seen as number | null | undefined) ?? null,
          spark: a.spark,
          entities: [...a.entities.entries()].sort((x, y) => y[1] - x[1]).slice(0, 5).map(([e]) => e),
        };
      })
      .sort((x, y) => y.count - x.count || x.id.localeCompare(y.id))
      .slice(0, q.limit ?? 200);
  }

  /** The lines of a template (and of the templates merged into it), newest first. */
  async listLines(templateId: string, q: { from?: number; to?: number; entity?: string; limit?: number }): Promise<LogTemplateLine[]> {
    const rows = await this.storage.select('SELECT from_id, into_id FROM log_template_merges');
    const ids = new Set([templateId]);
    // Everything that resolves to templateId: walk the history backwards until nothing new joins.
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of rows) {
        if (ids.has(r.into_id as string) && !ids.has(r.from_id as string)) {
          ids.add(r.from_id as string);
          grew = true;
        }
      }
    }
    const out = await this.storage.select(
      `SELECT ts, entity, severity, body, template_id FROM logs
       WHERE template_id IN (${sqlList(ids)}) AND ($1 IS NULL OR ts >= $1) AND ($2 IS NULL OR ts < $2) AND ($3 IS NULL OR entity = $3)
       ORDER BY ts DESC LIMIT $4`,
      [optTs(q.from), optTs(q.to), q.entity ?? null, q.limit ?? 200],
      [TIMESTAMP, TIMESTAMP, VARCHAR, INTEGER],
    );
    return out.map((r) => ({ time: r.ts as number, entity: r.entity as string, severity: (r.severity as string | null) ?? null, body: r.body as string, templateId: templateId }));
  }

  /** Template events in [from, to), newest first. */
  async listEvents(q: { from?: number; to?: number; limit?: number }): Promise<LogTemplateEvent[]> {
    const rows = await this.storage.select(
      `SELECT e.*, t.template FROM log_template_events e LEFT JOIN log_templates t USING (template_id)
       WHERE ($1 IS NULL OR e.ts >= $1) AND ($2 IS NULL OR e.ts < $2) ORDER BY e.ts DESC, e.id LIMIT $3`,
      [optTs(q.from), optTs(q.to), q.limit ?? 500],
      [TIMESTAMP, TIMESTAMP, INTEGER],
    );
    return rows.map((r) => ({
      id: r.id as string,
      kind: r.kind as TemplateEvent['kind'],
      templateId: r.template_id as string,
      entity: r.entity as string,
      time: r.ts as number,
      value: r.value as number,
      expected: r.expected as number,
      score: r.score as number,
      template: (r.template as string | null) ?? null,
    }));
  }
}
