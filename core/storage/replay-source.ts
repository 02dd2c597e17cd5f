/**
 * What a replay reads: stored telemetry by event-time window, in the form the analytics take
 * (columnar metric batches, alert and change records), and the clearing of earlier analysis results.
 * Every table is read hot and cold alike (its connection sees the Parquet cold tier under the tables'
 * own names, see cold-tier.ts).
 */
import { TIMESTAMP, type DuckDBConnection } from '@duckdb/node-api';
import { timestampValue as tsValue } from './duck-time.ts';
import type { AlertRecord, Attrs, ChangeRecord, MetricBatch, SeriesKey, TopologyBatch } from '../common/records.ts';
import type { Severity, TopologyEdge } from '../common/schemas.ts';
import { alertWindowSql, connectWithCold } from './cold-tier.ts';
import { changeFromRow, plainRows, type Storage } from './storage.ts';

/** One window of stored telemetry. */
export interface ReplayWindow {
  metrics: MetricBatch;
  alerts: AlertRecord[];
  changes: ChangeRecord[];
}

function parseAttrs(v: unknown): Attrs {
  if (typeof v !== 'string') return {};
  try {
    const o = JSON.parse(v) as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Attrs) : {};
  } catch {
    return {};
  }
}

/** Reads replay windows over one storage; keeps the series table in memory (re-read on an unknown id). */
export class ReplaySource {
  private series = new Map<number, SeriesKey>();
  private conn: DuckDBConnection | null = null;
  private alertsSql = '';

  constructor(private readonly storage: Storage) {}

  /** Opens its connection and loads the series; resolves to the event-time span of all telemetry. */
  async open(): Promise<{ from: number | null; to: number | null }> {
    this.conn = await connectWithCold(this.storage);
    this.alertsSql = await alertWindowSql(this.conn, this.storage);
    await this.loadSeries();
    const [r] = plainRows(
      (
        await this.conn.runAndReadAll(`SELECT least(
            (SELECT min(ts) FROM metric_points), (SELECT min(ts) FROM alerts), (SELECT min(ts) FROM changes)) AS lo,
          greatest((SELECT max(ts) FROM metric_points), (SELECT max(ts) FROM alerts), (SELECT max(ts) FROM changes)) AS hi`)
      ).getRowObjects(),
    );
    return { from: (r.lo as number | null) ?? null, to: (r.hi as number | null) ?? null };
  }

  private async loadSeries(): Promise<void> {
    const rows = plainRows((await this.conn!.runAndReadAll('SELECT * FROM series')).getRowObjects());
    this.series = new Map(
      rows.map((r) => [
        r.series_id as number,
        {
          key: r.key as string,
          entity: r.entity as string,
          service: (r.service as string | null) ?? null,
          host: (r.host as string | null) ?? null,
          name: r.name as string,
          unit: (r.unit as string | null) ?? '',
          attributes: parseAttrs(r.attributes),
        },
      ]),
    );
  }

  /** The stored topology as one batch (declared and derived alike). */
  async topology(): Promise<TopologyBatch> {
    const t = await this.storage.getTopology();
    return {
      nodes: t.nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, attributes: n.attributes ?? {} })),
      edges: t.edges.map((e: TopologyEdge) => ({ source: e.source, target: e.target, kind: e.kind, origin: e.origin })),
    };
  }

  /**
   * The earliest event time at or after `t` of any point, alert or change, or null when nothing
   * follows. Row groups wholly before `t` are skipped by their min/max statistics, so this stays cheap.
   */
  async nextEventTime(t: number): Promise<number | null> {
    const c = this.conn;
    if (!c) throw new Error('replay source is not open');
    const [r] = plainRows(
      (
        await c.runAndReadAll(
          `SELECT least((SELECT min(ts) FROM metric_points WHERE ts >= $1), (SELECT min(ts) FROM alerts WHERE ts >= $1),
            (SELECT min(ts) FROM changes WHERE ts >= $1)) AS next`,
          [tsValue(t)],
          [TIMESTAMP],
        )
      ).getRowObjects(),
    );
    return (r.next as number | null) ?? null;
  }

  /** Telemetry with from <= ts < to: points by time then series, alerts and changes as stored. */
  async window(from: number, to: number): Promise<ReplayWindow> {
    const c = this.conn;
    if (!c) throw new Error('replay source is not open');
    const params = [tsValue(from), tsValue(to)];
    const types = [TIMESTAMP, TIMESTAMP];
    const pts = await c.runAndReadAll(
      `SELECT epoch_us(ts) AS us, series_id, value FROM metric_points WHERE ts >= $1 AND ts < $2 ORDER BY ts, series_id`,
      params,
      types,
    );
    const cols = pts.getColumns();
    const n = pts.currentRowCount;
    const local = new Map<number, number>();
    const seriesKeys: SeriesKey[] = [];
    const series = new Int32Array(n);
    const ts = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const id = Number(cols[1][i]);
      let li = local.get(id);
      if (li === undefined) {
        if (!this.series.has(id)) await this.loadSeries();
        const key = this.series.get(id);
        if (!key) continue;
        li = seriesKeys.length;
        seriesKeys.push(key);
        local.set(id, li);
      }
      series[i] = li;
      ts[i] = Number(cols[0][i] as bigint) / 1000;
      values[i] = cols[2][i] === null ? NaN : Number(cols[2][i]);
    }
    const alertRows = plainRows((await c.runAndReadAll(this.alertsSql, params, types)).getRowObjects());
    const changeRows = plainRows((await c.runAndReadAll('SELECT * FROM changes WHERE ts >= $1 AND ts < $2 ORDER BY ts, id', params, types)).getRowObjects());
    return {
      metrics: { seriesKeys, series, ts, values },
      alerts: alertRows.map(
        (r): AlertRecord => ({
          id: r.id as string,
          externalId: (r.external_id as string | null) ?? null,
          time: r.ts as number,
          receivedAt: r.received_at as number,
          source: r.source as string,
          service: (r.service as string | null) ?? null,
          host: (r.host as string | null) ?? null,
          entity: r.entity as string,
          severity: r.severity as Severity,
          status: r.status as AlertRecord['status'],
          title: r.title as string,
          description: (r.description as string | null) ?? null,
          fingerprint: r.fingerprint as string,
          attributes: parseAttrs(r.attributes),
        }),
      ),
      changes: changeRows.map((r): ChangeRecord => changeFromRow(r)),
    };
  }

  close(): void {
    this.conn?.closeSync();
    this.conn = null;
  }
}

/** Deletes the analysis results (anomalies, incidents and their members) before a replay recomputes them. */
export function clearAnalysisResults(storage: Storage): Promise<void> {
  return storage.withWriter(async (c) => {
    await c.run('DELETE FROM incident_members');
    await c.run('DELETE FROM incidents');
    await c.run('DELETE FROM anomalies');
  });
}
