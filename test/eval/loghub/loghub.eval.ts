/**
 * Template-mining accuracy and speed over Loghub-2k (ten systems, corrected labels; see dataset.ts
 * for the citation), with the one built-in configuration for every system.
 * Prints per system and on average: GA, PA, FGA, FTA (Loghub-2.0 definitions, see
 * core/analytics/logs/parsing-accuracy.ts) and mining rate in lines per CPU-second of this thread
 * (median of repeated runs; masking + mining of the content, header parsing excluded, and with it
 * included). CPU time rather than wall time, because the machines this runs on are shared: wall
 * time would count other processes' turns.
 * Usage: npm run eval:loghub [-- --repeat 15 --errors SYSTEM]
 */
import { parseArgs } from 'node:util';
import { resolveLineFormat } from '../../../core/analytics/logs/header-format.ts';
import { scoreParsing, type ParsedPair } from '../../../core/analytics/logs/parsing-accuracy.ts';
import { TemplateMiner } from '../../../core/analytics/logs/template-miner.ts';
import { loadLoghub, loghubDir } from './dataset.ts';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '15' },
    errors: { type: 'string' },
  },
});

const dir = loghubDir();
if (!dir) {
  console.error('eval:loghub: the Loghub-2k dataset is not there: expected ../shared/datasets/loghub-2k beside the repository, or set WATCHFLOOR_SHARED to the shared folder');
  process.exit(1);
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return Math.max(1e-6, (d.user + d.system) / 1e6);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const systems = loadLoghub(dir);
const repeat = Math.max(1, Number(values.repeat));
console.log(`# Loghub-2k (Zhu et al. ISSRE 2023; corrected labels, Jiang et al. ISSTA 2024) — ${systems.length} systems, one configuration`);
console.log('system      lines  unparsed  groups(true)   GA     PA     FGA    FTA    mine lines/CPU-s  parse+mine lines/CPU-s');
const rows: { ga: number; pa: number; fga: number; fta: number; rate: number; rateAll: number }[] = [];
for (const sys of systems) {
  process.stderr.write(`  ${sys.name}: mining ${sys.lines.length} lines × ${repeat}\n`);
  const format = resolveLineFormat(sys.format);
  let unparsed = 0;
  const contents = sys.lines.map((l) => {
    const p = format.parse(l);
    if (!p) unparsed++;
    return p ? p.content : l;
  });
  const miner = new TemplateMiner();
  const ids = contents.map((c) => miner.mine(c).templateId);
  const pairs: ParsedPair[] = ids.map((id, i) => {
    const t = miner.get(id)!;
    return { predictedGroup: t.id, predictedTemplate: t.template, trueGroup: sys.truth[i]!.eventId, trueTemplate: sys.truth[i]!.template };
  });
  const acc = scoreParsing(pairs);
  const rates: number[] = [];
  const ratesAll: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const m = new TemplateMiner();
    const c0 = process.cpuUsage();
    for (const c of contents) m.mine(c);
    rates.push(contents.length / cpuSeconds(c0));
    const m2 = new TemplateMiner();
    const c1 = process.cpuUsage();
    for (const l of sys.lines) m2.mine(format.parse(l)?.content ?? l);
    ratesAll.push(sys.lines.length / cpuSeconds(c1));
  }
  const row = { ...acc, rate: median(rates), rateAll: median(ratesAll) };
  rows.push(row);
  console.log(
    `${sys.name.padEnd(10)} ${String(sys.lines.length).padStart(6)} ${String(unparsed).padStart(9)}  ${`${acc.predictedGroups}(${acc.trueGroups})`.padStart(12)}  ${acc.ga.toFixed(3)}  ${acc.pa.toFixed(3)}  ${acc.fga.toFixed(3)}  ${acc.fta.toFixed(3)}  ${Math.round(row.rate).toLocaleString('en').padStart(16)}  ${Math.round(row.rateAll).toLocaleString('en').padStart(22)}`,
  );
  if (values.errors === sys.name || values.errors === 'all') {
    const byTrue = new Map<string, Map<string, number>>();
    pairs.forEach((p) => {
      const m = byTrue.get(p.trueGroup) ?? byTrue.set(p.trueGroup, new Map()).get(p.trueGroup)!;
      m.set(p.predictedTemplate, (m.get(p.predictedTemplate) ?? 0) + 1);
    });
    const predSize = new Map<string, Set<string>>();
    pairs.forEach((p) => (predSize.get(p.predictedTemplate) ?? predSize.set(p.predictedTemplate, new Set()).get(p.predictedTemplate)!).add(p.trueGroup));
    for (const [g, m] of byTrue) {
      const tpl = sys.truth.find((t) => t.eventId === g)!.template;
      const bad = m.size > 1 || [...m.keys()].some((k) => predSize.get(k)!.size > 1) || ![...m.keys()].includes(tpl);
      if (!bad) continue;
      console.log(`  TRUE ${g}: ${tpl}`);
      for (const [k, n] of m) console.log(`     ${String(n).padStart(4)} ${predSize.get(k)!.size > 1 ? 'MIXED ' : ''}${k}`);
    }
  }
}
const avg = (k: 'ga' | 'pa' | 'fga' | 'fta' | 'rate' | 'rateAll') => rows.reduce((s, r) => s + r[k], 0) / rows.length;
console.log(
  `${'average'.padEnd(10)} ${''.padStart(6)} ${''.padStart(9)}  ${''.padStart(12)}  ${avg('ga').toFixed(3)}  ${avg('pa').toFixed(3)}  ${avg('fga').toFixed(3)}  ${avg('fta').toFixed(3)}  ${Math.round(median(rows.map((r) => r.rate))).toLocaleString('en').padStart(16)}  ${Math.round(median(rows.map((r) => r.rateAll))).toLocaleString('en').padStart(22)}`,
);
console.log('(rates: lines per CPU-second, median over runs per system; the average row gives the median over systems)');
