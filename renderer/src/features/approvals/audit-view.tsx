/**
 * The audit trail: search by text and event, newest first, and export what matches as CSV or JSON
 * lines. Shows whether the hash chain was intact when the engine opened it. Root test hook: `audit`.
 */
import { useState } from 'react';
import { useApi } from '../../api/hooks.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { NavBar } from '../../shared/ui.tsx';
import { useAudit } from './hooks.ts';
import './approvals.css';

const EVENTS = [
  '',
  'action-proposed',
  'action-approved',
  'action-rejected',
  'approval-refused',
  'action-started',
  'action-output',
  'verification',
  'action-succeeded',
  'action-failed',
  'action-rolled-back',
  'rollback-step',
  'action-blocked',
  'incident-escalated',
  'incident-acknowledged',
  'automation-paused',
  'automation-resumed',
  'config-changed',
  'login',
  'login-failed',
];

/** The view. */
export function AuditView({ kiosk }: { kiosk: boolean }) {
  const api = useApi();
  const [text, setText] = useState('');
  const [action, setAction] = useState('');
  const audit = useAudit(text.trim(), action);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: 'csv' | 'jsonl') => {
    setError(null);
    try {
      const blob = await api.exportAudit({ q: text.trim() || undefined, action: action || undefined, format });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `watchfloor-audit.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const entries = audit.data?.entries ?? [];
  return (
    <div className="page audit-page" data-testid="audit" data-state={audit.data ? 'ready' : 'loading'}>
      {!kiosk && <NavBar current="/audit" />}
      <div className="approvals-body">
        <div className="approvals-bar">
          <h1>Audit trail</h1>
          {audit.data && (
            <span className={audit.data.intact ? 'chain-ok' : 'chain-bad'} data-testid="chain-state">
              {audit.data.intact ? `hash chain intact · ${audit.data.total} entries` : 'HASH CHAIN BROKEN — run watchfloor audit verify'}
            </span>
          )}
          <span className="nav-spacer" />
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="search text, user, target…" aria-label="search" data-testid="audit-search" />
          <select value={action} onChange={(e) => setAction(e.target.value)} aria-label="event" data-testid="audit-event">
            {EVENTS.map((e) => (
              <option key={e} value={e}>
                {e || 'all events'}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => void download('csv')} data-testid="export-csv">
            Export CSV
          </button>
          <button type="button" onClick={() => void download('jsonl')}>
            Export JSON lines
          </button>
        </div>
        {error && <div className="error">{error}</div>}
        <div className="audit-table-wrap">
          <table className="audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>#</th>
                <th>time (UTC)</th>
                <th>who</th>
                <th>event</th>
                <th>subject</th>
                <th>details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-seq={e.seq} data-event={e.action}>
                  <td className="mono">{e.seq}</td>
                  <td className="mono">{formatDateTime(e.time)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td className="mono">{e.subject ?? ''}</td>
                  <td className="audit-details mono">{JSON.stringify(e.details).slice(0, 300)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {entries.length === 0 && <div className="placeholder">{audit.data ? 'No matching entries' : 'Loading…'}</div>}
        </div>
      </div>
    </div>
  );
}
