/**
 * Evidence reports and bundles for an incident or a time range.
 *
 * A report holds the timeline (alerts, anomalies, changes), root-cause candidates with their evidence,
 * a topology snapshot around the incident, key charts, the member alerts, and the actions and
 * approvals of the audit trail where one is recorded. It is rendered as one self-contained HTML file
 * (inline SVG and CSS, no external asset, no script) and as PDF (see pdf.ts).
 *
 * A bundle is the same evidence as data: one Parquet file per table and a manifest with the SHA-256 of
 * every file, which `watchfloor import` (or the import API) of another Watchfloor reads back.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Anomaly, Change, IncidentDetail, Topology } from '../common/schemas.ts';
import { BUNDLE_TABLES, exportBundleTables } from '../storage/forensics-store.ts';
import { changesInRange, ensureColdViews } from '../storage/cold-tier.ts';
import type { Storage } from '../storage/storage.ts';
import type { BundleManifest } from './importer.ts';
import { PdfDocument, wrap, type PdfPage, type Rgb } from './pdf.ts';

/** What a report covers: one incident, or a time range. */
export type ReportScope = { incidentId: string } | { from: number; to: number };

/** Everything a report shows, gathered from storage. */
export interface ReportData {
  title: string;
  generatedAt: number;
  from: number;
  to: number;
  incidents: IncidentDetail[];
  timeline: { time: number; kind: 'alert' | 'anomaly' | 'change'; entity: string; text: string }[];
  topology: Topology;
  charts: { entity: string; name: string; points: [number, number][] }[];
  audit: { table: string; rows: Record<string, unknown>[] }[];
}

const MARGIN_MS = 15 * 60_000;
const MAX_TIMELINE = 400;

/**
 * Reads the audit trail (the automation's hash-chained log) for a report: entries in [from, to] and
 * entries naming one of the incidents. Rows are shown as they come.
 */
export type AuditSource = (q: { from: number; to: number; incidentIds: string[] }) => Record<string, unknown>[];

