/**
 * The engine's embedded database: one DuckDB instance per file, written through one connection (every
 * write goes through a promise queue, so writes never interleave) and read through another.
 *
 * Times cross this boundary as epoch milliseconds and are stored as TIMESTAMP (UTC, microseconds), so
 * analysts can query the tables with ordinary SQL. No SQL is ever built from data: values travel as bind
 * parameters or through appenders.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  BIGINT,
  DOUBLE,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  INTEGER,
  LIST,
  StatementType,
  TIMESTAMP,
  VARCHAR,
  listValue,
  type DuckDBAppender,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
// The raw bindings give the one fast path the high-level API lacks: copying a typed array straight into
// a data chunk's vector (PLATFORM.md: ≈ 4.5M rows/s against ≈ 2.8M through DuckDBDataChunk setters).
// It is the package @duckdb/node-api itself is built on, installed with it at the same version.
import bindings from '@duckdb/node-bindings';
import type { AlertRecord, Attrs, ChangeRecord, LogRecord, MetricBatch, SpanRecord, TopologyBatch } from '../common/records.ts';
import { entityKind, entityName } from '../common/records.ts';
import type {
  Anomaly,
  Change,
  DemoFault,
  Incident,
  IncidentDetail,
  IncidentMember,
  RootCause,
  Severity,
  Stats,
  Topology,
  TopologyEdge,
  TopologyNode,
} from '../common/schemas.ts';
import type { IncidentFeedback } from '../common/incident-schemas.ts';
import { optTimestampValue as optTs, timestampValue as ts } from './duck-time.ts';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL } from './migrations.ts';

/** Options of {@link Storage.open}. */
export interface StorageOptions {
  /** Database file, or ':memory:'. The parent folder is created when missing. */
  path: string;
  /** DuckDB memory_limit; always set, because some aggregates ignore the machine's size otherwise. */
  memoryLimit?: string;
  /** DuckDB worker threads; DuckDB's default (all cores) when omitted. */
  threads?: number;
  /**
   * The only directories SQL may read or write files in (Parquet cold tier, evidence bundles, staged
   * imports). Default: the database file's own folder; for ':memory:', no lock-down unless given. Once
   * set, DuckDB refuses every other path (read_csv('/etc/passwd'), COPY TO elsewhere, ATTACH) and the
   * setting cannot be turned back on for the life of the instance, so analyst SQL cannot escape it.
   */
  allowedDirectories?: string[];
}

/** Files open in this process. DuckDB does not refuse a second instance on a file, and two corrupt it. */
const openPaths = new Set<string>();

/** Rows per appended data chunk: DuckDB's vector size. */
const CHUNK_ROWS = bindings.vector_size();
const TWO_POW_32 = 4294967296;

/** The topology's last_seen is refreshed at most this often per node/edge, to keep metric ingest cheap. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Topology rows per multi-row upsert statement. */
const TOPOLOGY_ROWS_PER_STATEMENT = 200;

/** Statements `query()` accepts, by their first keyword. */
const READ_ONLY_KEYWORDS = new Set(['select', 'with', 'describe', 'show', 'summarize', 'pragma', 'from', 'values', 'table']);
/** PRAGMAs that only read. Others (enable_profiling, threads...) change the shared instance. */
const READ_ONLY_PRAGMAS = new Set([
  'table_info',
  'show_tables',
  'show_tables_expanded',
  'show_databases',
  'database_size',
  'storage_info',
  'version',
  'platform',
  'database_list',
  'functions',
  'collations',
  'metadata_info',
  'user_agent',
]);

const INCIDENT_ORDER_SEVERITY = `CASE severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 WHEN 'minor' THEN 2 WHEN 'warning' THEN 3 ELSE 4 END`;

/** The engine's database. Open with {@link Storage.open}; one instance per file per process. */
export class Storage {
  /** Number of migrations applied to this database. */
  readonly schemaVersion: number;

  private readonly instance: DuckDBInstance;
  private readonly writer: DuckDBConnection;
  private readonly reader: DuckDBConnection;
  private readonly registryKey: string | null;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** series key → series_id, for every series in the database. Only the write queue touches it. */
  private readonly seriesIds = new Map<string, number>();
  private nextSeriesId = 1;
  /** What was last written for each topology node/edge: skip writes that would change nothing. */
  private readonly nodeState = new Map<string, { name: string; attrs: string; lastSeen: number; firstEvent: number | null }>();
  private readonly edgeState = new Map<string, { origin: string; lastSeen: number; firstEvent: number | null }>();

  private constructor(
    instance: DuckDBInstance,
    writer: DuckDBConnection,
    reader: DuckDBConnection,
    registryKey: string | null,
    schemaVersion: number,
  ) {
    this.instance = instance;
    this.writer = writer;
    this.reader = reader;
    this.registryKey = registryKey;
    this.schemaVersion = schemaVersion;
  }

