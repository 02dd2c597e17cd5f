/**
 * The global pause switch and the wall's "automation paused" banner. Pausing takes an operator and
 * stops the running action before its next step; resuming takes an approver.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.tsx';
import { formatClock } from '../../shared/format.ts';
import { useAutomationStatus } from './hooks.ts';
import './approvals.css';

/** The switch, with the reason to record. Test hooks: `pause-switch` with `data-paused`. */
export function PauseSwitch() {
  const api = useApi();
  const qc = useQueryClient();
  const status = useAutomationStatus();
  const [error, setError] = useState<string | null>(null);
  const paused = status.data?.paused ?? false;
  const toggle = async () => {
    setError(null);
    try {
      const next = await api.setAutomationPaused(!paused, paused ? 'resumed from the approvals view' : 'paused from the approvals view');
      qc.setQueryData(['automation', 'status'], next);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="pause-switch-wrap">
      <button
        type="button"
        className={`pause-switch ${paused ? 'is-paused' : ''}`}
        data-testid="pause-switch"
        data-paused={paused ? 'true' : 'false'}
        disabled={!status.data}
        onClick={() => void toggle()}
      >
        {paused ? '▶ Resume automation' : '⏸ Pause all automation'}
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** A full-width banner while automation is paused; nothing otherwise. Test hook: `automation-paused`. */
export function AutomationPausedBanner() {
  const status = useAutomationStatus();
  const s = status.data;
  if (!s?.paused) return null;
  return (
    <div className="paused-banner" role="status" data-testid="automation-paused">
      ⏸ AUTOMATION PAUSED{s.pausedBy ? ` by ${s.pausedBy}` : ''}
      {s.pausedAt ? ` at ${formatClock(s.pausedAt).slice(0, 5)} UTC` : ''} — nothing runs until resumed
      {s.queued > 0 ? ` · ${s.queued} queued` : ''}
    </div>
  );
}
