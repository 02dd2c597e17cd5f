/** Small shared UI pieces: panels, figures, badges, the connection indicator. */
import type { ReactNode, Ref } from 'react';
import type { Severity } from '../../../core/common/schemas.ts';
import { useAppStore } from './app-store.ts';
import { navigate } from './router.ts';

/** A titled dark panel. */
export function Panel(props: {
  title?: ReactNode;
  extra?: ReactNode;
  className?: string;
  children: ReactNode;
  testId?: string;
  bodyRef?: Ref<HTMLDivElement>;
}) {
  return (
    <section className={`panel ${props.className ?? ''}`} data-testid={props.testId}>
      {props.title !== undefined && (
        <header className="panel-head">
          <h2>{props.title}</h2>
          {props.extra && <div className="panel-extra">{props.extra}</div>}
        </header>
      )}
      <div className="panel-body" ref={props.bodyRef}>
        {props.children}
      </div>
    </section>
  );
}

/** A headline figure. */
export function Figure(props: { label: string; value: ReactNode; sub?: ReactNode; tone?: 'alert' | 'good' | 'warn'; testId?: string }) {
  return (
    <div className={`figure ${props.tone ? `tone-${props.tone}` : ''}`} data-testid={props.testId}>
      <div className="figure-label">{props.label}</div>
      <div className="figure-value">{props.value}</div>
      {props.sub !== undefined && <div className="figure-sub">{props.sub}</div>}
    </div>
  );
}

/** A severity pill. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`sev sev-${severity}`}>{severity}</span>;
}

/** Live / reconnecting indicator, driven by the stream. */
export function ConnectionIndicator() {
  const state = useAppStore((s) => s.connection);
  const label = state === 'live' ? 'LIVE' : state === 'unauthorised' ? 'TOKEN REJECTED' : state === 'connecting' ? 'CONNECTING' : 'RECONNECTING';
  return (
    <span className={`conn conn-${state}`} data-testid="connection" data-connection={state} role="status">
      <span className="conn-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** An in-app link that uses the history API. */
export function Link(props: { to: string; className?: string; children: ReactNode; testId?: string }) {
  return (
    <a
      href={props.to}
      className={props.className}
      data-testid={props.testId}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/** The top bar of the interactive views (hidden in kiosk mode). */
export function NavBar({ current }: { current: string }) {
  const items = [
    ['/', 'Wall'],
    ['/topology', 'Topology'],
    ['/timeline', 'Timeline'],
    ['/logs', 'Logs'],
    ['/approvals', 'Approvals'],
    ['/audit', 'Audit'],
    ['/forensics', 'Forensics'],
  ] as const;
  return (
    <nav className="navbar" data-testid="navbar">
      <span className="brand">WATCHFLOOR</span>
      {items.map(([to, label]) => (
        <Link key={to} to={to} className={current === to ? 'nav-item active' : 'nav-item'}>
          {label}
        </Link>
      ))}
      <span className="nav-spacer" />
      <ConnectionIndicator />
    </nav>
  );
}
