/** The app shell: picks the view for the current route. */
import { useRoute } from './shared/router.ts';
import { NavBar, Link } from './shared/ui.tsx';
import { WallView } from './features/wall/wall-view.tsx';
import { IncidentView } from './features/incidents/incident-view.tsx';
import { TopologyView } from './features/topology/topology-view.tsx';
import { TimelineView } from './features/timeline/timeline-view.tsx';
import { ApprovalsView } from './features/approvals/approvals-view.tsx';
import { AuditView } from './features/approvals/audit-view.tsx';
import { ForensicsView } from './features/cases/forensics-view.tsx';
import { LogsView } from './features/logs/logs-view.tsx';

/** Root component (inside the providers). */
export function App() {
  const { route, kiosk } = useRoute();
  switch (route.view) {
    case 'wall':
      return <WallView kiosk={kiosk} />;
    case 'incident':
      return <IncidentView key={route.id} id={route.id} kiosk={kiosk} />;
    case 'topology':
      return <TopologyView focus={route.focus} kiosk={kiosk} />;
    case 'timeline':
      return <TimelineView kiosk={kiosk} />;
    case 'approvals':
      return <ApprovalsView kiosk={kiosk} />;
    case 'audit':
      return <AuditView kiosk={kiosk} />;
    case 'forensics':
      return <ForensicsView tab={route.tab} kiosk={kiosk} />;
    case 'logs':
      return <LogsView kiosk={kiosk} entity={route.entity} template={route.template} />;
    default:
      return (
        <div className="page">
          {!kiosk && <NavBar current="" />}
          <div className="placeholder">
            Nothing at {route.path}. <Link to="/">Back to the wall</Link>
          </div>
        </div>
      );
  }
}
