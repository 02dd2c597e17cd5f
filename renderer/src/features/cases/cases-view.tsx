/**
 * Cases: the case this engine serves, recently opened cases, and a form to create or open one. A case
 * opened here runs as a second engine in the same process; the browser moves to its UI.
 */
import { useEffect, useState } from 'react';
import type { CaseBody } from '../../../../core/common/forensics-schemas.ts';
import { Panel } from '../../shared/ui.tsx';
import { ForensicsFrame, useForensics, utc } from './forensics-nav.tsx';

/** The cases view. */
export function CasesView({ kiosk }: { kiosk: boolean }) {
  const client = useForensics();
  const [cases, setCases] = useState<CaseBody[] | null>(null);
  const [name, setName] = useState('');
  const [dir, setDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [hours, setHours] = useState('168');
  const [moved, setMoved] = useState<string | null>(null);

  useEffect(() => {
    void client.cases().then(setCases).catch((err: Error) => setError(err.message));
  }, [client]);

  const open = async (n: string, p?: string) => {
    setBusy(true);
    setError(null);
    try {
      const c = await client.openCase(n, p);
      if (c.uiUrl) location.assign(c.uiUrl);
      else setCases(await client.cases());
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <ForensicsFrame tab="cases" kiosk={kiosk}>
      <Panel title="Cases">
        <div className="case-list" data-testid="case-list" data-state={cases ? 'ready' : 'loading'}>
          {(cases ?? []).map((c) => (
            <div key={c.path} className={c.current ? 'case-item current' : 'case-item'} data-testid="case-item">
              <strong>{c.name}</strong>
              <span className="dim">{c.path}</span>
              <span className="dim">opened {utc(c.openedAt)}</span>
              {c.current ? (
                <span>this window</span>
              ) : (
                <button className="quiet" disabled={busy} onClick={() => void open(c.name, c.path)}>
                  Open
                </button>
              )}
            </div>
          ))}
        </div>
      </Panel>
      <Panel title="New or existing case">
        <div className="row">
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="case name" data-testid="case-name" />
          <input value={dir} onChange={(e) => setDir(e.target.value)} placeholder="data directory (optional)" size={40} />
          <button className="act" disabled={busy || !name.trim()} onClick={() => void open(name.trim(), dir.trim() || undefined)} data-testid="case-open">
            Create / open
          </button>
        </div>
        <p className="dim">
          A case has its own data directory and DuckDB file, separate from the live NOC database. From a shell: <code>watchfloor serve --data-dir CASE</code>{' '}
          and <code>watchfloor import PATH… --data-dir CASE</code>.
        </p>
        {error && <div className="error">{error}</div>}
      </Panel>
      <Panel title="Retention (cold tier)">
        <div className="row">
          <label>
            Move metric points older than <input value={hours} onChange={(e) => setHours(e.target.value)} size={6} data-testid="retention-hours" /> hours
          </label>
          <button
            className="quiet"
            disabled={busy || !(Number(hours) > 0)}
            data-testid="retention-run"
            onClick={() =>
              void client
                .retention(Number(hours))
                .then((r) => {
                  const total = Object.values(r.moved ?? {}).reduce((a, b) => a + b, 0);
                  setMoved(total ? `${total.toLocaleString()} rows moved to Parquet (${r.days.join(', ')})` : 'nothing that old');
                })
                .catch((err: Error) => setError(err.message))
            }
          >
            Move to cold tier
          </button>
          {moved && <span data-testid="retention-result">{moved}</span>}
        </div>
        <p className="dim">
          Old metric points, logs, spans, alert events and changes move to day-partitioned Parquet files in the case folder; SQL queries (under
          the tables' own names) and replays read hot and cold data together. <code>watchfloor serve --retention-hours H</code> does this on its
          own.
        </p>
      </Panel>
    </ForensicsFrame>
  );
}
