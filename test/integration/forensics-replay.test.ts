/**
 * Offline forensics over a recorded demo hour: a live engine records it; a second engine opened on the
 * same data directory (the case) replays it at full speed and must produce the live run's incidents.
 * The case then exports an evidence report (HTML without external assets; PDF rendered to PNG with
 * pdftoppm and checked to have content) and an evidence bundle, which a fresh case imports back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import type { ReplayStateBody } from '../../core/common/forensics-schemas.ts';
import { Storage } from '../../core/storage/storage.ts';
import { feedRange, feedTopology } from '../fixtures/demo-feed.ts';
import { repoRoot, startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';
import {
  HOUR_CHUNK as CHUNK,
  HOUR_LENGTH as LENGTH,
  HOUR_START as START,
  HOUR_WARMUP as WARMUP,
  incidentSnapshot as snapshot,
  recordedHourSimulator,
  waitReplay,
} from '../fixtures/recorded-hour.ts';

const run = promisify(execFile);

const engines: EngineProcess[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(engines.map((e) => e.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

test('a recorded demo hour replayed at full speed gives the live run its incidents; report and bundle round-trip', async (t) => {
  const sim = recordedHourSimulator();
  const dataDir = await tempDataDir('wf-case-');
  dirs.push(dataDir);
  const live = await startEngineProcess({ dataDir });
  engines.push(live);
  await feedTopology(live, sim);
  await feedRange(live, sim, START, START + LENGTH, { chunkMs: CHUNK });
  await live.json('/api/flush', { method: 'POST' });
  const recorded = await snapshot(live);
  assert.ok(recorded.length >= 2, `expected incidents for the two faults, got ${recorded.length}`);
  await live.stop();

  const analyst = await startEngineProcess({ dataDir });
  engines.push(analyst);
  const bad = await analyst.api('/api/replay', { body: { speed: 3 } });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, 'speed');
  await analyst.json('/api/replay', { body: { speed: 'max' } });
  const state = await waitReplay(analyst);
  assert.equal(state.status, 'done', state.error);
  assert.ok(state.clock! >= START + LENGTH - 1000, `clock ${state.clock} reached the end`);
  assert.deepEqual(await snapshot(analyst), recorded);

  await t.test('pause, seek back and resume at 100×: the clock moves in event time', async () => {
    await analyst.json('/api/replay', { body: { speed: 100, from: START + WARMUP, to: START + WARMUP + 10 * 60_000 } });
    await new Promise((r) => setTimeout(r, 800));
    const paused = await analyst.json<ReplayStateBody>('/api/replay/pause', { method: 'POST' });
    assert.equal(paused.status, 'paused');
    const c1 = paused.clock!;
    await new Promise((r) => setTimeout(r, 600));
    assert.ok((await analyst.json<ReplayStateBody>('/api/replay')).clock! - c1 <= 30_000, 'a paused replay does not advance (beyond the window in flight)');
    await analyst.json('/api/replay/seek', { body: { time: START + WARMUP + 9 * 60_000 } });
    await analyst.json('/api/replay/speed', { body: { speed: 'max' } });
    await analyst.json('/api/replay/resume', { method: 'POST' });
    const end = await waitReplay(analyst);
    assert.equal(end.status, 'done');
    assert.equal(end.clock, START + WARMUP + 10 * 60_000);
  });

  // Back to the full picture before exporting.
  await analyst.json('/api/replay', { body: { speed: 'max' } });
  assert.equal((await waitReplay(analyst)).status, 'done');
  const incident = recorded[0];

  await t.test('evidence report: self-contained HTML and a PDF with visible content', async () => {
    const r = await analyst.json<{ html: string; pdf: string; incidents: number }>('/api/reports', { body: { incidentId: incident.id } });
    assert.equal(r.incidents, 1);
    const html = await (await analyst.api(r.html)).text();
    assert.match(html, /<svg/);
    assert.match(html, /Root-cause candidates/);
    assert.ok(html.includes(incident.id));
    assert.doesNotMatch(html, /<script|<link|src="http|href="http|@import|url\(/i, 'no external asset, no script');
    const pdfRes = await analyst.api(r.pdf);
    assert.equal(pdfRes.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await pdfRes.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    if (!existsSync('/usr/bin/pdftoppm')) {
      t.skip('pdftoppm (poppler-utils) is not installed: the PDF is not rendered');
      return;
    }
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'wf-pdf-'));
    dirs.push(tmp);
    const pdfFile = path.join(tmp, 'r.pdf');
    await (await import('node:fs/promises')).writeFile(pdfFile, pdf);
    await run('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', pdfFile, path.join(tmp, 'page')]);
    const png = await readFile(path.join(tmp, (await (await import('node:fs/promises')).readdir(tmp)).find((f) => f.endsWith('.png'))!));
    // A blank A4 page at 40 dpi compresses to well under 1 kB; text and charts do not.
    assert.ok(png.length > 3000, `page 1 rendered to ${png.length} bytes of PNG`);
  });

  await t.test('evidence bundle: manifest with SHA-256 of every file, imported into a fresh case', async () => {
    const b = await analyst.json<{ dir: string; manifest: { files: { path: string; sha256: string; rows: number; table: string }[] } }>('/api/bundles', {
      body: { from: START, to: START + LENGTH },
    });
    assert.ok(b.manifest.files.length >= 9);
    for (const f of b.manifest.files) assert.match(f.sha256, /^[0-9a-f]{64}$/);
    const fresh = await tempDataDir('wf-fresh-');
    dirs.push(fresh);
    const r = await run(process.execPath, [path.join(repoRoot, 'dist', 'cli.mjs'), 'import', b.dir, '--data-dir', fresh], { cwd: repoRoot });
    assert.match(r.stdout, /"status":"imported"/);
    const s = await Storage.open({ path: path.join(fresh, 'watchfloor.duckdb') });
    try {
      const [m] = await s.query('SELECT count(*) AS n FROM metric_points');
      assert.equal(m.n, b.manifest.files.find((f) => f.table === 'metrics')!.rows);
      const incidents = await s.listIncidents('all');
      assert.deepEqual(incidents.map((i) => i.id).sort(), recorded.map((i) => i.id).sort());
      const detail = await s.getIncident(incident.id);
      assert.deepEqual(detail!.members.map((x) => `${x.time}|${x.kind}|${x.entity}|${x.fingerprint}`).sort(), incident.members);
    } finally {
      await s.close();
    }
    // Tampering is refused: a changed file no longer matches its SHA-256 and nothing is imported.
    const target = path.join(b.dir, 'alerts.parquet');
    const buf = await readFile(target);
    buf[buf.length - 20] ^= 0xff;
    await (await import('node:fs/promises')).writeFile(target, buf);
    const other = await tempDataDir('wf-tamper-');
    dirs.push(other);
    const tampered = await run(process.execPath, [path.join(repoRoot, 'dist', 'cli.mjs'), 'import', b.dir, '--data-dir', other], { cwd: repoRoot }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    assert.equal((tampered as { code?: number }).code, 1);
    assert.match((tampered as { stderr: string }).stderr, /alerts\.parquet: SHA-256 .* does not match/);
  });
});