/** Gathers a report's data. Throws (field `incidentId`, 404) for an unknown incident. */
export async function gatherReport(storage: Storage, scope: ReportScope, now = Date.now(), auditSource?: AuditSource): Promise<ReportData> {
  let incidents: IncidentDetail[];
  let from: number;
  let to: number;
  if ('incidentId' in scope) {
    const inc = await storage.getIncident(scope.incidentId);
    if (!inc) throw Object.assign(new Error(`incidentId: incident ${scope.incidentId} does not exist`), { field: 'incidentId', status: 404 });
    incidents = [inc];
    from = inc.openedAt - MARGIN_MS;
    to = (inc.resolvedAt ?? inc.updatedAt) + MARGIN_MS;
  } else {
    from = scope.from;
    to = scope.to;
    const list = (await storage.listIncidents('all', 100_000)).filter((i) => i.openedAt <= to && (i.resolvedAt ?? i.updatedAt) >= from);
    incidents = (await Promise.all(list.slice(0, 50).map((i) => storage.getIncident(i.id)))).filter((x): x is IncidentDetail => x !== null);
  }
  const entities = new Set(incidents.flatMap((i) => [...i.entities, ...i.rootCauses.map((r) => r.entity)]));
  // Alert events and changes may have aged out to the cold tier: read both tiers.
  await ensureColdViews(storage);
  const [anomalies, changes, alerts, topo] = await Promise.all([
    storage.listAnomalies({ from, to, limit: 5000 }),
    changesInRange(storage, from, to),
    alertsInRange(storage, from, to),
    storage.getTopology(),
  ]);
  const relevant = (e: string) => entities.size === 0 || entities.has(e);
  const timeline: ReportData['timeline'] = [
    ...alerts.filter((a) => relevant(a.entity)).map((a) => ({ time: a.time, kind: 'alert' as const, entity: a.entity, text: `${a.severity} ${a.status}: ${a.title}` })),
    ...anomalies.filter((a: Anomaly) => relevant(a.entity)).map((a) => ({ time: a.time, kind: 'anomaly' as const, entity: a.entity, text: `${a.metric} = ${round(a.value)} (expected ${round(a.expected)}, score ${round(a.score)})` })),
    ...changes.map((c: Change) => ({ time: c.time, kind: 'change' as const, entity: c.entity, text: `${c.kind}: ${c.summary}` })),
  ]
    .sort((a, b) => a.time - b.time || a.entity.localeCompare(b.entity))
    .slice(0, MAX_TIMELINE);
  // The snapshot: incident entities and their direct neighbours.
  const near = new Set(entities);
  for (const e of topo.edges) {
    if (entities.has(e.source)) near.add(e.target);
    if (entities.has(e.target)) near.add(e.source);
  }
  const topology: Topology = entities.size
    ? { nodes: topo.nodes.filter((n) => near.has(n.id)).slice(0, 60), edges: topo.edges.filter((e) => near.has(e.source) && near.has(e.target)) }
    : { nodes: [], edges: [] };
  const chartEntities = [...new Set(incidents.flatMap((i) => i.rootCauses.slice(0, 2).map((r) => r.entity)))].slice(0, 3);
  const step = Math.max(1000, Math.ceil((to - from) / 240));
  const charts = (
    await Promise.all(chartEntities.map((entity) => storage.metricSeries({ entity, from, to, stepMs: step, limit: 3 })))
  ).flat();
  const title =
    'incidentId' in scope ? `Evidence report: ${incidents[0].title}` : `Evidence report: ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
  const trail = auditSource?.({ from, to, incidentIds: incidents.map((i) => i.id) }) ?? [];
  const audit = [...(trail.length ? [{ table: 'audit trail', rows: trail }] : []), ...(await auditRows(storage, from, to))];
  return { title, generatedAt: now, from, to, incidents, timeline, topology, charts, audit };
}

async function alertsInRange(storage: Storage, from: number, to: number) {
  const rows = await storage.query(`SELECT ts, entity, severity, status, title FROM alerts_all
    WHERE ts BETWEEN make_timestamp(${Math.round(from * 1000)}) AND make_timestamp(${Math.round(to * 1000)}) ORDER BY ts LIMIT 2000`);
  return rows.map((r) => ({ time: r.ts as number, entity: r.entity as string, severity: r.severity as string, status: r.status as string, title: r.title as string }));
}

/**
 * Actions and approvals from the audit trail: any table whose name mentions audit, action or approval
 * (the automation part of the engine owns them), rows in the range when it has a time column.
 */
async function auditRows(storage: Storage, from: number, to: number): Promise<ReportData['audit']> {
  const tables = await storage.query(`SELECT table_name, list(column_name) AS cols FROM information_schema.columns
    WHERE table_schema = 'main' AND regexp_matches(table_name, '(audit|action|approval)') GROUP BY table_name ORDER BY table_name`);
  const out: ReportData['audit'] = [];
  for (const t of tables) {
    const name = t.table_name as string;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) continue;
    const cols = t.cols as string[];
    const timeCol = ['ts', 'time', 'at', 'created_at', 'requested_at', 'decided_at'].find((c) => cols.includes(c));
    const where = timeCol ? ` WHERE ${timeCol} BETWEEN make_timestamp(${Math.round(from * 1000)}) AND make_timestamp(${Math.round(to * 1000)})` : '';
    try {
      out.push({ table: name, rows: await storage.query(`SELECT * FROM ${name}${where} LIMIT 200`) });
    } catch {
      // A table shaped unlike we expect is left out rather than failing the whole report.
    }
  }
  return out;
}

function round(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : String(v);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A line chart as inline SVG. */
function chartSvg(c: ReportData['charts'][number], from: number, to: number): string {
  const w = 560;
  const h = 140;
  const vals = c.points.map((p) => p[1]).filter(Number.isFinite);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const x = (t: number) => 40 + ((t - from) / Math.max(1, to - from)) * (w - 50);
  const y = (v: number) => 10 + (1 - (v - lo) / (hi - lo || 1)) * (h - 30);
  const pts = c.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(`${c.entity} ${c.name}`)}">
<rect x="0" y="0" width="${w}" height="${h}" fill="#0f1720"/>
<text x="40" y="${h - 6}" fill="#9fb3c8" font-size="10">${esc(iso(from))}</text><text x="${w - 10}" y="${h - 6}" fill="#9fb3c8" font-size="10" text-anchor="end">${esc(iso(to))}</text>
<text x="4" y="14" fill="#9fb3c8" font-size="10">${esc(round(hi))}</text><text x="4" y="${h - 22}" fill="#9fb3c8" font-size="10">${esc(round(lo))}</text>
<polyline fill="none" stroke="#4fc3f7" stroke-width="1.5" points="${pts}"/></svg>`;
}

