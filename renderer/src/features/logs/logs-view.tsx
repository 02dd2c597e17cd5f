/**
 * Log explorer: templates by line count with sparklines over a chosen range, filter by entity, drill
 * into a template's lines (stored masked), and the template events (new, surge, disappeared) of the
 * window. The range ends at the newest stored log line, so replayed data is shown where it is.
 */
import { useMemo, useState } from 'react';
import type { LogTemplateSummary } from '../../../../core/common/log-schemas.ts';
import { useLiveStream } from '../../api/hooks.tsx';
import { entityLabel, formatClock, formatDateTime } from '../../shared/format.ts';
import { navigate } from '../../shared/router.ts';
import { NavBar, Panel } from '../../shared/ui.tsx';
import { useLogTemplates, useTemplateEvents, useTemplateLines } from './hooks.ts';
import { LOG_RANGES, rangeSpan, sparkPoints, templateParts, type LogRangeKey } from './logs-model.ts';
import './logs.css';

function Spark({ values }: { values: number[] }) {
  return (
    <svg className="logs-spark" width="120" height="24" viewBox="0 0 120 24" aria-hidden="true">
      <polyline points={sparkPoints(values, 120, 22)} transform="translate(0,1)" />
    </svg>
  );
}

function TemplateText({ template }: { template: string }) {
  return (
    <span className="logs-template">
      {templateParts(template).map((p, i) => (p.variable ? <span key={i} className="logs-var">{p.text}</span> : <span key={i}>{p.text}</span>))}
    </span>
  );
}

/** Keeps entity and template in the URL, so a drill-down can be linked and reloaded. */
function go(entity: string, template: string | null): void {
  const q = new URLSearchParams();
  if (entity) q.set('entity', entity);
  if (template) q.set('template', template);
  const s = q.toString();
  navigate(`/logs${s ? `?${s}` : ''}`);
}

/** The log explorer view. */
export function LogsView({ kiosk, entity, template }: { kiosk: boolean; entity: string | null; template: string | null }) {
  useLiveStream();
  const [range, setRange] = useState<LogRangeKey>('1h');
  const ent = entity ?? '';
  const templates = useLogTemplates(rangeSpan(range), ent);
  const from = templates.data?.from ?? 0;
  const to = templates.data?.to ?? 0;
  const list = templates.data?.templates ?? [];
  const selected: LogTemplateSummary | undefined = list.find((t) => t.id === template);
  const lines = useTemplateLines(template, ent, from, to);
  const events = useTemplateEvents(from, to);
  // Entities to filter by: those logging in the window (filtered, only the current one; 'all' widens again).
  const entities = useMemo(() => {
    const seen = new Set<string>();
    for (const t of list) for (const e of t.entities) seen.add(e);
    if (ent) seen.add(ent);
    return [...seen].sort();
  }, [list, ent]);
  const total = list.reduce((a, t) => a + t.count, 0);

  return (
    <div className="page logs-page" data-testid="logs-view" data-state={templates.data ? 'ready' : 'loading'}>
      {!kiosk && <NavBar current="/logs" />}
      <div className="logs-body">
        <div className="logs-bar">
          <h1>Logs</h1>
          <div className="segmented" role="group" aria-label="Range">
            {LOG_RANGES.map((r) => (
              <button key={r.key} type="button" className={r.key === range ? 'active' : ''} onClick={() => setRange(r.key)}>
                {r.label}
              </button>
            ))}
          </div>
          <label>
            Entity{' '}
            <select data-testid="logs-entity" value={ent} onChange={(e) => go(e.target.value, null)}>
              <option value="">all entities</option>
              {entities.map((e) => (
                <option key={e} value={e}>
                  {entityLabel(e)}
                </option>
              ))}
            </select>
          </label>
          {templates.data && (
            <span className="muted" data-testid="logs-window">
              {total.toLocaleString('en')} lines, {list.length} templates, {formatDateTime(from)} – {formatDateTime(to)} UTC
            </span>
          )}
        </div>
        <div className="logs-grid">
          <Panel title="Templates by count" testId="logs-templates">
            <table className="logs-table">
              <thead>
                <tr>
                  <th>Lines</th>
                  <th>Trend</th>
                  <th>Template</th>
                </tr>
              </thead>
              <tbody>
                {list.map((t) => (
                  <tr
                    key={t.id}
                    className={`log-template-row${t.id === template ? ' selected' : ''}`}
                    data-testid="log-template-row"
                    data-template-id={t.id}
                    data-count={t.count}
                    onClick={() => go(ent, t.id)}
                  >
                    <td className="logs-count">{t.count.toLocaleString('en')}</td>
                    <td>
                      <Spark values={t.spark} />
                    </td>
                    <td>
                      <TemplateText template={t.template} />
                      <div className="logs-entities">{t.entities.map(entityLabel).join(', ')}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {templates.data && list.length === 0 && <div className="placeholder">No log lines in this window.</div>}
          </Panel>
          <div className="logs-side">
            <Panel
              title={selected ? <TemplateText template={selected.template} /> : 'Lines'}
              testId="log-lines"
              extra={selected ? <span className="muted mono">{selected.id}</span> : undefined}
            >
              {!template && <div className="placeholder">Pick a template to see its lines.</div>}
              {template && (
                <ul className="logs-lines" data-state={lines.data ? 'ready' : 'loading'}>
                  {(lines.data ?? []).map((l, i) => (
                    <li key={i} data-testid="log-line">
                      <span className="muted">{formatClock(l.time)}</span>
                      <span className="muted">{entityLabel(l.entity)}</span>
                      {l.severity && <span className="muted">{l.severity}</span>}
                      {l.body}
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
            <Panel title="Template events" testId="log-events">
              <ul className="logs-lines">
                {(events.data ?? []).map((e) => (
                  <li key={e.id} data-testid="log-event" data-kind={e.kind}>
                    <span className="muted">{formatClock(e.time)}</span>
                    <span className={`logs-event ${e.kind}`}>{e.kind}</span>
                    {entityLabel(e.entity)} — {e.template ?? e.templateId}
                    {e.kind === 'surge' && <span className="muted"> ({e.value} lines/min, usually {e.expected.toFixed(1)})</span>}
                  </li>
                ))}
                {events.data && events.data.length === 0 && <li className="muted">None in this window.</li>}
              </ul>
            </Panel>
          </div>
        </div>
      </div>
    </div>
  );
}
