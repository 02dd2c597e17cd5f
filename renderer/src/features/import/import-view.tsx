/**
 * Import: drop files (or pick them) to pour exported telemetry into the open case. Each file becomes a
 * job whose progress (rows, rows/s, ETA, bad rows) is polled until it finishes; a running job can be
 * cancelled, and the case stays consistent (a later import of the same file resumes).
 */
import { useEffect, useRef, useState } from 'react';
import type { ImportJobBody } from '../../../../core/common/forensics-schemas.ts';
import { ForensicsFrame, useForensics } from '../cases/forensics-nav.tsx';
import { Panel } from '../../shared/ui.tsx';

const FORMATS = ['', 'otlp', 'events', 'csv', 'parquet', 'log', 'alertmanager'] as const;

function pct(j: ImportJobBody): number {
  if (j.status !== 'running') return 100;
  return j.progress.bytesTotal ? Math.min(100, (100 * j.progress.bytesDone) / j.progress.bytesTotal) : 0;
}

/** One import job's card. */
function JobCard({ job, onCancel }: { job: ImportJobBody; onCancel: () => void }) {
  const p = job.progress;
  return (
    <div className="job" data-testid="import-job" data-state={job.status} data-rows={job.result?.rows ?? p.rows} data-bad-rows={job.result?.badRows ?? p.badRows}>
      <div className="job-head">
        <span className="job-name">{job.name}</span>
        <span className="dim">{job.status}</span>
        <span>{(job.result?.rows ?? p.rows).toLocaleString()} rows</span>
        {job.status === 'running' && (
          <>
            <span>{Math.round(p.rowsPerSec).toLocaleString()} rows/s</span>
            <span>ETA {p.etaSec === null ? '…' : `${Math.ceil(p.etaSec)} s`}</span>
            <button className="quiet" onClick={onCancel} data-testid="import-cancel">
              Cancel
            </button>
          </>
        )}
        {(job.result?.badRows ?? p.badRows) > 0 && <span className="error">{(job.result?.badRows ?? p.badRows).toLocaleString()} bad rows</span>}
      </div>
      <div className="progress" role="progressbar" aria-valuenow={Math.round(pct(job))} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${pct(job)}%` }} />
      </div>
      {job.error && <div className="error">{job.error}</div>}
      {job.result?.files.some((f) => f.status === 'skipped') && <div className="dim">Already imported (same content): nothing to do.</div>}
      {job.result && job.result.bad.length > 0 && (
        <div className="bad-rows" data-testid="bad-rows">
          {job.result.bad.map((b, i) => (
            <div key={i}>
              {b.file}:{b.line}: {b.reason}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** The import view. */
export function ImportView({ kiosk }: { kiosk: boolean }) {
  const client = useForensics();
  const [jobs, setJobs] = useState<ImportJobBody[]>([]);
  const [over, setOver] = useState(false);
  const [format, setFormat] = useState<(typeof FORMATS)[number]>('');
  const [source, setSource] = useState('');
  const [logFormat, setLogFormat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const running = jobs.some((j) => j.status === 'running');

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void Promise.all(jobs.map((j) => (j.status === 'running' ? client.importJob(j.id).catch(() => j) : j))).then(setJobs);
    }, 500);
    return () => clearInterval(timer);
  }, [running, jobs, client]);

  const upload = async (files: FileList | File[]) => {
    setError(null);
    for (const f of Array.from(files)) {
      try {
        const job = await client.upload(f, { format: format || undefined, source: source || undefined, logFormat: logFormat || undefined });
        setJobs((js) => [job, ...js]);
      } catch (err) {
        setError(`${f.name}: ${(err as Error).message}`);
      }
    }
  };

  return (
    <ForensicsFrame tab="import" kiosk={kiosk}>
      <Panel title="Import into this case">
        <div className="row" style={{ marginBottom: '0.8em' }}>
          <label>
            Format{' '}
            <select value={format} onChange={(e) => setFormat(e.target.value as (typeof FORMATS)[number])} data-testid="import-format">
              {FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f || 'detect'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Source <input value={source} onChange={(e) => setSource(e.target.value)} placeholder="service name" />
          </label>
          <label>
            Log format <input value={logFormat} onChange={(e) => setLogFormat(e.target.value)} placeholder="<Date> <Time> <Level> <Content>" size={34} />
          </label>
        </div>
        <div
          className={over ? 'dropzone over' : 'dropzone'}
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            void upload(e.dataTransfer.files);
          }}
          onClick={() => input.current?.click()}
        >
          Drop files here — OTLP JSON dumps, JSON-lines events, CSV, Parquet, logs, Alertmanager archives — or click to choose
          <input ref={input} type="file" multiple hidden onChange={(e) => e.target.files && void upload(e.target.files)} data-testid="file-input" />
        </div>
        {error && <div className="error">{error}</div>}
      </Panel>
      <Panel title="Imports">
        <div style={{ display: 'flex', flexDirection: 'column', gap: '0.6em' }} data-testid="import-jobs">
          {jobs.length === 0 && <div className="dim">Nothing imported in this session yet.</div>}
          {jobs.map((j) => (
            <JobCard
              key={j.id}
              job={j}
              onCancel={() => void client.cancelImport(j.id).then((done) => setJobs((js) => js.map((x) => (x.id === done.id ? done : x))))}
            />
          ))}
        </div>
      </Panel>
    </ForensicsFrame>
  );
}