/** Node positions on a circle, root causes first: stable and readable for a few dozen nodes. */
function circleLayout(topology: Topology, first: Set<string>, w: number, h: number): Map<string, [number, number]> {
  const nodes = [...topology.nodes].sort((a, b) => Number(first.has(b.id)) - Number(first.has(a.id)) || a.id.localeCompare(b.id));
  const pos = new Map<string, [number, number]>();
  const r = Math.min(w, h) / 2 - 40;
  nodes.forEach((n, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, nodes.length) - Math.PI / 2;
    pos.set(n.id, [w / 2 + r * Math.cos(a), h / 2 + r * Math.sin(a)]);
  });
  return pos;
}

function topologySvg(d: ReportData): string {
  const w = 560;
  const h = 360;
  const causes = new Set(d.incidents.flatMap((i) => i.rootCauses.slice(0, 1).map((r) => r.entity)));
  const involved = new Set(d.incidents.flatMap((i) => i.entities));
  const pos = circleLayout(d.topology, causes, w, h);
  const edges = d.topology.edges
    .filter((e) => pos.has(e.source) && pos.has(e.target))
    .map((e) => {
      const [x1, y1] = pos.get(e.source)!;
      const [x2, y2] = pos.get(e.target)!;
      return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="#3b4a5a" stroke-width="1"/>`;
    })
    .join('');
  const nodes = d.topology.nodes
    .map((n) => {
      const [x, y] = pos.get(n.id)!;
      const fill = causes.has(n.id) ? '#ff5252' : involved.has(n.id) ? '#ffb74d' : '#607d8b';
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="7" fill="${fill}"/><text x="${(x + 9).toFixed(1)}" y="${(y + 4).toFixed(1)}" fill="#e0e6ed" font-size="10">${esc(n.name)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="topology snapshot"><rect width="${w}" height="${h}" fill="#0f1720"/>${edges}${nodes}</svg>`;
}

/** The report as one self-contained HTML file. */
export function renderReportHtml(d: ReportData): string {
  const incidents = d.incidents
    .map(
      (i) => `<section class="incident" data-incident="${esc(i.id)}">
<h2>${esc(i.title)}</h2>
<p class="meta">${esc(i.severity)} · ${esc(i.status)} · opened ${esc(iso(i.openedAt))}${i.resolvedAt ? ` · resolved ${esc(iso(i.resolvedAt))}` : ''} · ${i.alertCount} signals · id ${esc(i.id)}</p>
<h3>Root-cause candidates</h3>
<ol>${i.rootCauses.map((r) => `<li><b>${esc(r.entity)}</b> (score ${esc(round(r.score))})<ul>${r.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></li>`).join('') || '<li>none ranked</li>'}</ol>
<h3>Member alerts and anomalies</h3>
<table><tr><th>time</th><th>kind</th><th>entity</th><th>severity</th><th>title</th></tr>
${i.members.map((m) => `<tr><td>${esc(iso(m.time))}</td><td>${esc(m.kind)}</td><td>${esc(m.entity)}</td><td>${esc(m.severity ?? '')}</td><td>${esc(m.title)}</td></tr>`).join('\n')}</table>
</section>`,
    )
    .join('\n');
  const timeline = d.timeline.map((t) => `<tr class="${t.kind}"><td>${esc(iso(t.time))}</td><td>${t.kind}</td><td>${esc(t.entity)}</td><td>${esc(t.text)}</td></tr>`).join('\n');
  const charts = d.charts.map((c) => `<figure><figcaption>${esc(c.entity)} — ${esc(c.name)}</figcaption>${chartSvg(c, d.from, d.to)}</figure>`).join('\n');
  const audit = d.audit.length
    ? d.audit
        .map((a) => {
          const cols = a.rows.length ? Object.keys(a.rows[0]) : [];
          return `<h3>${esc(a.table)}</h3><table><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${a.rows
            .map((r) => `<tr>${cols.map((c) => `<td>${esc(typeof r[c] === 'object' ? JSON.stringify(r[c]) : r[c])}</td>`).join('')}</tr>`)
            .join('')}</table>`;
        })
        .join('')
    : '<p>No actions or approvals are recorded in this database.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<meta name="generator" content="Watchfloor">
<style>
body{font:14px/1.45 system-ui,sans-serif;background:#0b1118;color:#e0e6ed;margin:24px;max-width:1100px}
h1{font-size:24px}h2{font-size:19px;border-top:1px solid #2a3a4a;padding-top:12px}h3{font-size:15px;color:#9fb3c8}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{border-bottom:1px solid #22303e;padding:3px 6px;text-align:left;vertical-align:top}
tr.alert td:nth-child(2){color:#ffb74d}tr.anomaly td:nth-child(2){color:#4fc3f7}tr.change td:nth-child(2){color:#aed581}
.meta{color:#9fb3c8}figure{margin:8px 0}figcaption{color:#9fb3c8;font-size:12px}
</style></head>
<body data-report="watchfloor-evidence">
<h1>${esc(d.title)}</h1>
<p class="meta">Range ${esc(iso(d.from))} – ${esc(iso(d.to))} · generated ${esc(iso(d.generatedAt))} by Watchfloor · ${d.incidents.length} incident(s)</p>
${incidents || '<p>No incident in this range.</p>'}
<h2>Topology snapshot</h2>
${d.topology.nodes.length ? topologySvg(d) : '<p>No topology around the incident.</p>'}
<h2>Key charts</h2>
${charts || '<p>No metric series for the root-cause candidates.</p>'}
<h2>Timeline</h2>
<table><tr><th>time</th><th>kind</th><th>entity</th><th>what</th></tr>
${timeline}</table>
<h2>Actions and approvals</h2>
${audit}
</body></html>
`;
}

/** The report as PDF. */
export function renderReportPdf(d: ReportData): Buffer {
  const doc = new PdfDocument(d.title);
  let page = doc.addPage();
  let y = 50;
  const left = 40;
  const width = 515;
  const ensure = (h: number) => {
    if (y + h > 800) {
      page = doc.addPage();
      y = 50;
    }
  };
  const line = (s: string, size = 10, opts: { bold?: boolean; color?: Rgb; indent?: number } = {}) => {
    for (const l of wrap(s, size, width - (opts.indent ?? 0))) {
      ensure(size + 4);
      page.text(left + (opts.indent ?? 0), y, l, size, opts);
      y += size + 4;
    }
  };
  const heading = (s: string) => {
    y += 8;
    ensure(40);
    line(s, 14, { bold: true });
  };
  line(d.title, 16, { bold: true });
  line(`Range ${iso(d.from)} - ${iso(d.to)}; generated ${iso(d.generatedAt)} by Watchfloor; ${d.incidents.length} incident(s)`, 9, { color: [0.35, 0.35, 0.35] });
  for (const i of d.incidents) {
    heading(i.title);
    line(`${i.severity}, ${i.status}, opened ${iso(i.openedAt)}${i.resolvedAt ? `, resolved ${iso(i.resolvedAt)}` : ''}, ${i.alertCount} signals, id ${i.id}`, 9);
    line('Root-cause candidates', 11, { bold: true });
    for (const [n, r] of i.rootCauses.entries()) {
      line(`${n + 1}. ${r.entity} (score ${round(r.score)})`, 10, { indent: 8 });
      for (const e of r.evidence) line(`- ${e}`, 9, { indent: 20 });
    }
    line('Member alerts and anomalies', 11, { bold: true });
    for (const m of i.members.slice(0, 80)) line(`${iso(m.time)}  ${m.kind}  ${m.entity}  ${m.severity ?? ''}  ${m.title}`, 8, { indent: 8 });
  }
  if (d.charts.length) {
    heading('Key charts');
    for (const c of d.charts) {
      ensure(120);
      line(`${c.entity} - ${c.name}`, 9, { bold: true });
      const vals = c.points.map((p) => p[1]).filter(Number.isFinite);
      const lo = Math.min(...vals);
      const hi = Math.max(...vals);
      page.rect(left, y, width, 90, [0.95, 0.96, 0.98]);
      page.polyline(
        c.points.map(([t, v]) => [left + ((t - d.from) / Math.max(1, d.to - d.from)) * width, y + 85 - ((v - lo) / (hi - lo || 1)) * 80]),
        [0.1, 0.45, 0.8],
        1.2,
      );
      page.text(left + 2, y + 10, round(hi), 7);
      page.text(left + 2, y + 88, round(lo), 7);
      y += 100;
    }
  }
  if (d.topology.nodes.length) {
    heading('Topology snapshot');
    ensure(260);
    drawTopology(page, d, left, y, width, 250);
    y += 260;
  }
  heading('Timeline');
  for (const t of d.timeline) line(`${iso(t.time)}  ${t.kind}  ${t.entity}  ${t.text}`, 8);
  heading('Actions and approvals');
  if (!d.audit.length) line('No actions or approvals are recorded in this database.', 9);
  for (const a of d.audit) {
    line(a.table, 10, { bold: true });
    for (const r of a.rows) line(JSON.stringify(r), 8, { indent: 8 });
  }
  return doc.toBuffer();
}

function drawTopology(page: PdfPage, d: ReportData, x0: number, y0: number, w: number, h: number): void {
  const causes = new Set(d.incidents.flatMap((i) => i.rootCauses.slice(0, 1).map((r) => r.entity)));
  const involved = new Set(d.incidents.flatMap((i) => i.entities));
  const pos = circleLayout(d.topology, causes, w, h);
  page.rect(x0, y0, w, h, [0.96, 0.97, 0.98]);
  for (const e of d.topology.edges) {
    const a = pos.get(e.source);
    const b = pos.get(e.target);
    if (a && b) page.polyline([[x0 + a[0], y0 + a[1]], [x0 + b[0], y0 + b[1]]], [0.6, 0.65, 0.7], 0.6);
  }
  for (const n of d.topology.nodes) {
    const [x, y] = pos.get(n.id)!;
    const c: Rgb = causes.has(n.id) ? [0.9, 0.2, 0.2] : involved.has(n.id) ? [0.95, 0.6, 0.2] : [0.4, 0.5, 0.55];
    page.rect(x0 + x - 4, y0 + y - 4, 8, 8, c);
    page.text(x0 + x + 6, y0 + y + 3, n.name, 7);
  }
}

/** File name-safe stamp. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/**
 * Writes an evidence bundle into `DATA_DIR/exports/bundle-<stamp>/`: one Parquet file per table and a
 * manifest.json listing each file's table, rows, bytes and SHA-256. Returns the folder and manifest.
 */
export async function writeBundle(storage: Storage, scope: ReportScope, now = Date.now()): Promise<{ dir: string; manifest: BundleManifest }> {
  const dataDir = storage.dataDir;
  if (dataDir === null) throw new Error('bundles need a data directory on disk');
  let range: { from: number; to: number; incidentIds?: string[] };
  if ('incidentId' in scope) {
    const inc = await storage.getIncident(scope.incidentId);
    if (!inc) throw Object.assign(new Error(`incidentId: incident ${scope.incidentId} does not exist`), { field: 'incidentId', status: 404 });
    range = { from: inc.openedAt - MARGIN_MS, to: (inc.resolvedAt ?? inc.updatedAt) + MARGIN_MS, incidentIds: [inc.id] };
  } else {
    range = { from: scope.from, to: scope.to };
  }
  const dir = path.join(dataDir, 'exports', `bundle-${stamp(now)}`);
  await mkdir(dir, { recursive: true });
  const counts = await exportBundleTables(storage, dir, range);
  const files: BundleManifest['files'] = [];
  for (const table of BUNDLE_TABLES) {
    const rel = `${table}.parquet`;
    const buf = await readFile(path.join(dir, rel));
    files.push({ path: rel, table, rows: counts[table], bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') });
  }
  const incidentIds =
    range.incidentIds ??
    (await storage.listIncidents('all', 100_000)).filter((i) => i.openedAt <= range.to && (i.resolvedAt ?? i.updatedAt) >= range.from).map((i) => i.id);
  const manifest: BundleManifest = {
    format: 'watchfloor-evidence-bundle',
    version: 1,
    createdAt: new Date(now).toISOString(),
    range: { from: range.from, to: range.to },
    incidentIds,
    files,
  };
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return { dir, manifest };
}

/** Writes the HTML and PDF of a report into `DATA_DIR/exports/`; returns their paths. */
export async function writeReportFiles(
  storage: Storage,
  scope: ReportScope,
  now = Date.now(),
  auditSource?: AuditSource,
): Promise<{ html: string; pdf: string; data: ReportData }> {
  const dataDir = storage.dataDir;
  if (dataDir === null) throw new Error('reports need a data directory on disk');
  const data = await gatherReport(storage, scope, now, auditSource);
  const dir = path.join(dataDir, 'exports');
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `report-${stamp(now)}`);
  await writeFile(`${base}.html`, renderReportHtml(data));
  await writeFile(`${base}.pdf`, renderReportPdf(data));
  return { html: `${base}.html`, pdf: `${base}.pdf`, data };
}
