/**
 * The database schema as a list of numbered migrations. Each carries its own version number; opening a
 * file applies, in ascending order, every migration whose version is not yet in `schema_migrations`,
 * each in its own transaction together with its row there, so a crash never leaves half a migration.
 * Numbers need not be contiguous: each part of the engine takes its own block (see `MIGRATIONS`), so
 * parts developed side by side never fight over the next number.
 *
 * Never edit a migration that has shipped: add a new one. Event times are TIMESTAMP (UTC, microseconds);
 * the engine speaks epoch milliseconds and converts at the storage boundary.
 */

/** Runs SQL on the write connection. Migrations receive only this, so they cannot touch anything else. */
export type MigrationRunner = (sql: string) => Promise<void>;

/** One schema step. */
export interface Migration {
  /** Unique, positive; fixes the order of application. */
  version: number;
  /** What it does, for `schema_migrations` readers and error messages. */
  description: string;
  up: (run: MigrationRunner) => Promise<void>;
}

/** DDL of the bookkeeping table; created before any migration runs. */
export const SCHEMA_MIGRATIONS_DDL =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)';

/**
 * All migrations, in ascending version. Blocks: 1-99 storage core, 300s anomaly detection, 400s logs,
 * 500s correlation and RCA, 600s automation and audit, 700s forensics, 800s prediction.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema: telemetry, alerts, changes, topology, analytics results, demo ground truth',
    async up(run) {
      // Series are few and looked up by key; points are many and only ever appended, so they carry no
      // index or constraint that would slow the appender down.
      await run(`CREATE TABLE series (
        series_id INTEGER PRIMARY KEY,
        key VARCHAR NOT NULL UNIQUE,
        entity VARCHAR NOT NULL,
        service VARCHAR,
        host VARCHAR,
        name VARCHAR NOT NULL,
        unit VARCHAR,
        attributes JSON
      )`);
      await run(`CREATE TABLE metric_points (ts TIMESTAMP NOT NULL, series_id INTEGER NOT NULL, value DOUBLE)`);
      await run(`CREATE VIEW metrics AS
        SELECT p.ts, s.entity, s.service, s.host, s.name, s.unit, p.value, s.attributes, s.series_id
        FROM metric_points p JOIN series s ON s.series_id = p.series_id`);
      await run(`CREATE TABLE logs (
        ts TIMESTAMP NOT NULL,
        entity VARCHAR NOT NULL,
        service VARCHAR,
        host VARCHAR,
        severity VARCHAR,
        body VARCHAR,
        trace_id VARCHAR,
        span_id VARCHAR,
        attributes JSON
      )`);
      await run(`CREATE TABLE spans (
        trace_id VARCHAR NOT NULL,
        span_id VARCHAR NOT NULL,
        parent_span_id VARCHAR,
        service VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind INTEGER,
        start_ts TIMESTAMP NOT NULL,
        end_ts TIMESTAMP NOT NULL,
        duration_ms DOUBLE,
        status_code INTEGER,
        attributes JSON
      )`);
      // Every alert event as received: repeats and resolutions included, deduplication happens later.
      await run(`CREATE TABLE alerts (
        id VARCHAR NOT NULL,
        external_id VARCHAR,
        ts TIMESTAMP NOT NULL,
        received_at TIMESTAMP NOT NULL,
        source VARCHAR NOT NULL,
        service VARCHAR,
        host VARCHAR,
        entity VARCHAR NOT NULL,
        severity VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        description VARCHAR,
        fingerprint VARCHAR NOT NULL,
        attributes JSON
      )`);
      await run(`CREATE TABLE changes (
        id VARCHAR PRIMARY KEY,
        ts TIMESTAMP NOT NULL,
        service VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        summary VARCHAR NOT NULL
      )`);
      await run(`CREATE TABLE topology_nodes (
        id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        attributes JSON,
        first_seen TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL
      )`);
      await run(`CREATE TABLE topology_edges (
        source VARCHAR NOT NULL,
        target VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        origin VARCHAR NOT NULL,
        first_seen TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL,
        PRIMARY KEY (source, target, kind)
      )`);
      await run(`CREATE TABLE anomalies (
        id VARCHAR PRIMARY KEY,
        ts TIMESTAMP NOT NULL,
        entity VARCHAR NOT NULL,
        metric VARCHAR NOT NULL,
        value DOUBLE,
        expected DOUBLE,
        score DOUBLE
      )`);
      await run(`CREATE TABLE incidents (
        id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        severity VARCHAR NOT NULL,
        opened_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        resolved_at TIMESTAMP,
        services VARCHAR[],
        entities VARCHAR[],
        alert_count INTEGER NOT NULL,
        root_causes JSON
      )`);
      await run(`CREATE TABLE incident_members (
        incident_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        member_id VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        ts TIMESTAMP NOT NULL,
        title VARCHAR NOT NULL,
        severity VARCHAR
      )`);
      await run(`CREATE TABLE demo_faults (
        id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        root_entity VARCHAR NOT NULL,
        start_ts TIMESTAMP NOT NULL,
        end_ts TIMESTAMP NOT NULL,
        affected VARCHAR[],
        description VARCHAR
      )`);
    },
  },
  {
    version: 300,
    description: 'anomalies: series key, expected range, entity score and the metrics that moved',
    async up(run) {
      await run('ALTER TABLE anomalies ADD COLUMN series VARCHAR');
      await run('ALTER TABLE anomalies ADD COLUMN lower DOUBLE');
      await run('ALTER TABLE anomalies ADD COLUMN upper DOUBLE');
      await run('ALTER TABLE anomalies ADD COLUMN entity_score DOUBLE');
      await run('ALTER TABLE anomalies ADD COLUMN movers JSON');
    },
  },
  {
    version: 400,
    description: 'log templates: template id on each log row, templates, merge history, template events',
    async up(run) {
      await run(`ALTER TABLE logs ADD COLUMN template_id VARCHAR`);
      await run(`CREATE TABLE log_templates (
        template_id VARCHAR PRIMARY KEY,
        template VARCHAR NOT NULL,
        count BIGINT NOT NULL,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP
      )`);
      // Append-only: template from_id was generalised into into_id; lines stored with from_id belong to into_id.
      await run(`CREATE TABLE log_template_merges (
        from_id VARCHAR NOT NULL,
        into_id VARCHAR NOT NULL,
        ts TIMESTAMP,
        template VARCHAR NOT NULL
      )`);
      await run(`CREATE TABLE log_template_events (
        id VARCHAR PRIMARY KEY,
        ts TIMESTAMP NOT NULL,
        kind VARCHAR NOT NULL,
        template_id VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        value DOUBLE,
        expected DOUBLE,
        score DOUBLE
      )`);
    },
  },
  {
    version: 500,
    description: 'incident feedback: operator merges and splits, with the template pairs the correlator learns',
    async up(run) {
      await run(`CREATE TABLE incident_feedback (
        id VARCHAR PRIMARY KEY,
        ts TIMESTAMP NOT NULL,
        action VARCHAR NOT NULL,
        incident_id VARCHAR NOT NULL,
        other_ids VARCHAR[],
        member_ids VARCHAR[],
        pairs JSON
      )`);
    },
  },
  {
    version: 700,
    description: 'forensics: imported files by content hash, saved analyst queries',
    async up(run) {
      // One row per imported file content. `lines_done` lets an interrupted import resume where its
      // last committed batch ended instead of storing that part twice.
      await run(`CREATE TABLE forensic_imports (
        sha256 VARCHAR PRIMARY KEY,
        path VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        rows_imported BIGINT NOT NULL,
        bad_rows BIGINT NOT NULL,
        lines_done BIGINT NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP
      )`);
      await run(`CREATE TABLE saved_queries (
        name VARCHAR PRIMARY KEY,
        sql VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL
      )`);
    },
  },
  {
    version: 701,
    description: 'topology in event time: when each node and edge first appeared in the telemetry',
    async up(run) {
      // NULL: known without an event time (declared, or stored before this migration): present at any time.
      await run('ALTER TABLE topology_nodes ADD COLUMN first_event TIMESTAMP');
      await run('ALTER TABLE topology_edges ADD COLUMN first_event TIMESTAMP');
    },
  },
  {
    version: 702,
    description: 'cold tier for every telemetry table: batches and their parts per table',
    async up(run) {
      // The first cold tier (metric points only) created cold_batches on demand; a fresh file gets it here.
      await run(`CREATE TABLE IF NOT EXISTS cold_batches (
        batch VARCHAR PRIMARY KEY, cutoff TIMESTAMP NOT NULL, points BIGINT NOT NULL, moved_at TIMESTAMP NOT NULL
      )`);
      // Which tables each batch moved rows of (and how many): the views read exactly these files.
      await run(`CREATE TABLE cold_parts (batch VARCHAR NOT NULL, tbl VARCHAR NOT NULL, rows BIGINT NOT NULL, PRIMARY KEY (batch, tbl))`);
      await run(`INSERT INTO cold_parts SELECT batch, 'metric_points', points FROM cold_batches`);
    },
  },
];
