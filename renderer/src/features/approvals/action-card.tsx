/**
 * One automation action as an approver needs to see it: what, where, how risky, the exact steps, the
 * expected effect and confidence, who approved so far, and — while pending — approve / reject with a
 * reason. Test hooks: `data-action-id`, `data-action-state`; `reason`, `approve`, `reject`.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AutomationAction } from '../../../../core/common/automation-schemas.ts';
import { useApi } from '../../api/hooks.tsx';
import { entityLabel, formatDuration } from '../../shared/format.ts';
import { incidentPath } from '../../shared/router.ts';
import { Link } from '../../shared/ui.tsx';

const STATE_LABEL: Record<AutomationAction['state'], string> = {
  recommended: 'recommended',
  pending: 'awaiting approval',
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolled back',
  rejected: 'rejected',
  expired: 'expired',
  blocked: 'blocked',
  cancelled: 'cancelled',
};

/** The card. `compact` leaves out the steps (incident view). */
export function ActionCard({ action: a, now, compact = false }: { action: AutomationAction; now: number; compact?: boolean }) {
  const api = useApi();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await (approve ? api.approveAction(a.id, reason) : api.rejectAction(a.id, reason));
      setReason('');
      await qc.invalidateQueries({ queryKey: ['automation'] });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const request = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.requestAction(a.id);
      await qc.invalidateQueries({ queryKey: ['automation'] });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className={`action-card action-${a.state} risk-${a.risk}`} data-action-id={a.id} data-action-state={a.state} data-testid="action-card">
      <header className="action-head">
        <span className={`risk-badge risk-${a.risk}`}>{a.risk} risk</span>
        <span className="action-name">{a.runbookName}</span>
        <span className="action-target">on {entityLabel(a.target)}</span>
        <span className="nav-spacer" />
        <span className={`state-chip state-${a.state}`} data-testid="action-state">
          {STATE_LABEL[a.state]}
        </span>
      </header>
      <div className="action-meta">
        {a.incidentId && (
          <Link to={incidentPath(a.incidentId)} className="action-incident">
            {a.incidentTitle ?? a.incidentId}
          </Link>
        )}
        <span className="muted">
          level {a.level} · requested by {a.requestedBy} · {formatDuration(now - a.createdAt)} ago
        </span>
        {a.state === 'pending' && a.expiresAt && <span className="muted">expires in {formatDuration(Math.max(0, a.expiresAt - now))}</span>}
      </div>
      <div className="action-policy">{a.policy}</div>
      {!compact && (
        <ol className="action-steps" data-testid="action-steps">
          {a.steps.map((s, i) => (
            <li key={i}>
              <span className="step-name">{s.name}</span>
              <code>{s.detail}</code>
            </li>
          ))}
          {a.verify && (
            <li className="step-verify">
              <span className="step-name">verify: {a.verify.name}</span>
              <code>{a.verify.detail}</code>
            </li>
          )}
          {a.rollback.map((s, i) => (
            <li key={`r${i}`} className="step-rollback">
              <span className="step-name">rollback: {s.name}</span>
              <code>{s.detail}</code>
            </li>
          ))}
        </ol>
      )}
      <div className="action-effect">
        <span className="muted">expected effect</span> {a.expectedEffect || '—'} <span className="muted">· confidence {Math.round(a.confidence * 100)}%</span>
      </div>
      {(a.approvalsRequired > 0 || a.approvals.length > 0) && (
        <div className="action-approvals" data-testid="action-approvals">
          approvals {a.approvals.length}/{a.approvalsRequired}
          {a.approvals.map((x) => (
            <span key={x.user} className="approver">
              ✓ {x.user}: {x.reason}
            </span>
          ))}
        </div>
      )}
      {a.rejection && (
        <div className="action-rejection">
          ✗ rejected by {a.rejection.user}: {a.rejection.reason}
        </div>
      )}
      {a.blockedReason && <div className="action-reason">{a.blockedReason}</div>}
      {a.escalated && <div className="action-escalated">incident escalated</div>}
      {a.results.length > 0 && !compact && (
        <details className="action-results">
          <summary>
            output ({a.results.length} step{a.results.length === 1 ? '' : 's'})
          </summary>
          <ul>
            {a.results.map((r, i) => (
              <li key={i} className={r.ok ? 'ok' : 'bad'}>
                <span>
                  {r.ok ? '✓' : '✗'} {r.phase}: {r.step} {r.status != null ? `(${r.status})` : ''} {r.error ?? ''}
                </span>
                {r.output && <pre>{r.output}</pre>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {a.state === 'pending' && (
        <div className="action-decide">
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="reason (required)"
            aria-label="reason"
            data-testid="reason"
          />
          <button type="button" className="btn-approve" disabled={busy || !reason.trim()} onClick={() => void decide(true)} data-testid="approve">
            Approve
          </button>
          <button type="button" className="btn-reject" disabled={busy || !reason.trim()} onClick={() => void decide(false)} data-testid="reject">
            Reject
          </button>
        </div>
      )}
      {a.state === 'recommended' && (
        <div className="action-decide">
          <button type="button" disabled={busy} onClick={() => void request()} data-testid="request">
            Request approval
          </button>
        </div>
      )}
      {error && (
        <div className="error" role="alert" data-testid="action-error">
          {error}
        </div>
      )}
    </article>
  );
}
