/**
 * The wall's "coming up" panel: predicted exhaustions (disk full, memory, pools...) within the next
 * 24 hours, soonest first, each with the time left and its ± from the 80% interval; then failures
 * that leading indicators foretell (probability ≥ 50%), with the signals that moved.
 *
 * Test hooks: the list has `data-state` (`loading`/`ready`) and `data-count`; each exhaustion row
 * `data-forecast-entity` and `data-in-ms`; each foretold failure `data-risk-entity` and `data-probability`.
 */
import type { ForecastsResponse } from '../../../../core/common/forecast-schemas.ts';
import { formatDuration } from '../../shared/format.ts';
import { comingUp, likelyFailures } from './coming-up-model.ts';

/** Window of the panel. */
export const COMING_UP_MS = 24 * 3_600_000;

/** The list of predicted exhaustions; `now` is event time. */
export function ComingUpList({ data, now }: { data: ForecastsResponse | undefined; now: number }) {
  // Forecasts are as of the latest point they saw; time left is counted from then, not from a clock
  // that may run ahead of a replay.
  const asOf = data?.asOf ?? now;
  const rows = data ? comingUp(data.forecasts, asOf, COMING_UP_MS) : [];
  const risks = data ? likelyFailures(data.entities) : [];
  return (
    <ul className="coming-up-list" data-testid="coming-up" data-state={data ? 'ready' : 'loading'} data-count={rows.length} data-risk-count={risks.length}>
      {data && rows.length === 0 && risks.length === 0 && <li className="muted coming-up-empty">No exhaustion predicted within 24 h</li>}
      {rows.slice(0, 8).map((r) => (
        <li key={r.key} className={`coming-up-row${r.inMs <= 3_600_000 ? ' soon' : ''}`} data-forecast-entity={r.entity} data-in-ms={Math.round(r.inMs)}>
          <span className="coming-up-in">{r.inMs === 0 ? 'now' : `in ${formatDuration(r.inMs)}`}</span>
          <span className="coming-up-what">{r.what}</span>
          <span className="coming-up-where">{r.where}</span>
          <span className="coming-up-pm">{r.plusMinusMs === null ? 'or later' : `± ${formatDuration(r.plusMinusMs)}`}</span>
        </li>
      ))}
      {risks.slice(0, Math.max(2, 8 - rows.length)).map((r) => (
        <li key={r.key} className="coming-up-row risk" data-risk-entity={r.entity} data-probability={r.probability.toFixed(3)} title={r.because.join('; ')}>
          <span className="coming-up-in">{Math.round(r.probability * 100)}%</span>
          <span className="coming-up-what">{r.what}</span>
          <span className="coming-up-where">{r.where}</span>
          <span className="coming-up-pm">{r.because[0]}</span>
        </li>
      ))}
    </ul>
  );
}
