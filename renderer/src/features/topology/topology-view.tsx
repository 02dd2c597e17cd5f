/**
 * Topology explorer: the whole estate with zoom and pan, a search box that centres and rings the
 * entity found, and a side panel with the attributes, open incidents and anomalies of the node
 * clicked.
 */
import { useEffect, useMemo } from 'react';
import { useAnomalies, useIncidents, useLiveStream, useNow, useRecentAnomalies, useStats, useTopology } from '../../api/hooks.tsx';
import { viewClock } from '../../shared/clock.ts';
import { entityLabel, formatClock, formatDuration } from '../../shared/format.ts';
import { incidentPath } from '../../shared/router.ts';
import { Link, NavBar, Panel, SeverityBadge } from '../../shared/ui.tsx';
import { computeHealth } from './health.ts';
import { layoutTopology } from './layout.ts';
import { searchNodes } from './search.ts';
import { useTopologyUi } from './store.ts';
import { TopologyGraph } from './topology-graph.tsx';

const RECENT_ANOMALY_MS = 15 * 60_000;

/**
 * The explorer view; `focus` comes from `?focus=<entity>`. While a replay drives the engine, it shows
 * the estate as of the replay clock (time travel): the nodes and edges seen by then, coloured by the
 * incidents open then and the anomalies of the 15 minutes before.
 */
export function TopologyView({ focus, kiosk }: { focus: string | null; kiosk: boolean }) {
  useLiveStream();
  const stats = useStats();
  const clock = viewClock(useNow(60_000), stats.data);
  const asOf = clock.asOf;
  const topology = useTopology(asOf);
  const incidents = useIncidents('open');
  const recent = useRecentAnomalies();
  const atAsOf = useAnomalies((asOf ?? 0) - RECENT_ANOMALY_MS, asOf ?? 0, undefined, asOf !== null);
  const anomalies = asOf === null ? recent : atAsOf;
  const { selected, query, select, setQuery } = useTopologyUi();
  // Live: rounded to the minute so the health and anomaly queries do not churn on every stats push.
  const now = asOf ?? Math.floor(clock.now / 60_000) * 60_000;

  useEffect(() => {
    if (focus) select(focus);
  }, [focus, select]);

  const layout = useMemo(() => (topology.data ? layoutTopology(topology.data, { aspect: 1.5 }) : null), [topology.data]);
  const health = useMemo(
    () =>
      topology.data
        ? computeHealth(topology.data, incidents.data ?? [], (anomalies.data ?? []).filter((a) => a.time >= now - RECENT_ANOMALY_MS && a.time <= now))
        : new Map(),
    [topology.data, incidents.data, anomalies.data, now],
  );
  const matches = useMemo(() => searchNodes(topology.data?.nodes ?? [], query), [topology.data, query]);

  return (
    <div
      className="page"
      data-testid="topology-view"
      data-state={topology.data && !topology.isPlaceholderData ? 'ready' : 'loading'}
      data-as-of={asOf ?? ''}
      data-nodes={topology.data?.nodes.length ?? ''}
      data-edges={topology.data?.edges.length ?? ''}
    >
      {!kiosk && <NavBar current="/topology" />}
      <div className="explorer">
        <Panel
          className="explorer-graph"
          title="Topology"
          extra={
            <form
              className="search"
              onSubmit={(e) => {
                e.preventDefault();
                if (matches[0]) select(matches[0].id);
              }}
            >
              <input
                type="search"
                placeholder="Find entity by name or id…"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                aria-label="Find entity"
                data-testid="topology-search"
              />
              {query && matches.length > 0 && (
                <ul className="search-results">
                  {matches.map((n) => (
                    <li key={n.id}>
                      <button type="button" onClick={() => select(n.id)}>
                        <span>{n.name || n.id}</span>
                        <span className="muted">{n.kind}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </form>
          }
        >
          {topology.data && layout ? (
            <TopologyGraph topology={topology.data} layout={layout} health={health} mode="explore" focus={selected} onSelect={select} testId="topology" />
          ) : (
            <div className="placeholder">{topology.error ? topology.error.message : 'Loading topology…'}</div>
          )}
        </Panel>
        <Panel className="explorer-side" title={selected ? entityLabel(selected) : 'Details'}>
          {selected && topology.data ? <NodeDetails id={selected} now={now} asOf={asOf} /> : <div className="muted">Click a node or search for an entity.</div>}
        </Panel>
      </div>
    </div>
  );
}

function NodeDetails({ id, now, asOf }: { id: string; now: number; asOf: number | null }) {
  const topology = useTopology(asOf);
  const incidents = useIncidents('open');
  const node = topology.data?.nodes.find((n) => n.id === id);
  const key = node ? `${node.kind}:${node.name}` : id;
  const from = Math.floor((now - 6 * 3600_000) / 60_000) * 60_000;
  const anomalies = useAnomalies(from, from + 7 * 3600_000, key);
  if (!node) return <div className="muted">{id} is not in the topology.</div>;
  const mine = (incidents.data ?? []).filter((i) => i.entities.includes(key) || i.entities.includes(id) || (node.kind === 'service' && i.services.includes(node.name)));
  const deps = topology.data!.edges.filter((e) => e.source === id).map((e) => e.target);
  const dependents = topology.data!.edges.filter((e) => e.target === id).map((e) => e.source);
  return (
    <div className="node-details" data-testid="node-details" data-entity={id}>
      <dl className="attrs">
        <dt>id</dt>
        <dd>{node.id}</dd>
        <dt>kind</dt>
        <dd>{node.kind}</dd>
        {Object.entries(node.attributes ?? {}).map(([k, v]) => (
          <div key={k} className="attr-row">
            <dt>{k}</dt>
            <dd>{String(v)}</dd>
          </div>
        ))}
      </dl>
      <h3>Depends on ({deps.length})</h3>
      <div className="chips">{deps.map((d) => <span key={d} className="chip">{entityLabel(d)}</span>)}</div>
      <h3>Used by ({dependents.length})</h3>
      <div className="chips">{dependents.map((d) => <span key={d} className="chip">{entityLabel(d)}</span>)}</div>
      <h3>Open incidents ({mine.length})</h3>
      <ul className="mini-list">
        {mine.map((i) => (
          <li key={i.id}>
            <SeverityBadge severity={i.severity} /> <Link to={incidentPath(i.id)}>{i.title}</Link>
            <span className="muted"> · {formatDuration(now - i.openedAt)}</span>
          </li>
        ))}
      </ul>
      <h3>Anomalies, last 6 h ({anomalies.data?.length ?? '…'})</h3>
      <ul className="mini-list">
        {(anomalies.data ?? []).slice(0, 30).map((a) => (
          <li key={a.id}>
            <span className="mono">{formatClock(a.time)}</span> {a.metric} = {a.value.toFixed(2)} <span className="muted">(expected {a.expected.toFixed(2)}, score {a.score.toFixed(2)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
