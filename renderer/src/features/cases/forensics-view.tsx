/** The forensics area: picks the tab's view. */
import { ImportView } from '../import/import-view.tsx';
import { ReplayView } from '../replay/replay-view.tsx';
import { ReportsView } from '../reports/reports-view.tsx';
import { SqlView } from '../sql/sql-view.tsx';
import { CasesView } from './cases-view.tsx';
import type { ForensicsTab } from './forensics-nav.tsx';

/** One of the five forensics views. */
export function ForensicsView({ tab, kiosk }: { tab: ForensicsTab; kiosk: boolean }) {
  switch (tab) {
    case 'import':
      return <ImportView kiosk={kiosk} />;
    case 'replay':
      return <ReplayView kiosk={kiosk} />;
    case 'sql':
      return <SqlView kiosk={kiosk} />;
    case 'reports':
      return <ReportsView kiosk={kiosk} />;
    default:
      return <CasesView kiosk={kiosk} />;
  }
}
