/**
 * Replay control: run the analytics over the case's stored telemetry in event time at 1×, 10×, 100×
 * or full speed, pause, resume and seek. The big clock says "as of" which event time the estate is
 * shown; the wall, topology and timeline follow the incidents the replay produces.
 */
import { useEffect, useState } from 'react';
import type { ReplayStateBody } from '../../../../core/common/forensics-schemas.ts';
import { Panel } from '../../shared/ui.tsx';
import { ForensicsFrame, useForensics, utc } from '../cases/forensics-nav.tsx';

const SPEEDS: ReplayStateBody['speed'][] = [1, 10, 100, 'max'];

/** The replay view. */
export function ReplayView({ kiosk }: { kiosk: boolean }) {
  const client = useForensics();
  const [state, setState] = useState<ReplayStateBody | null>(null);
  const [speed, setSpeed] = useState<ReplayStateBody['speed']>(10);
  const [error, setError] = useState<string | null>(null);
  const [seekTo, setSeekTo] = useState<number | null>(null);
  const active = state?.status === 'running' || state?.status === 'paused';

  useEffect(() => {
    let stop = false;
    const tick = () => void client.replay().then((s) => !stop && setState(s)).catch(() => undefined);
    tick();
    const timer = setInterval(tick, 500);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [client]);

  const act = (p: Promise<ReplayStateBody>) => {
    setError(null);
    void p.then(setState).catch((err: Error) => setError(err.message));
  };

  const span = state && state.from !== null && state.to !== null ? [state.from, state.to] : null;
  return (
    <ForensicsFrame tab="replay" kiosk={kiosk}>
      <Panel title="Replay">
        <div className="row" style={{ gap: '2em', alignItems: 'flex-end' }}>
          <div>
            <div className="clock-label">as of</div>
            <div className="clock" data-testid="replay-clock" data-clock={state?.clock ?? ''}>
              {utc(state?.clock)}
            </div>
          </div>
          <div data-testid="replay-status" data-state={state?.status ?? 'idle'}>
            <div className="clock-label">status</div>
            <div style={{ fontSize: '1.4em', fontWeight: 600 }}>
              {state?.status ?? '…'}
              {state?.seekingTo ? ` (seeking ${utc(state.seekingTo)})` : ''} · {state?.speed === 'max' ? 'full speed' : `${state?.speed ?? ''}×`}
            </div>
          </div>
        </div>
        <div className="row" style={{ marginTop: '1em' }}>
          <div className="segmented" data-testid="replay-speeds">
            {SPEEDS.map((s) => (
              <button
                key={String(s)}
                className={s === speed ? 'active' : ''}
                onClick={() => {
                  setSpeed(s);
                  if (active) act(client.setSpeed(s));
                }}
              >
                {s === 'max' ? 'max' : `${s}×`}
              </button>
            ))}
          </div>
          <button className="act" onClick={() => act(client.startReplay({ speed }))} data-testid="replay-start">
            {active ? 'Restart' : 'Start replay'}
          </button>
          {state?.status === 'running' && (
            <button className="quiet" onClick={() => act(client.replayControl('pause'))} data-testid="replay-pause">
              Pause
            </button>
          )}
          {state?.status === 'paused' && (
            <button className="quiet" onClick={() => act(client.replayControl('resume'))} data-testid="replay-resume">
              Resume
            </button>
          )}
          {active && (
            <button className="quiet" onClick={() => act(client.replayControl('stop'))}>
              Stop
            </button>
          )}
        </div>
        {span && (
          <div style={{ marginTop: '1em' }}>
            <input
              className="seek"
              type="range"
              min={span[0]}
              max={span[1]}
              step={1000}
              value={seekTo ?? state?.clock ?? span[0]}
              disabled={!active}
              data-testid="replay-seek"
              onChange={(e) => setSeekTo(Number(e.target.value))}
              onMouseUp={() => seekTo !== null && act(client.seek(seekTo).finally(() => setSeekTo(null)))}
              onKeyUp={() => seekTo !== null && act(client.seek(seekTo).finally(() => setSeekTo(null)))}
            />
            <div className="row dim" style={{ justifyContent: 'space-between' }}>
              <span>{utc(span[0])}</span>
              {seekTo !== null && <span>seek to {utc(seekTo)}</span>}
              <span>{utc(span[1])}</span>
            </div>
          </div>
        )}
        {state?.error && <div className="error">{state.error}</div>}
        {error && <div className="error">{error}</div>}
        <p className="dim">
          A replay recomputes this case's anomalies and incidents from its stored telemetry; the Wall, Topology and Timeline show them as of the
          replay clock.
        </p>
      </Panel>
    </ForensicsFrame>
  );
}
