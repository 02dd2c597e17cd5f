/**
 * SQL console: read-only queries over every table, the cold tier included (the engine shows aged-out
 * rows under the tables' own names). Table and column completion from the schema, a virtualised result
 * grid, a chart of any result (line, bar, heatmap), saved queries, and progress with cancel for long
 * queries. Queries run in the engine on their own DuckDB connection, off the UI thread and off the
 * ingest path.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { EChartsOption } from 'echarts';
import * as echarts from 'echarts/core';
import { HeatmapChart } from 'echarts/charts';
import { VisualMapComponent } from 'echarts/components';
import type { SavedQueryBody, SchemaTable, SqlResultBody } from '../../../../core/common/forensics-schemas.ts';
import { EChart } from '../../shared/echart.tsx';
import { palette } from '../../shared/theme.ts';
import { Panel } from '../../shared/ui.tsx';
import { ForensicsFrame, useForensics } from '../cases/forensics-nav.tsx';
import { applyCompletion, completions, defaultChartColumns, visibleRows, type ChartKind, type Completion } from './sql-model.ts';

// The shared chart wrapper registers line/bar/scatter; the console also draws heatmaps.
echarts.use([HeatmapChart, VisualMapComponent]);

const ROW_HEIGHT = 28;
const DEFAULT_SQL = `SELECT time_bucket(INTERVAL '1 minute', ts) AS minute, severity, count(*) AS alerts
FROM alerts GROUP BY ALL ORDER BY minute`;

function cellText(v: unknown, type: string): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' && /TIMESTAMP|DATE/.test(type)) return new Date(v).toISOString().replace('T', ' ').replace('.000Z', 'Z');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A grid that renders only the rows in view. */
function ResultGrid({ result }: { result: SqlResultBody }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 400 });
  useEffect(() => {
    const el = ref.current;
    if (el) setScroll({ top: el.scrollTop, height: el.clientHeight });
  }, [result]);
  const [first, last] = visibleRows(scroll.top, scroll.height, ROW_HEIGHT, result.rows.length);
  const width = `${result.columns.length * 12 + 1}em`;
  return (
    <div
      className="grid-viewport"
      ref={ref}
      data-testid="result-grid"
      data-rows={result.rows.length}
      data-rendered={last - first}
      onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
    >
      <div className="grid-head" style={{ width }}>
        {result.columns.map((c) => (
          <div className="grid-cell" key={c.name} title={c.type}>
            {c.name}
          </div>
        ))}
      </div>
      <div style={{ height: result.rows.length * ROW_HEIGHT, position: 'relative', width }}>
        {result.rows.slice(first, last).map((r, i) => (
          <div className="grid-row" key={first + i} style={{ top: (first + i) * ROW_HEIGHT, width }} data-testid="grid-row">
            {r.map((v, j) => (
              <div className="grid-cell" key={j}>
                {cellText(v, result.columns[j].type)}
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The chart of a result. */
function ResultChart({ result }: { result: SqlResultBody }) {
  const defaults = useMemo(() => defaultChartColumns(result.columns), [result]);
  const [kind, setKind] = useState<ChartKind>('line');
  const [x, setX] = useState(defaults.x);
  const [y, setY] = useState(defaults.y);
  const [z, setZ] = useState(defaults.z);
  useEffect(() => {
    setX(defaults.x);
    setY(defaults.y);
    setZ(defaults.z);
  }, [defaults]);
  const isTime = /TIMESTAMP|DATE/.test(result.columns[x]?.type ?? '');
  const option = useMemo<EChartsOption>(() => {
    const axis = { axisLabel: { color: palette.textDim }, axisLine: { lineStyle: { color: '#3b4a5a' } }, splitLine: { lineStyle: { color: '#1c2430' } } };
    if (kind === 'heatmap') {
      const xs = [...new Set(result.rows.map((r) => cellText(r[x], result.columns[x].type)))];
      const zs = z >= 0 ? [...new Set(result.rows.map((r) => String(r[z])))] : ['value'];
      const data = result.rows.map((r) => [xs.indexOf(cellText(r[x], result.columns[x].type)), z >= 0 ? zs.indexOf(String(r[z])) : 0, Number(r[y])]);
      const vals = data.map((d) => d[2]).filter(Number.isFinite);
      return {
        animation: false,
        grid: { left: 120, right: 20, top: 10, bottom: 70 },
        tooltip: {},
        xAxis: { type: 'category', data: xs, ...axis },
        yAxis: { type: 'category', data: zs, ...axis },
        visualMap: { min: Math.min(...vals, 0), max: Math.max(...vals, 1), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, textStyle: { color: palette.textDim } },
        series: [{ type: 'heatmap', data }],
      };
    }
    const groups = new Map<string, [unknown, number][]>();
    for (const r of result.rows) {
      const g = z >= 0 && kind === 'line' ? String(r[z]) : result.columns[y]?.name ?? 'value';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push([r[x], Number(r[y])]);
    }
    return {
      animation: false,
      grid: { left: 60, right: 20, top: 30, bottom: 40 },
      tooltip: { trigger: 'axis' },
      legend: { textStyle: { color: palette.textDim }, type: 'scroll' },
      xAxis: isTime ? { type: 'time', ...axis } : { type: 'category', ...axis },
      yAxis: { type: 'value', ...axis },
      series: [...groups]
        .slice(0, 20)
        .map(([name, data]) =>
          kind === 'bar'
            ? { name, type: 'bar' as const, data: data as [number, number][], large: true }
            : { name, type: 'line' as const, data: data as [number, number][], showSymbol: false, sampling: 'lttb' as const },
        ),
    };
  }, [result, kind, x, y, z, isTime]);
  const select = (value: number, set: (n: number) => void, testId: string, allowNone = false) => (
    <select value={value} onChange={(e) => set(Number(e.target.value))} data-testid={testId}>
      {allowNone && <option value={-1}>—</option>}
      {result.columns.map((c, i) => (
        <option key={c.name + i} value={i}>
          {c.name}
        </option>
      ))}
    </select>
  );
  return (
    <Panel
      title="Chart"
      extra={
        <div className="row">
          <div className="segmented">
            {(['line', 'bar', 'heatmap'] as const).map((k) => (
              <button key={k} className={k === kind ? 'active' : ''} onClick={() => setKind(k)} data-testid={`chart-${k}`}>
                {k}
              </button>
            ))}
          </div>
          x {select(x, setX, 'chart-x')} y {select(y, setY, 'chart-y')} {kind === 'heatmap' ? 'rows' : 'series'} {select(z, setZ, 'chart-z', true)}
        </div>
      }
    >
      <div className="sql-chart" data-testid="sql-chart" data-kind={kind} data-points={result.rows.length}>
        <EChart option={option} testId="sql-echart" />
      </div>
    </Panel>
  );
}

/** The SQL console view. */
export function SqlView({ kiosk }: { kiosk: boolean }) {
  const client = useForensics();
  const [sql, setSql] = useState(DEFAULT_SQL);
  const [schema, setSchema] = useState<SchemaTable[]>([]);
  const [saved, setSaved] = useState<SavedQueryBody[]>([]);
  const [result, setResult] = useState<SqlResultBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [menu, setMenu] = useState<{ items: Completion[]; sel: number } | null>(null);
  const [saveName, setSaveName] = useState('');
  const editor = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    void client.schema().then(setSchema).catch(() => undefined);
    void client.savedQueries().then(setSaved).catch(() => undefined);
  }, [client]);

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void client.sqlProgress(running).then((p) => setProgress(p.percent)).catch(() => undefined);
    }, 300);
    return () => clearInterval(timer);
  }, [running, client]);

  const run = async () => {
    const id = `q${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    setRunning(id);
    setProgress(null);
    setError(null);
    try {
      setResult(await client.sql(sql, id));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRunning(null);
    }
  };

  const complete = (item: Completion) => {
    const el = editor.current;
    if (!el) return;
    const next = applyCompletion(sql, el.selectionStart, item.text);
    setSql(next.sql);
    setMenu(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.cursor, next.cursor);
    });
  };

  return (
    <ForensicsFrame tab="sql" kiosk={kiosk}>
      <Panel
        title="SQL (read-only)"
        extra={
          <div className="row">
            {running ? (
              <>
                <span data-testid="sql-progress">{progress === null ? 'running…' : `${progress.toFixed(0)}%`}</span>
                <button className="quiet" onClick={() => void client.cancelSql(running)} data-testid="sql-cancel">
                  Cancel
                </button>
              </>
            ) : (
              <button className="act" onClick={() => void run()} data-testid="sql-run">
                Run (Ctrl+Enter)
              </button>
            )}
          </div>
        }
      >
        <div className="sql-editor-wrap">
          <textarea
            ref={editor}
            className="sql-editor"
            value={sql}
            spellCheck={false}
            data-testid="sql-editor"
            onChange={(e) => {
              setSql(e.target.value);
              const items = completions(e.target.value, e.target.selectionStart, schema);
              setMenu(items.length ? { items, sel: 0 } : null);
            }}
            onKeyDown={(e) => {
              if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
                e.preventDefault();
                void run();
              } else if (menu && (e.key === 'Tab' || e.key === 'Enter')) {
                e.preventDefault();
                complete(menu.items[menu.sel]);
              } else if (menu && e.key === 'ArrowDown') {
                e.preventDefault();
                setMenu({ ...menu, sel: (menu.sel + 1) % menu.items.length });
              } else if (menu && e.key === 'ArrowUp') {
                e.preventDefault();
                setMenu({ ...menu, sel: (menu.sel + menu.items.length - 1) % menu.items.length });
              } else if (e.key === 'Escape') setMenu(null);
            }}
            onBlur={() => setTimeout(() => setMenu(null), 150)}
          />
          {menu && (
            <div className="completions" data-testid="completions">
              {menu.items.map((c, i) => (
                <div key={c.text} className={i === menu.sel ? 'sel' : ''} onMouseDown={() => complete(c)}>
                  <span>{c.text}</span>
                  <span className="dim">{c.detail}</span>
                </div>
              ))}
            </div>
          )}
        </div>
        <div className="row" style={{ marginTop: '0.6em' }}>
          <input value={saveName} onChange={(e) => setSaveName(e.target.value)} placeholder="name" data-testid="save-name" />
          <button
            className="quiet"
            disabled={!saveName.trim()}
            onClick={() => void client.saveQuery(saveName.trim(), sql).then(setSaved).catch((err: Error) => setError(err.message))}
            data-testid="save-query"
          >
            Save query
          </button>
          <div className="saved-list" data-testid="saved-queries">
            {saved.map((q) => (
              <span key={q.name} className="row" style={{ gap: '0.2em' }}>
                <button className="quiet" onClick={() => setSql(q.sql)} title={q.sql}>
                  {q.name}
                </button>
                <button className="link-button" onClick={() => void client.deleteQuery(q.name).then(setSaved)} aria-label={`delete ${q.name}`}>
                  ×
                </button>
              </span>
            ))}
          </div>
        </div>
        {error && (
          <div className="error" data-testid="sql-error">
            {error}
          </div>
        )}
      </Panel>
      {result && (
        <>
          <Panel title={`Result: ${result.rows.length.toLocaleString()} rows${result.truncated ? ' (truncated)' : ''} in ${result.elapsedMs} ms`}>
            <ResultGrid result={result} />
          </Panel>
          {result.columns.length > 0 && result.rows.length > 0 && <ResultChart result={result} />}
        </>
      )}
    </ForensicsFrame>
  );
}