  /**
   * Opens (creating if needed) the database file or ':memory:', sets memory_limit (default '2GB') and
   * threads, and applies the missing migrations. Throws if this process already has the file open.
   */
  static async open(opts: StorageOptions): Promise<Storage> {
    const inMemory = opts.path === ':memory:';
    const registryKey = inMemory ? null : path.resolve(opts.path);
    if (registryKey !== null) {
      if (openPaths.has(registryKey)) {
        throw new Error(`database ${registryKey} is already open in this process; open each file once`);
      }
      openPaths.add(registryKey);
    }
    try {
      if (registryKey !== null) mkdirSync(path.dirname(registryKey), { recursive: true });
      const options: Record<string, string> = { memory_limit: opts.memoryLimit ?? '2GB' };
      if (opts.threads !== undefined) options.threads = String(opts.threads);
      const instance = await DuckDBInstance.create(registryKey ?? ':memory:', options);
      let writer: DuckDBConnection | undefined;
      let reader: DuckDBConnection | undefined;
      try {
        writer = await instance.connect();
        reader = await instance.connect();
        // Analysts read TIMESTAMP columns as UTC whatever the machine's zone.
        await writer.run(`SET TimeZone = 'UTC'`);
        const version = await migrate(writer);
        const allowed = opts.allowedDirectories ?? (registryKey !== null ? [path.dirname(registryKey)] : null);
        if (allowed !== null) await lockDown(writer, allowed);
        const storage = new Storage(instance, writer, reader, registryKey, version);
        await storage.loadSeries();
        return storage;
      } catch (err) {
        reader?.closeSync();
        writer?.closeSync();
        instance.closeSync();
        throw err;
      }
    } catch (err) {
      if (registryKey !== null) openPaths.delete(registryKey);
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Writes. Each resolves once the data is committed.

  /** Appends metric points, creating the series the batch introduces. */
  appendMetrics(batch: MetricBatch): Promise<void> {
    const n = batch.ts.length;
    if (batch.series.length !== n || batch.values.length !== n) {
      return Promise.reject(new Error('metric batch columns differ in length'));
    }
    return this.write(async () => {
      // Series and points commit together: appenders flush on their own every ~200k rows, and only the
      // surrounding transaction keeps a large batch that fails late from being half-applied.
      let learn = (): void => undefined;
      await this.transaction(async () => {
        const resolved = await this.resolveSeries(batch);
        learn = resolved.learn;
        if (n > 0) await this.appendPoints(batch, resolved.ids);
      });
      learn();
    });
  }

  /** Appends log records. */
  appendLogs(records: LogRecord[]): Promise<void> {
    return this.write(() =>
      this.appendRows('logs', records, (a, r) => {
        a.appendTimestamp(ts(r.ts));
        a.appendVarchar(r.entity);
        appendNullable(a, r.service);
        appendNullable(a, r.host);
        a.appendVarchar(r.severity);
        a.appendVarchar(r.body);
        appendNullable(a, r.traceId);
        appendNullable(a, r.spanId);
        a.appendVarchar(JSON.stringify(r.attributes ?? {}));
        appendNullable(a, r.templateId ?? null);
      }),
    );
  }

  /** Appends spans. */
  appendSpans(spans: SpanRecord[]): Promise<void> {
    return this.write(() =>
      this.appendRows('spans', spans, (a, s) => {
        a.appendVarchar(s.traceId);
        a.appendVarchar(s.spanId);
        appendNullable(a, s.parentSpanId);
        a.appendVarchar(s.service);
        a.appendVarchar(s.name);
        a.appendInteger(s.kind);
        a.appendTimestamp(ts(s.start));
        a.appendTimestamp(ts(s.end));
        a.appendDouble(s.end - s.start);
        a.appendInteger(s.statusCode);
        a.appendVarchar(JSON.stringify(s.attributes ?? {}));
      }),
    );
  }

  /** Appends alert events as received (repeats and resolutions included). */
  appendAlerts(alerts: AlertRecord[]): Promise<void> {
    return this.write(() =>
      this.appendRows('alerts', alerts, (a, r) => {
        a.appendVarchar(r.id);
        appendNullable(a, r.externalId);
        a.appendTimestamp(ts(r.time));
        a.appendTimestamp(ts(r.receivedAt));
        a.appendVarchar(r.source);
        appendNullable(a, r.service);
        appendNullable(a, r.host);
        a.appendVarchar(r.entity);
        a.appendVarchar(r.severity);
        a.appendVarchar(r.status);
        a.appendVarchar(r.title);
        appendNullable(a, r.description);
        a.appendVarchar(r.fingerprint);
        a.appendVarchar(JSON.stringify(r.attributes ?? {}));
      }),
    );
  }

  /** Records changes; a change sent again with the same id replaces the earlier one. */
  appendChanges(changes: ChangeRecord[]): Promise<void> {
    return this.write(() =>
      this.transaction(async (c) => {
        const stmt = await c.prepare('INSERT OR REPLACE INTO changes VALUES ($1, $2, $3, $4, $5, $6)');
        try {
          for (const ch of changes) {
            stmt.bind([ch.id, ts(ch.time), ch.service, ch.entity, ch.kind, ch.summary]);
            await stmt.run();
          }
        } finally {
          stmt.destroySync();
        }
      }),
    );
  }

  /**
   * Inserts new topology nodes and edges and refreshes last_seen (at most once a minute) and attributes
   * (merged, newest wins) of known ones. Edge endpoints that are not known nodes become nodes, so the
   * graph never has dangling edges. A declared edge stays declared when traces confirm it.
   * `eventTime` is the event time of the telemetry that revealed the batch (its earliest record): each
   * node and edge keeps the earliest such time as `first_event`, which time travel filters on; null
   * (declared topology) leaves it unset, i.e. present at any time.
   */
  upsertTopology(batch: TopologyBatch, seenAt: number, eventTime: number | null = null): Promise<void> {
    return this.write(async () => {
      const nodes = new Map<string, { kind: string; name: string; attrs: Attrs }>();
      for (const n of batch.nodes) {
        const prev = nodes.get(n.id);
        nodes.set(n.id, { kind: n.kind, name: n.name, attrs: { ...prev?.attrs, ...n.attributes } });
      }
      for (const e of batch.edges) {
        for (const id of [e.source, e.target]) {
          if (!nodes.has(id) && !this.nodeState.has(id)) {
            nodes.set(id, { kind: entityKind(id), name: entityName(id), attrs: {} });
          }
        }
      }
      const nodeWrites: [string, { kind: string; name: string; attrs: Attrs }, string][] = [];
      for (const [id, n] of nodes) {
        const attrs = JSON.stringify(n.attrs);
        const known = this.nodeState.get(id);
        const sameName = known !== undefined && (known.name === n.name || n.name === entityName(id));
        if (known && sameName && (attrs === '{}' || known.attrs === attrs) && seenAt - known.lastSeen < LAST_SEEN_RESOLUTION_MS && !earlier(eventTime, known.firstEvent)) {
          continue;
        }
        nodeWrites.push([id, n, attrs]);
      }
      const edges = new Map<string, TopologyBatch['edges'][number]>();
      for (const e of batch.edges) {
        const key = `${e.source}\u0000${e.target}\u0000${e.kind}`;
        const prev = edges.get(key);
        if (!prev || e.origin === 'declared') edges.set(key, e);
      }
      const edgeWrites: [string, TopologyBatch['edges'][number]][] = [];
      for (const [key, e] of edges) {
        const known = this.edgeState.get(key);
        if (known && (known.origin === 'declared' || known.origin === e.origin) && seenAt - known.lastSeen < LAST_SEEN_RESOLUTION_MS && !earlier(eventTime, known.firstEvent)) {
          continue;
        }
        edgeWrites.push([key, e]);
      }
      if (nodeWrites.length === 0 && edgeWrites.length === 0) return;
      const seen = ts(seenAt);
      const firstEvent = optTs(eventTime);
      await this.transaction(async (c) => {
        // Many rows per statement: one statement per node made topology writes most of a small import.
        for (let off = 0; off < nodeWrites.length; off += TOPOLOGY_ROWS_PER_STATEMENT) {
          const chunk = nodeWrites.slice(off, off + TOPOLOGY_ROWS_PER_STATEMENT);
          const values: DuckDBValue[] = [seen, firstEvent];
          const types: DuckDBType[] = [TIMESTAMP, TIMESTAMP];
          const rows = chunk.map(([id, n, attrs], k) => {
            values.push(id, n.kind, n.name, attrs);
            types.push(VARCHAR, VARCHAR, VARCHAR, VARCHAR);
            const p = 3 + k * 4;
            return `($${p}, $${p + 1}, $${p + 2}, $${p + 3}::JSON, $1, $1, $2)`;
          });
          // A name equal to the id's own name part (entityName) is a default (from telemetry or an edge
          // endpoint): it never overwrites a name someone declared.
          await c.run(
            `INSERT INTO topology_nodes (id, kind, name, attributes, first_seen, last_seen, first_event) VALUES ${rows.join(', ')}
            ON CONFLICT (id) DO UPDATE SET
              kind = excluded.kind,
              name = CASE WHEN excluded.name = (CASE WHEN strpos(excluded.id, ':') = 0 THEN excluded.id ELSE substr(excluded.id, strpos(excluded.id, ':') + 1) END)
                     THEN topology_nodes.name ELSE excluded.name END,
              attributes = json_merge_patch(coalesce(topology_nodes.attributes, '{}'::JSON), excluded.attributes),
              last_seen = greatest(topology_nodes.last_seen, excluded.last_seen),
              first_event = least(topology_nodes.first_event, excluded.first_event)`,
            values,
            types,
          );
        }
        for (let off = 0; off < edgeWrites.length; off += TOPOLOGY_ROWS_PER_STATEMENT) {
          const chunk = edgeWrites.slice(off, off + TOPOLOGY_ROWS_PER_STATEMENT);
          const values: DuckDBValue[] = [seen, firstEvent];
          const types: DuckDBType[] = [TIMESTAMP, TIMESTAMP];
          const rows = chunk.map(([, e], k) => {
            values.push(e.source, e.target, e.kind, e.origin);
            types.push(VARCHAR, VARCHAR, VARCHAR, VARCHAR);
            const p = 3 + k * 4;
            return `($${p}, $${p + 1}, $${p + 2}, $${p + 3}, $1, $1, $2)`;
          });
          await c.run(
            `INSERT INTO topology_edges (source, target, kind, origin, first_seen, last_seen, first_event) VALUES ${rows.join(', ')}
            ON CONFLICT (source, target, kind) DO UPDATE SET
              origin = CASE WHEN topology_edges.origin = 'declared' THEN 'declared' ELSE excluded.origin END,
              last_seen = greatest(topology_edges.last_seen, excluded.last_seen),
              first_event = least(topology_edges.first_event, excluded.first_event)`,
            values,
            types,
          );
        }
      });
      // The caches learn only what was committed. Attributes are merged in the database, so the cache
      // keeps the latest batch's attributes as "nothing new" marker, which is conservative.
      for (const [id, n, attrs] of nodeWrites) {
        const prevName = this.nodeState.get(id)?.name;
        const name = n.name === entityName(id) && prevName !== undefined ? prevName : n.name;
        this.nodeState.set(id, { name, attrs, lastSeen: seenAt, firstEvent: minTime(this.nodeState.get(id)?.firstEvent ?? null, eventTime) });
      }
      for (const [key, e] of edgeWrites) {
        const prev = this.edgeState.get(key);
        this.edgeState.set(key, { origin: prev?.origin === 'declared' ? 'declared' : e.origin, lastSeen: seenAt, firstEvent: minTime(prev?.firstEvent ?? null, eventTime) });
      }
    });
  }

  /** Records anomalies; one with an id already stored replaces it. */
  appendAnomalies(anomalies: Anomaly[]): Promise<void> {
    return this.write(() =>
      this.transaction(async (c) => {
        const stmt = await c.prepare(
          `INSERT OR REPLACE INTO anomalies (id, ts, entity, metric, value, expected, score, series, lower, upper, entity_score, movers)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        );
        try {
          for (const a of anomalies) {
            stmt.bind(
              [
                a.id,
                ts(a.time),
                a.entity,
                a.metric,
                a.value,
                a.expected,
                a.score,
                a.series ?? null,
                a.lower ?? null,
                a.upper ?? null,
                a.entityScore ?? null,
                a.movers ? JSON.stringify(a.movers) : null,
              ],
              [VARCHAR, TIMESTAMP, VARCHAR, VARCHAR, DOUBLE, DOUBLE, DOUBLE, VARCHAR, DOUBLE, DOUBLE, DOUBLE, VARCHAR],
            );
            await stmt.run();
          }
        } finally {
          stmt.destroySync();
        }
      }),
    );
  }

  /**
   * Inserts or replaces each incident row and replaces its members, all in one transaction. Where
   * `added[i]` is given, the stored members of `incidents[i]` are kept and only `added[i]` are
   * inserted: the correlator's updates of a growing incident (a storm holds thousands of members and
   * grows by hundreds per batch) then cost what they add, not what the incident holds.
   */
  upsertIncidents(incidents: IncidentDetail[], added?: readonly (readonly IncidentMember[] | undefined)[]): Promise<void> {
    return this.write(() =>
      this.transaction(async (c) => {
        const up = await c.prepare(
          'INSERT OR REPLACE INTO incidents VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::JSON)',
        );
        const del = await c.prepare('DELETE FROM incident_members WHERE incident_id = $1');
        const ins = await c.prepare('INSERT INTO incident_members VALUES ($1, $2, $3, $4, $5, $6, $7, $8)');
        const types: DuckDBType[] = [
          VARCHAR,
          VARCHAR,
          VARCHAR,
          VARCHAR,
          TIMESTAMP,
          TIMESTAMP,
          TIMESTAMP,
          LIST(VARCHAR),
          LIST(VARCHAR),
          INTEGER,
          VARCHAR,
        ];
        try {
          for (const [i, inc] of incidents.entries()) {
            up.bind(
              [
                inc.id,
                inc.title,
                inc.status,
                inc.severity,
                ts(inc.openedAt),
                ts(inc.updatedAt),
                inc.resolvedAt == null ? null : ts(inc.resolvedAt),
                listValue(inc.services),
                listValue(inc.entities),
                inc.alertCount,
                JSON.stringify(inc.rootCauses ?? []),
              ],
              types,
            );
            await up.run();
            const appended = added?.[i];
            if (!appended) {
              del.bind([inc.id]);
              await del.run();
            }
            for (const m of appended ?? inc.members ?? []) {
              ins.bind(
                [inc.id, m.kind, m.id, m.fingerprint, m.entity, ts(m.time), m.title, m.severity ?? null],
                [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, TIMESTAMP, VARCHAR, VARCHAR],
              );
              await ins.run();
            }
          }
        } finally {
          up.destroySync();
          del.destroySync();
          ins.destroySync();
        }
      }),
    );
  }

  /** Stores an operator's merge or split decision. */
  recordIncidentFeedback(f: IncidentFeedback): Promise<void> {
    return this.write(async () => {
      await this.writer.run('INSERT INTO incident_feedback VALUES ($1, $2, $3, $4, $5, $6, $7::JSON)', [
        f.id,
        ts(f.time),
        f.action,
        f.incidentId,
        listValue(f.otherIds),
        listValue(f.memberIds),
        JSON.stringify(f.pairs),
      ], [VARCHAR, TIMESTAMP, VARCHAR, VARCHAR, LIST(VARCHAR), LIST(VARCHAR), VARCHAR]);
    });
  }

  /** Every stored merge/split decision, oldest first. */
  async listIncidentFeedback(): Promise<IncidentFeedback[]> {
    const rows = await this.read('SELECT * FROM incident_feedback ORDER BY ts, id');
    return rows.map((r) => ({
      id: r.id as string,
      time: r.ts as number,
      action: r.action as IncidentFeedback['action'],
      incidentId: r.incident_id as string,
      otherIds: (r.other_ids as string[] | null) ?? [],
      memberIds: (r.member_ids as string[] | null) ?? [],
      pairs: (parseJson(r.pairs) as [string, string][] | null) ?? [],
    }));
  }

  /**
   * Members (kind, fingerprint, entity, title) of the most recently opened incidents other than
   * `exceptId`, at most `limit` incidents: what similar-incident search compares with.
   */
  async recentIncidentMembers(exceptId: string, limit: number): Promise<{ incident: Incident; members: Pick<IncidentMember, 'kind' | 'fingerprint' | 'entity' | 'title'>[] }[]> {
    const incidents = await this.read(
      `SELECT * FROM incidents WHERE id <> $1 AND title NOT LIKE 'Merged into %' ORDER BY opened_at DESC, id LIMIT $2`,
      [exceptId, limit],
      [VARCHAR, INTEGER],
    );
    const members = await this.read(
      `SELECT m.incident_id, m.kind, m.fingerprint, m.entity, m.title FROM incident_members m
       WHERE m.incident_id IN (SELECT id FROM incidents WHERE id <> $1 AND title NOT LIKE 'Merged into %' ORDER BY opened_at DESC, id LIMIT $2)`,
      [exceptId, limit],
      [VARCHAR, INTEGER],
    );
    const byId = new Map<string, Pick<IncidentMember, 'kind' | 'fingerprint' | 'entity' | 'title'>[]>();
    for (const m of members) {
      const id = m.incident_id as string;
      let list = byId.get(id);
      if (!list) byId.set(id, (list = []));
      list.push({ kind: m.kind as IncidentMember['kind'], fingerprint: m.fingerprint as string, entity: m.entity as string, title: m.title as string });
    }
    return incidents.map((r) => {
      const incident = incidentFromRow(r);
      return { incident, members: byId.get(incident.id) ?? [] };
    });
  }

  /**
   * Marks incidents left open by a previous run as resolved at their last update. The correlator's
   * state does not survive a restart, so nothing would ever update or resolve them; signals that are
   * still firing open fresh incidents. Returns how many were closed.
   */
  closeStaleIncidents(): Promise<number> {
    this.assertOpen();
    return this.write(async () => {
      const r = await this.writer.runAndReadAll(
        "UPDATE incidents SET status = 'resolved', resolved_at = updated_at WHERE status = 'open' RETURNING id",
      );
      return r.getRows().length;
    });
  }

  /** Records the ground truth of injected demo faults (replacing any with the same id). */
  recordDemoFaults(faults: DemoFault[]): Promise<void> {
    return this.write(() =>
      this.transaction(async (c) => {
        const stmt = await c.prepare('INSERT OR REPLACE INTO demo_faults VALUES ($1, $2, $3, $4, $5, $6, $7)');
        try {
          for (const f of faults) {
            stmt.bind([f.id, f.kind, f.rootEntity, ts(f.start), ts(f.end), listValue(f.affected), f.description], [
              VARCHAR,
              VARCHAR,
              VARCHAR,
              TIMESTAMP,
              TIMESTAMP,
              LIST(VARCHAR),
              VARCHAR,
            ]);
            await stmt.run();
          }
        } finally {
          stmt.destroySync();
        }
      }),
    );
  }

  // -------------------------------------------------------------------------------------------------
  // Reads.

  /** Incidents: open ones first by severity then newest; resolved ones newest first. Default limit 1000. */
  async listIncidents(status: 'open' | 'resolved' | 'all', limit = 1000): Promise<Incident[]> {
    const rows = await this.read(
      `SELECT * FROM incidents
       WHERE $1 = 'all' OR status = $1
       ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END,
                CASE WHEN status = 'open' THEN ${INCIDENT_ORDER_SEVERITY} ELSE 0 END,
                CASE WHEN status = 'open' THEN opened_at ELSE coalesce(resolved_at, updated_at) END DESC,
                id
       LIMIT $2`,
      [status, limit],
      [VARCHAR, INTEGER],
    );
    return rows.map(incidentFromRow);
  }

  /** One incident with its members (oldest first), or null. */
  async getIncident(id: string): Promise<IncidentDetail | null> {
    const rows = await this.read('SELECT * FROM incidents WHERE id = $1', [id]);
    if (rows.length === 0) return null;
    const members = await this.read(
      'SELECT * FROM incident_members WHERE incident_id = $1 ORDER BY ts, member_id',
      [id],
    );
    return {
      ...incidentFromRow(rows[0]),
      members: members.map(
        (m): IncidentMember => ({
          kind: m.kind as IncidentMember['kind'],
          id: m.member_id as string,
          fingerprint: m.fingerprint as string,
          entity: m.entity as string,
          time: m.ts as number,
          title: m.title as string,
          ...(m.severity == null ? {} : { severity: m.severity as Severity }),
        }),
      ),
    };
  }

  /** Anomalies in [from, to] (either bound optional), optionally of one entity; newest first, default limit 1000. */
  async listAnomalies(q: { from?: number; to?: number; entity?: string; limit?: number }): Promise<Anomaly[]> {
    const rows = await this.read(
      `SELECT * FROM anomalies
       WHERE ($1 IS NULL OR ts >= $1) AND ($2 IS NULL OR ts <= $2) AND ($3 IS NULL OR entity = $3)
       ORDER BY ts DESC, id LIMIT $4`,
      [optTs(q.from), optTs(q.to), q.entity ?? null, q.limit ?? 1000],
      [TIMESTAMP, TIMESTAMP, VARCHAR, INTEGER],
    );
    return rows.map((r) => ({
      id: r.id as string,
      time: r.ts as number,
      entity: r.entity as string,
      metric: r.metric as string,
      value: r.value as number,
      expected: r.expected as number,
      score: r.score as number,
      ...anomalyExtras(r),
    }));
  }

  /** Changes in [from, to] (either bound optional), newest first, default limit 1000. */
  async listChanges(q: { from?: number; to?: number; limit?: number }): Promise<Change[]> {
    const rows = await this.read(
      `SELECT * FROM changes WHERE ($1 IS NULL OR ts >= $1) AND ($2 IS NULL OR ts <= $2)
       ORDER BY ts DESC, id LIMIT $3`,
      [optTs(q.from), optTs(q.to), q.limit ?? 1000],
      [TIMESTAMP, TIMESTAMP, INTEGER],
    );
    return rows.map(changeFromRow);
  }

  /**
   * The whole topology, nodes and edges sorted by id for stable output. With `asOf` (event time), the
   * estate as it was then: the nodes and edges the telemetry had revealed by that time (and those known
   * without an event time), edges only between nodes present.
   */
  async getTopology(asOf?: number): Promise<Topology> {
    const at = optTs(asOf);
    const nodes = await this.read(
      'SELECT id, kind, name, attributes FROM topology_nodes WHERE $1 IS NULL OR first_event IS NULL OR first_event <= $1 ORDER BY id',
      [at],
      [TIMESTAMP],
    );
    const edges = await this.read(
      `SELECT source, target, kind, origin FROM topology_edges e
       WHERE $1 IS NULL OR ((e.first_event IS NULL OR e.first_event <= $1)
         AND EXISTS (SELECT 1 FROM topology_nodes n WHERE n.id = e.source AND (n.first_event IS NULL OR n.first_event <= $1))
         AND EXISTS (SELECT 1 FROM topology_nodes n WHERE n.id = e.target AND (n.first_event IS NULL OR n.first_event <= $1)))
       ORDER BY source, target, kind`,
      [at],
      [TIMESTAMP],
    );
    return {
      nodes: nodes.map((n): TopologyNode => {
        const attributes = parseJson(n.attributes) as TopologyNode['attributes'];
        return {
          id: n.id as string,
          kind: n.kind as string,
          name: n.name as string,
          ...(attributes && Object.keys(attributes).length > 0 ? { attributes } : {}),
        };
      }),
      edges: edges.map(
        (e): TopologyEdge => ({
          source: e.source as string,
          target: e.target as string,
          kind: e.kind as TopologyEdge['kind'],
          origin: e.origin as TopologyEdge['origin'],
        }),
      ),
    };
  }

  /** Every recorded demo fault, oldest first. */
  async listDemoFaults(): Promise<DemoFault[]> {
    const rows = await this.read('SELECT * FROM demo_faults ORDER BY start_ts, id');
    return rows.map((r) => ({
      id: r.id as string,
      kind: r.kind as DemoFault['kind'],
      rootEntity: r.root_entity as string,
      start: r.start_ts as number,
      end: r.end_ts as number,
      affected: (r.affected as string[] | null) ?? [],
      description: (r.description as string | null) ?? '',
    }));
  }

  /** Rows stored per kind of telemetry (events = alert rows, topology = nodes + edges). */
  async countIngested(): Promise<Stats['ingested']> {
    const [r] = await this.read(`SELECT
      (SELECT count(*) FROM metric_points) AS metric_points,
      (SELECT count(*) FROM logs) AS logs,
      (SELECT count(*) FROM spans) AS spans,
      (SELECT count(*) FROM alerts) AS events,
      (SELECT count(*) FROM changes) AS changes,
      (SELECT count(*) FROM topology_nodes) + (SELECT count(*) FROM topology_edges) AS topology`);
    return {
      metricPoints: r.metric_points as number,
      logs: r.logs as number,
      spans: r.spans as number,
      events: r.events as number,
      changes: r.changes as number,
      topology: r.topology as number,
    };
  }

  /**
   * Tables that have rows in the cold tier (kept by core/storage/cold-tier.ts). The views the API
   * reads (metric series for the timeline and reports) go through `<table>_all` for these, so aged-out
   * data still shows; tables without cold rows are read directly.
   */
  coldTables: ReadonlySet<string> = new Set();

  /**
   * Points for charts: the average per bucket of `stepMs` (buckets aligned to multiples of stepMs since
   * the epoch) over [from, to], one line per (entity, name). Series of one entity and name that differ
   * only by attributes are averaged together. At most `limit` lines (default 100), by entity then name.
   */
  async metricSeries(q: {
    entity?: string;
    name?: string;
    from: number;
    to: number;
    stepMs: number;
    limit?: number;
  }): Promise<{ entity: string; name: string; points: [number, number][] }[]> {
    if (!(q.stepMs >= 1) || !Number.isFinite(q.stepMs)) throw new RangeError('stepMs must be a positive number');
    if (!Number.isFinite(q.from) || !Number.isFinite(q.to)) throw new RangeError('from and to must be finite');
    const rows = await this.read(
      `WITH lines AS (
         SELECT DISTINCT entity, name FROM series
         WHERE ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR name = $2)
         ORDER BY entity, name LIMIT $6
       ), sel AS (
         SELECT s.series_id, s.entity, s.name FROM series s JOIN lines l ON s.entity = l.entity AND s.name = l.name
       )
       SELECT sel.entity, sel.name, (epoch_ms(p.ts) // $5) * $5 AS t, avg(p.value) AS v
       FROM ${this.coldTables.has('metric_points') ? 'metric_points_all' : 'metric_points'} p JOIN sel ON p.series_id = sel.series_id
       WHERE p.ts >= $3 AND p.ts <= $4
       GROUP BY ALL
       ORDER BY sel.entity, sel.name, t`,
      [q.entity ?? null, q.name ?? null, ts(q.from), ts(q.to), BigInt(Math.round(q.stepMs)), q.limit ?? 100],
      [VARCHAR, VARCHAR, TIMESTAMP, TIMESTAMP, BIGINT, INTEGER],
    );
    const out: { entity: string; name: string; points: [number, number][] }[] = [];
    let cur: (typeof out)[number] | undefined;
    for (const r of rows) {
      if (!cur || cur.entity !== r.entity || cur.name !== r.name) {
        cur = { entity: r.entity as string, name: r.name as string, points: [] };
        out.push(cur);
      }
      cur.points.push([r.t as number, r.v as number]);
    }
    return out;
  }

  /**
   * Read-only SQL for analysts and tests: one SELECT/WITH/DESCRIBE/SHOW/SUMMARIZE/PRAGMA (read-only
   * pragmas only) statement. Returns plain rows: bigints as numbers, timestamps as epoch ms, lists as
   * arrays, structs and maps as objects. Anything else is rejected with an error.
   */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    this.assertOpen();
    const keyword = firstKeyword(sql);
    if (!READ_ONLY_KEYWORDS.has(keyword)) {
      throw new Error(`query: only a single SELECT/WITH/DESCRIBE/SHOW/SUMMARIZE/PRAGMA statement is allowed, got ${keyword || 'nothing'}`);
    }
    const extracted = await this.reader.extractStatements(sql);
    if (extracted.count !== 1) throw new Error(`query: exactly one statement is allowed, got ${extracted.count}`);
    const stmt = await extracted.prepare(0);
    try {
      const type = stmt.statementType;
      if (type === StatementType.PRAGMA) {
        const name = /^\s*pragma\s+([a-z_]+)/i.exec(stripComments(sql))?.[1]?.toLowerCase() ?? '';
        if (!READ_ONLY_PRAGMAS.has(name)) throw new Error(`query: PRAGMA ${name} is not read-only`);
      } else if (type !== StatementType.SELECT) {
        throw new Error('query: only read-only statements are allowed');
      }
      const reader = await stmt.runAndReadAll();
      return reader.getRowObjects().map(plainRow);
    } finally {
      stmt.destroySync();
    }
  }

  /** Folder of the database file (where cold Parquet, bundles and staged imports live); null in memory. */
  get dataDir(): string | null {
    return this.registryKey === null ? null : path.dirname(this.registryKey);
  }

  /**
   * For storage modules beside this one (forensics-store.ts): runs `fn` on the write connection, queued
   * behind every other write, inside one transaction unless `transaction: false`. `seriesChanged` says
   * fn inserted into `series` through SQL, so the series index is reloaded from the table afterwards.
   */
  withWriter<T>(fn: (c: DuckDBConnection) => Promise<T>, opts: { transaction?: boolean; seriesChanged?: boolean } = {}): Promise<T> {
    return this.write(async () => {
      let out!: T;
      try {
        if (opts.transaction === false) out = await fn(this.writer);
        else
          await this.transaction(async (c) => {
            out = await fn(c);
          });
      } finally {
        if (opts.seriesChanged) await this.loadSeries();
      }
      return out;
    });
  }

  /**
   * A fresh connection for one analyst query, off the write path and off the engine's own reader, so a
   * long query neither blocks ingest nor the UI's reads and can be interrupted alone. Close it after.
   */
  async connectAnalyst(): Promise<DuckDBConnection> {
    this.assertOpen();
    const c = await this.instance.connect();
    // Progress is reported only with the progress bar on; its printing stays off (we poll instead).
    await c.run('SET enable_progress_bar = true');
    await c.run('SET enable_progress_bar_print = false');
    return c;
  }

  /** For the stores beside this module: a parameterised read, plain rows (timestamps as epoch ms). */
  select(sql: string, values?: DuckDBValue[], types?: DuckDBType[]): Promise<Record<string, unknown>[]> {
    return this.read(sql, values, types);
  }

  /** Waits for queued writes, then closes the database. Further calls fail. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writeQueue.catch(() => undefined);
    try {
      this.reader.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
    } finally {
      if (this.registryKey !== null) openPaths.delete(this.registryKey);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Internals.

  private assertOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }

  /** Queues a write behind all earlier ones; a failed write does not stop the ones after it. */
  private write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    const p = this.writeQueue.then(fn);
    this.writeQueue = p.catch(() => undefined);
    return p;
  }

  private async transaction(fn: (c: DuckDBConnection) => Promise<void>): Promise<void> {
    await this.writer.run('BEGIN TRANSACTION');
    try {
      await fn(this.writer);
      await this.writer.run('COMMIT');
    } catch (err) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async read(
    sql: string,
    values?: DuckDBValue[],
    types?: DuckDBType[],
  ): Promise<Record<string, unknown>[]> {
    this.assertOpen();
    const reader = await this.reader.runAndReadAll(sql, values, types);
    return reader.getRowObjects().map(plainRow);
  }

  private async loadSeries(): Promise<void> {
    this.seriesIds.clear();
    this.nextSeriesId = 1;
    const reader = await this.writer.runAndReadAll('SELECT series_id, key FROM series');
    for (const [id, key] of reader.getRows()) {
      const n = Number(id);
      this.seriesIds.set(key as string, n);
      if (n >= this.nextSeriesId) this.nextSeriesId = n + 1;
    }
  }

  /**
   * Maps the batch's local series indices to series ids, inserting the new series. The in-memory index
   * learns them only through `learn()`, to be called once the transaction has committed.
   */
  private async resolveSeries(batch: MetricBatch): Promise<{ ids: Int32Array; learn: () => void }> {
    const keys = batch.seriesKeys;
    const ids = new Int32Array(keys.length);
    const fresh: { id: number; index: number }[] = [];
    const pending = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i].key;
      const known = this.seriesIds.get(key) ?? pending.get(key);
      if (known !== undefined) {
        ids[i] = known;
        continue;
      }
      const id = this.nextSeriesId + fresh.length;
      pending.set(key, id);
      fresh.push({ id, index: i });
      ids[i] = id;
    }
    if (fresh.length > 0) {
      const appender = await this.writer.createAppender('series');
      try {
        for (const { id, index } of fresh) {
          const k = keys[index];
          appender.appendInteger(id);
          appender.appendVarchar(k.key);
          appender.appendVarchar(k.entity);
          appendNullable(appender, k.service);
          appendNullable(appender, k.host);
          appender.appendVarchar(k.name);
          appendNullable(appender, k.unit);
          appender.appendVarchar(JSON.stringify(k.attributes ?? {}));
          appender.endRow();
        }
        appender.closeSync();
      } catch (err) {
        closeQuietly(appender);
        throw err;
      }
    }
    return {
      ids,
      learn: () => {
        for (const [key, id] of pending) this.seriesIds.set(key, id);
        this.nextSeriesId += fresh.length;
      },
    };
  }

  /**
   * The hot path: fills (ts, series_id, value) data chunks with raw memory copies from typed arrays and
   * hands them to one appender; closing the appender commits.
   */
  private async appendPoints(batch: MetricBatch, localToGlobal: Int32Array): Promise<void> {
    const n = batch.ts.length;
    const nSeries = localToGlobal.length;
    const tsWords = new Uint32Array(CHUNK_ROWS * 2);
    const idBuf = new Int32Array(CHUNK_ROWS);
    const valBuf = new Float64Array(CHUNK_ROWS);
    const srcTs = batch.ts;
    const srcSeries = batch.series;
    const srcValues = batch.values;
    const chunk = DuckDBDataChunk.create([TIMESTAMP, INTEGER, DOUBLE]);
    const appender = await this.writer.createAppender('metric_points');
    try {
      for (let off = 0; off < n; off += CHUNK_ROWS) {
        const m = Math.min(CHUNK_ROWS, n - off);
        for (let i = 0; i < m; i++) {
          const t = srcTs[off + i];
          if (!(t >= 0 && t < 8.64e15)) throw new RangeError(`metric point ${off + i}: invalid time ${t}`);
          // Microseconds fit a double exactly (< 2^53), so split into little-endian 32-bit words without
          // allocating a BigInt per point.
          const micros = Math.round(t * 1000);
          const hi = Math.floor(micros / TWO_POW_32);
          tsWords[2 * i] = micros - hi * TWO_POW_32;
          tsWords[2 * i + 1] = hi;
          const s = srcSeries[off + i];
          if (s < 0 || s >= nSeries) throw new RangeError(`metric point ${off + i}: series index ${s} out of range`);
          idBuf[i] = localToGlobal[s];
        }
        valBuf.set(srcValues.subarray(off, off + m));
        chunk.reset();
        chunk.rowCount = m;
        const raw = chunk.chunk;
        bindings.copy_data_to_vector(bindings.data_chunk_get_vector(raw, 0), 0, tsWords.buffer, 0, m * 8);
        bindings.copy_data_to_vector(bindings.data_chunk_get_vector(raw, 1), 0, idBuf.buffer, 0, m * 4);
        bindings.copy_data_to_vector(bindings.data_chunk_get_vector(raw, 2), 0, valBuf.buffer, 0, m * 8);
        appender.appendDataChunk(chunk);
      }
      appender.closeSync();
    } catch (err) {
      // Dropping the unflushed rows keeps the batch all-or-nothing.
      closeQuietly(appender, true);
      throw err;
    }
  }

  /** Row-by-row appender for the moderate-volume tables; all rows commit together or none do. */
  private async appendRows<T>(table: string, rows: readonly T[], appendOne: (a: DuckDBAppender, row: T) => void): Promise<void> {
    if (rows.length === 0) return;
    await this.transaction(async (c) => {
      const appender = await c.createAppender(table);
      try {
        for (const r of rows) {
          appendOne(appender, r);
          appender.endRow();
        }
        appender.closeSync();
      } catch (err) {
        closeQuietly(appender, true);
        throw err;
      }
    });
  }
}

/** Applies the missing migrations; returns the resulting schema version (the highest applied). */
async function migrate(c: DuckDBConnection): Promise<number> {
  await c.run(SCHEMA_MIGRATIONS_DDL);
  const reader = await c.runAndReadAll('SELECT version FROM schema_migrations ORDER BY version');
  const applied = new Set(reader.getRows().map((r) => Number(r[0])));
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length) {
    throw new Error(`database has schema migration ${unknown.join(', ')}, which this engine does not know (it is newer)`);
  }
  const pending = [...MIGRATIONS].filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    await c.run('BEGIN TRANSACTION');
    try {
      await m.up(async (sql) => {
        await c.run(sql);
      });
      await c.run('INSERT INTO schema_migrations VALUES ($1, now()::TIMESTAMP)', [m.version]);
      await c.run('COMMIT');
    } catch (err) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw new Error(`migration ${m.version} (${m.description}) failed: ${(err as Error).message}`, { cause: err });
    }
    applied.add(m.version);
  }
  return Math.max(0, ...applied);
}

/**
 * Confines file access of every SQL statement on this instance to `dirs` (see
 * StorageOptions.allowedDirectories). DuckDB matches by path prefix, hence the trailing separator.
 */
async function lockDown(c: DuckDBConnection, dirs: string[]): Promise<void> {
  const list = dirs.map((d) => `'${path.resolve(d).replace(/'/g, "''")}${path.sep}'`).join(', ');
  await c.run(`SET allowed_directories = [${list}]`);
  await c.run('SET enable_external_access = false');
}

/** Plain JavaScript rows of a DuckDB result (bigints as numbers, times as epoch ms), for storage modules. */
export function plainRows(rows: Record<string, DuckDBValue>[]): Record<string, unknown>[] {
  return rows.map(plainRow);
}



/** `t` is a known time earlier than `than` (or `than` is unknown). */
function earlier(t: number | null, than: number | null): boolean {
  return t !== null && (than === null || t < than);
}

function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function appendNullable(a: DuckDBAppender, v: string | null | undefined): void {
  if (v == null) a.appendNull();
  else a.appendVarchar(v);
}

function closeQuietly(appender: DuckDBAppender, discard = false): void {
  try {
    if (discard) appender.clear();
    appender.closeSync();
  } catch {
    // The write already failed; its error is the one worth reporting.
  }
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** A `changes` row (plain, as {@link plainRows} gives it) as the change the API and the analytics take. */
export function changeFromRow(r: Record<string, unknown>): Change {
  return {
    id: r.id as string,
    time: r.ts as number,
    service: r.service as string,
    entity: r.entity as string,
    kind: r.kind as Change['kind'],
    summary: r.summary as string,
  };
}

function incidentFromRow(r: Record<string, unknown>): Incident {
  return {
    id: r.id as string,
    title: r.title as string,
    status: r.status as Incident['status'],
    severity: r.severity as Severity,
    openedAt: r.opened_at as number,
    updatedAt: r.updated_at as number,
    resolvedAt: (r.resolved_at as number | null) ?? null,
    services: (r.services as string[] | null) ?? [],
    entities: (r.entities as string[] | null) ?? [],
    alertCount: r.alert_count as number,
    rootCauses: ((parseJson(r.root_causes) as RootCause[] | null) ?? []),
  };
}

function plainRow(row: Record<string, DuckDBValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in row) out[k] = plainValue(row[k]);
  return out;
}

/** DuckDB values as plain JSON-friendly JavaScript. */
export function plainValue(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return Number(v.micros) / 1000;
  if (v instanceof DuckDBTimestampMillisecondsValue) return Number(v.millis);
  if (v instanceof DuckDBTimestampSecondsValue) return Number(v.seconds) * 1000;
  if (v instanceof DuckDBTimestampNanosecondsValue) return Number(v.nanos / 1000n) / 1000;
  if (v instanceof DuckDBDateValue) return v.days * 86_400_000;
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(plainValue);
  if (v instanceof DuckDBStructValue) {
    const o: Record<string, unknown> = {};
    for (const k in v.entries) o[k] = plainValue(v.entries[k]);
    return o;
  }
  if (v instanceof DuckDBMapValue) {
    const o: Record<string, unknown> = {};
    for (const e of v.entries) o[String(plainValue(e.key))] = plainValue(e.value);
    return o;
  }
  return String(v);
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

function firstKeyword(sql: string): string {
  return /^[\s(]*([a-zA-Z]+)/.exec(stripComments(sql))?.[1]?.toLowerCase() ?? '';
}

/** The optional anomaly fields (migration 300), present only when stored. */
function anomalyExtras(r: Record<string, unknown>): Partial<Anomaly> {
  const out: Partial<Anomaly> = {};
  if (typeof r.series === 'string') out.series = r.series;
  if (typeof r.lower === 'number') out.lower = r.lower;
  if (typeof r.upper === 'number') out.upper = r.upper;
  if (typeof r.entity_score === 'number') out.entityScore = r.entity_score;
  if (typeof r.movers === 'string') out.movers = JSON.parse(r.movers) as Anomaly['movers'];
  return out;
}
