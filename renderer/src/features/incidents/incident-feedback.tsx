/**
 * Similar past incidents (with how they ended) and the operator's merge/split actions for one
 * incident. Decisions go to the engine over HTTP; it stores them and its correlator learns from them.
 */
import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { IncidentDetail } from '../../../../core/common/schemas.ts';
import { useApi, useIncidents, useSimilarIncidents } from '../../api/hooks.tsx';
import { entityLabel, formatDateTime } from '../../shared/format.ts';
import { Link } from '../../shared/ui.tsx';

/** The past incidents most like this one. */
export function SimilarIncidents({ id }: { id: string }) {
  const similar = useSimilarIncidents(id);
  if (similar.isPending) return <div className="placeholder">Looking for similar incidents…</div>;
  if (similar.error) return <div className="placeholder">Similar incidents unavailable: {similar.error.message}</div>;
  const list = similar.data ?? [];
  return (
    <div data-testid="similar-incidents" data-state="ready" data-count={list.length}>
      {list.length === 0 ? (
        <div className="muted pad">No similar past incident.</div>
      ) : (
        <ol className="similar-list">
          {list.map((s) => (
            <li key={s.id} className="similar" data-testid="similar-incident" data-incident-id={s.id} data-similarity={s.similarity}>
              <div className="similar-head">
                <span className="cause-score">{Math.round(s.similarity * 100)}%</span>
                <Link to={`/incidents/${encodeURIComponent(s.id)}`}>{s.title}</Link>
              </div>
              <div className="muted">
                {formatDateTime(s.openedAt)} UTC · {s.resolution}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Merge other open incidents into this one, or split some of its entities' signals off. */
export function IncidentActions({ incident }: { incident: IncidentDetail }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const open = useIncidents('open');
  const [mergeId, setMergeId] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [created, setCreated] = useState<string | null>(null);
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });
  const others = (open.data ?? []).filter((i) => i.id !== incident.id);
  const entities = useMemo(() => [...new Set(incident.members.map((m) => m.entity))].sort(), [incident]);

  const run = async (what: () => Promise<{ incidents: string[] }>, done: (ids: string[]) => string) => {
    setState({ busy: true, message: null, error: false });
    setCreated(null);
    try {
      const res = await what();
      await queryClient.invalidateQueries({ queryKey: ['incident'] });
      await queryClient.invalidateQueries({ queryKey: ['incidents'] });
      setPicked(new Set());
      setMergeId('');
      setState({ busy: false, message: done(res.incidents), error: false });
    } catch (err) {
      setState({ busy: false, message: (err as Error).message, error: true });
    }
  };
  const splitMembers = incident.members.filter((m) => picked.has(m.entity)).map((m) => m.id);
  const canSplit = splitMembers.length > 0 && splitMembers.length < incident.members.length;

  return (
    <div className="incident-actions" data-testid="incident-actions" data-busy={state.busy}>
      <div className="action-row">
        <label htmlFor="merge-select">Merge into this:</label>
        <select id="merge-select" data-testid="merge-select" value={mergeId} onChange={(e) => setMergeId(e.target.value)} disabled={state.busy}>
          <option value="">choose an open incident…</option>
          {others.map((o) => (
            <option key={o.id} value={o.id}>
              {o.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="action-button"
          data-testid="merge-button"
          disabled={!mergeId || state.busy}
          onClick={() => run(() => api.mergeIncidents(incident.id, [mergeId]), (ids) => `Merged ${ids.slice(1).join(', ')} into this incident.`)}
        >
          Merge
        </button>
      </div>
      {incident.status === 'open' || entities.length > 1 ? (
        <div className="action-row">
          <span>Split off the signals of:</span>
          {entities.map((e) => (
            <label key={e} className="entity-pick">
              <input
                type="checkbox"
                data-testid="split-entity"
                data-entity={e}
                checked={picked.has(e)}
                disabled={state.busy}
                onChange={(ev) => {
                  const next = new Set(picked);
                  if (ev.target.checked) next.add(e);
                  else next.delete(e);
                  setPicked(next);
                }}
              />
              {entityLabel(e)}
            </label>
          ))}
          <button
            type="button"
            className="action-button"
            data-testid="split-button"
            disabled={!canSplit || state.busy}
            onClick={() =>
              run(
                () => api.splitIncident(incident.id, splitMembers),
                (ids) => {
                  setCreated(ids[1]);
                  return `Split ${splitMembers.length} signal(s) into ${ids[1]}.`;
                },
              )
            }
          >
            Split
          </button>
        </div>
      ) : null}
      {state.message && (
        <div className={state.error ? 'action-error' : 'action-ok'} data-testid="action-result" role="status">
          {state.message}
          {created && !state.error && (
            <>
              {' '}
              <Link to={`/incidents/${encodeURIComponent(created)}`} testId="split-link">
                Open it →
              </Link>
            </>
          )}
        </div>
      )}
    </div>
  );
}
