/** The forensics area's frame: the app's nav bar, then a tab row over the five forensics views. */
import { useMemo, type ReactNode } from 'react';
import { useApi } from '../../api/hooks.tsx';
import { ForensicsClient } from '../../api/forensics-client.ts';
import { Link, NavBar } from '../../shared/ui.tsx';
import './forensics.css';

/** The forensics views, in tab order. */
export const FORENSICS_TABS = [
  ['cases', 'Cases'],
  ['import', 'Import'],
  ['replay', 'Replay'],
  ['sql', 'SQL'],
  ['reports', 'Reports'],
] as const;
/** One forensics view. */
export type ForensicsTab = (typeof FORENSICS_TABS)[number][0];

/** The forensics client for the current engine. */
export function useForensics(): ForensicsClient {
  const api = useApi();
  return useMemo(() => new ForensicsClient(api), [api]);
}

/** Page frame of a forensics view. */
export function ForensicsFrame({ tab, kiosk, children }: { tab: ForensicsTab; kiosk: boolean; children: ReactNode }) {
  return (
    <div className="page forensics" data-testid={`forensics-${tab}`}>
      {!kiosk && <NavBar current="/forensics" />}
      <div className="forensics-body">
        <nav className="forensics-tabs" aria-label="forensics">
          {FORENSICS_TABS.map(([id, label]) => (
            <Link key={id} to={`/forensics/${id}`} className={id === tab ? 'ftab active' : 'ftab'} testId={`ftab-${id}`}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="forensics-content">{children}</div>
      </div>
    </div>
  );
}

/** Formats an epoch-ms time as UTC `YYYY-MM-DD HH:MM:SS`. */
export function utc(ms: number | null | undefined): string {
  return ms == null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
