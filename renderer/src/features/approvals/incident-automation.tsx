/**
 * The remediation strip of an incident's header: each action proposed for it and where it stands,
 * updated live from the stream, linking to the approval queue. Test hooks: `incident-actions`, and
 * per action `data-action-id` / `data-action-state`.
 */
import { Link } from '../../shared/ui.tsx';
import { entityLabel } from '../../shared/format.ts';
import { useActions } from './hooks.ts';
import './approvals.css';

/** The strip; nothing when no runbook applies to the incident. */
export function IncidentAutomation({ incidentId }: { incidentId: string }) {
  const actions = useActions('', incidentId);
  const list = actions.data ?? [];
  if (list.length === 0) return null;
  return (
    <div className="incident-automation" data-testid="incident-actions">
      <span className="muted">remediation</span>
      {list.map((a) => (
        <Link key={a.id} to="/approvals" className={`remediation state-${a.state}`}>
          <span data-action-id={a.id} data-action-state={a.state}>
            {a.runbookName} on {entityLabel(a.target)}: <strong>{a.state}</strong>
            {a.escalated ? ' · escalated' : ''}
          </span>
        </Link>
      ))}
    </div>
  );
}
