/**
 * The approval queue: pending actions first (approve or reject with a reason), then what is queued or
 * running, then recent outcomes; the pause switch, open circuit breakers, rejected runbooks and
 * notification failures. Root test hook: `approvals` with `data-state`.
 */
import { useNow } from '../../api/hooks.tsx';
import { useLiveStream } from '../../api/hooks.tsx';
import { formatClock } from '../../shared/format.ts';
import { NavBar, Panel } from '../../shared/ui.tsx';
import { ActionCard } from './action-card.tsx';
import { useActions, useAutomationStatus, useNotifications } from './hooks.ts';
import { AutomationPausedBanner, PauseSwitch } from './pause-switch.tsx';
import './approvals.css';

const FINAL = new Set(['succeeded', 'failed', 'rolled-back', 'rejected', 'expired', 'blocked', 'cancelled']);

/** The view. */
export function ApprovalsView({ kiosk }: { kiosk: boolean }) {
  useLiveStream();
  const now = useNow(1000);
  const actions = useActions();
  const status = useAutomationStatus();
  const notifications = useNotifications();
  const all = actions.data ?? [];
  const pending = all.filter((a) => a.state === 'pending');
  const active = all.filter((a) => a.state === 'queued' || a.state === 'running' || a.state === 'recommended');
  const recent = all.filter((a) => FINAL.has(a.state)).slice(0, 50);
  const failedDeliveries = (notifications.data ?? []).filter((d) => d.state === 'failed' || (d.state === 'pending' && d.attempts > 0));
  const ready = !!(actions.data && status.data);
  return (
    <div className="page approvals-page" data-testid="approvals" data-state={ready ? 'ready' : 'loading'}>
      {!kiosk && <NavBar current="/approvals" />}
      <div className="approvals-body">
        <AutomationPausedBanner />
        <div className="approvals-bar">
          <h1>Approvals</h1>
          <span className="count-chip" data-testid="pending-count">
            {pending.length} pending
          </span>
          {status.data && (
            <span className="muted">
              environment {status.data.environment} · {status.data.queued} queued · {status.data.running} running
              {status.data.auditIntact ? '' : ' · AUDIT TRAIL BROKEN'}
            </span>
          )}
          <span className="nav-spacer" />
          <PauseSwitch />
        </div>
        {status.data && status.data.openBreakers.length > 0 && (
          <div className="breaker-list" data-testid="open-breakers">
            {status.data.openBreakers.map((b) => (
              <span key={b.runbookId} className="breaker">
                circuit breaker open: {b.runbookId} ({b.failures} failures) until {formatClock(b.until).slice(0, 5)} UTC
              </span>
            ))}
          </div>
        )}
        <div className="approvals-grid">
          <Panel title={`Awaiting approval (${pending.length})`} className="approvals-pending" testId="pending-actions">
            {pending.length === 0 ? (
              <div className="placeholder">Nothing awaits approval</div>
            ) : (
              pending.map((a) => <ActionCard key={a.id} action={a} now={now} />)
            )}
          </Panel>
          <div className="approvals-side">
            <Panel title={`Queued, running, recommended (${active.length})`} testId="active-actions">
              {active.length === 0 ? <div className="placeholder">Nothing queued</div> : active.map((a) => <ActionCard key={a.id} action={a} now={now} />)}
            </Panel>
            <Panel title="Recent outcomes" testId="recent-actions">
              {recent.length === 0 ? <div className="placeholder">No actions yet</div> : recent.map((a) => <ActionCard key={a.id} action={a} now={now} />)}
            </Panel>
            {(failedDeliveries.length > 0 || (status.data?.runbookErrors.length ?? 0) > 0) && (
              <Panel title="Problems" testId="automation-problems">
                <ul className="problem-list">
                  {status.data?.runbookErrors.map((e) => (
                    <li key={`${e.file}:${e.line}`}>
                      runbook rejected: <code>{e.file}:{e.line}</code> {e.reason}
                    </li>
                  ))}
                  {failedDeliveries.map((d) => (
                    <li key={d.id} data-testid="failed-delivery">
                      notification {d.state === 'failed' ? 'failed' : 'retrying'}: {d.channel} ({d.kind}) {d.event} after {d.attempts} attempt{d.attempts === 1 ? '' : 's'} — {d.lastError}
                    </li>
                  ))}
                </ul>
              </Panel>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
