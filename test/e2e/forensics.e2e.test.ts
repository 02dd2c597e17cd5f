/**
 * End-to-end forensics in Debian's Chromium against the real engine: drag a file into the import view
 * and watch its progress finish, run a query in the SQL console (with completion) and draw its chart,
 * and export an evidence report whose PDF is rendered to PNG and checked to have content; then time
 * travel: a paused replay seeks, and the topology, the timeline and the wall show the estate as of its clock.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';
import { browserUnavailable, launchBrowser } from '../pages/browser.ts';
import { ForensicsPage } from '../pages/forensics-page.ts';
import { TimelinePage } from '../pages/timeline-page.ts';
import { TopologyPage } from '../pages/topology-page.ts';
import { WallPage } from '../pages/wall-page.ts';
import { feedGrowingEstate, GROW_T0, GROW_T1 } from '../fixtures/growing-estate.ts';

const run = promisify(execFile);
const skip = browserUnavailable();
const T0 = Date.UTC(2026, 4, 4, 8, 0, 0);
let engine: EngineProcess;
let browser: Browser;
let tmp: string;

before(async () => {
  if (skip) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'wf-e2e-forensics-'));
  engine = await startEngineProcess();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await engine?.stop({ removeData: true });
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('drag a file in, query it and chart it, export a report as HTML and PDF', { skip: skip ?? false }, async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const f = new ForensicsPage(page, engine.apiUrl, engine.token);

  // 1. Drag a CSV of two hosts' load in; one bad line is reported, the rest imports.
  const lines = ['time,host,name,value'];
  for (let i = 0; i < 240; i++) {
    const t = new Date(T0 + i * 30_000).toISOString();
    lines.push(`${t},web-1,load,${(1 + Math.sin(i / 10)).toFixed(3)}`, `${t},web-2,load,${(2 + Math.cos(i / 7)).toFixed(3)}`);
  }
  lines.push('tomorrow,web-1,load,1');
  await f.open('import');
  await f.dropFile('load.csv', `${lines.join('\n')}\n`, 'text/csv');
  const job = await f.waitImportDone();
  assert.deepEqual(job, { state: 'done', rows: 480, badRows: 1 });
  await page.getByTestId('bad-rows').getByText("load.csv:482: time: 'tomorrow' is not a time").waitFor();

  // 2. SQL: completion offers the tables, then a per-minute query drawn as a line chart.
  await f.tab('sql');
  assert.ok((await f.completionsFor('SELECT * FROM metr')).includes('metrics_all'));
  const rows = await f.runQuery(`SELECT time_bucket(INTERVAL '1 minute', ts) AS minute, host, avg(value) AS load
FROM metrics WHERE name = 'load' GROUP BY ALL ORDER BY minute, host`);
  assert.equal(rows, 240);
  const chart = await f.drawChart('line');
  assert.equal(chart.points, 240);
  assert.ok(await f.chartHasInk(), 'the line chart drew something');
  await f.drawChart('heatmap');
  assert.ok(await f.chartHasInk(), 'the heatmap drew something');

  // 3. Reports: a range report, downloaded as HTML and PDF; the PDF renders to a page with content.
  await f.tab('reports');
  const { html, pdf } = await f.exportRangeReport('2026-05-04T07:50', '2026-05-04T10:10');
  const htmlPath = path.join(tmp, 'report.html');
  const pdfPath = path.join(tmp, 'report.pdf');
  await html.saveAs(htmlPath);
  await pdf.saveAs(pdfPath);
  const htmlText = await readFile(htmlPath, 'utf8');
  assert.match(htmlText, /Evidence report/);
  assert.doesNotMatch(htmlText, /<script|src="http|href="http/);
  assert.equal((await readFile(pdfPath)).subarray(0, 5).toString(), '%PDF-');
  if (!existsSync('/usr/bin/pdftoppm')) {
    assert.ok((await stat(pdfPath)).size > 500);
    return;
  }
  await run('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', pdfPath, path.join(tmp, 'page')]);
  const png = (await readdir(tmp)).find((x) => x.startsWith('page') && x.endsWith('.png'));
  assert.ok(png, 'pdftoppm rendered page 1');
  assert.ok((await stat(path.join(tmp, png))).size > 2000, 'the rendered page has content');
  await context.close();
});

test('time travel: the topology, the timeline and the wall follow a replay seek', { skip: skip ?? false }, async () => {
  const estate = await startEngineProcess();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    await feedGrowingEstate(estate);
    await estate.json('/api/flush', { method: 'POST' });
    const page = await context.newPage();
    const f = new ForensicsPage(page, estate.apiUrl, estate.token);
    await f.open('replay');
    await f.startPausedReplay('1×');
    const early = GROW_T0 + 10 * 60_000;
    await estate.json('/api/replay/seek', { body: { time: early } });
    await f.waitReplayClock(early);

    const topology = new TopologyPage(page);
    await page.goto(`${estate.apiUrl}/topology#token=${encodeURIComponent(estate.token)}`);
    const before = await topology.waitAsOf(early);
    assert.deepEqual([before.nodes, before.edges], [2, 1], 'only api and its host had reported by then');
    // Seeking while the view is open: it follows the replay clock without a reload.
    const late = GROW_T1 + 5 * 60_000;
    await estate.json('/api/replay/seek', { body: { time: late } });
    const after = await topology.waitAsOf(late);
    assert.deepEqual([after.nodes, after.edges], [4, 2], 'billing and its host joined at T1');
    assert.ok(after.drawn > before.drawn, `the graph drew more nodes (${before.drawn} → ${after.drawn})`);

    const timeline = new TimelinePage(page);
    await page.goto(`${estate.apiUrl}/timeline#token=${encodeURIComponent(estate.token)}`);
    assert.equal(await timeline.waitAsOf(late), late, 'the timeline range ends at the replay clock');
    await estate.json('/api/replay/seek', { body: { time: early } });
    assert.equal(await timeline.waitAsOf(early), early);

    const wall = new WallPage(page);
    await page.goto(`${estate.apiUrl}/#token=${encodeURIComponent(estate.token)}`);
    assert.equal(await wall.waitAsOf(early, 2), 2, 'the wall draws the estate as of the replay clock, not the live one');
    await estate.json('/api/replay/seek', { body: { time: late } });
    assert.equal(await wall.waitAsOf(late, 4), 4, 'the wall follows a seek');
  } finally {
    await context.close();
    await estate.stop({ removeData: true });
  }
});
