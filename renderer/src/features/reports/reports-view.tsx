/**
 * Reports: an evidence report for an incident or a time range, exported as a self-contained HTML file
 * and as PDF, and an evidence bundle (Parquet extracts with a SHA-256 manifest) another Watchfloor can
 * import.
 */
import { useState } from 'react';
import type { ReportBody } from '../../../../core/common/forensics-schemas.ts';
import { useIncidents } from '../../api/hooks.tsx';
import type { BundleBody, ReportScope } from '../../api/forensics-client.ts';
import { Panel } from '../../shared/ui.tsx';
import { ForensicsFrame, useForensics, utc } from '../cases/forensics-nav.tsx';

function toInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** The reports view. */
export function ReportsView({ kiosk }: { kiosk: boolean }) {
  const client = useForensics();
  const incidents = useIncidents('all');
  const [incidentId, setIncidentId] = useState('');
  const [from, setFrom] = useState(toInput(Date.now() - 3_600_000));
  const [to, setTo] = useState(toInput(Date.now()));
  const [report, setReport] = useState<(ReportBody & { htmlUrl: string; pdfUrl: string }) | null>(null);
  const [bundle, setBundle] = useState<BundleBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const scope = (): ReportScope => (incidentId ? { incidentId } : { from: Date.parse(`${from}Z`), to: Date.parse(`${to}Z`) });

  const exportReport = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await client.report(scope());
      const [html, pdf] = await Promise.all([client.download(r.html), client.download(r.pdf)]);
      setReport({ ...r, htmlUrl: URL.createObjectURL(html), pdfUrl: URL.createObjectURL(pdf) });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const exportBundle = async () => {
    setBusy(true);
    setError(null);
    try {
      setBundle(await client.bundle(scope()));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <ForensicsFrame tab="reports" kiosk={kiosk}>
      <Panel title="Evidence report">
        <div className="row">
          <label>
            Incident{' '}
            <select value={incidentId} onChange={(e) => setIncidentId(e.target.value)} data-testid="report-incident">
              <option value="">— a time range instead —</option>
              {(incidents.data ?? []).map((i) => (
                <option key={i.id} value={i.id}>
                  {utc(i.openedAt)} {i.severity} {i.title}
                </option>
              ))}
            </select>
          </label>
          {!incidentId && (
            <>
              <label>
                from (UTC) <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="report-from" />
              </label>
              <label>
                to <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="report-to" />
              </label>
            </>
          )}
        </div>
        <div className="row" style={{ marginTop: '0.8em' }}>
          <button className="act" disabled={busy} onClick={() => void exportReport()} data-testid="report-export">
            Export report (HTML + PDF)
          </button>
          <button className="quiet" disabled={busy} onClick={() => void exportBundle()} data-testid="bundle-export">
            Evidence bundle
          </button>
        </div>
        {error && <div className="error">{error}</div>}
        {report && (
          <div className="row" style={{ marginTop: '0.8em' }} data-testid="report-ready" data-state="ready">
            <span>{report.incidents} incident(s)</span>
            <a href={report.htmlUrl} download={report.html.split('/').pop()} data-testid="report-html">
              Download HTML
            </a>
            <a href={report.pdfUrl} download={report.pdf.split('/').pop()} data-testid="report-pdf">
              Download PDF
            </a>
          </div>
        )}
        {bundle && (
          <div style={{ marginTop: '0.8em' }} data-testid="bundle-ready">
            <div>
              Bundle written to <code>{bundle.dir}</code> — import it elsewhere with <code>watchfloor import {bundle.dir}</code>
            </div>
            <table>
              <tbody>
                {bundle.manifest.files.map((f) => (
                  <tr key={f.path}>
                    <td>{f.path}</td>
                    <td>{f.rows ?? ''} rows</td>
                    <td className="dim" style={{ fontFamily: 'var(--mono)' }}>
                      {f.sha256.slice(0, 16)}…
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </ForensicsFrame>
  );
}
