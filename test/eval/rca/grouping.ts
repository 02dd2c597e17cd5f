/**
 * Pairwise scoring of alert-to-incident grouping against the demo's ground truth.
 *
 * Every alert member of every incident gets a true group: the fault whose alert window with the same
 * fingerprint covers its time (± one evaluation), or the background episode it belongs to. Over all
 * pairs of alert members: precision = pairs in one incident that share a true group / pairs in one
 * incident; recall = pairs sharing a true group that are in one incident / pairs sharing a true group.
 */
import type { IncidentDetail } from '../../../core/common/schemas.ts';
import type { AlertTruth } from '../../../core/demo/simulator.ts';

/** Pairwise grouping figures. */
export interface GroupingScore {
  members: number;
  /** Alert members no truth window explains (counted as their own group). */
  unexplained: number;
  precision: number;
  recall: number;
  f1: number;
  /** Pairs put together wrongly: between two faults, a fault and noise, two noise episodes. */
  wrongPairs: { faultFault: number; faultNoise: number; noiseNoise: number };
}

const SLACK_MS = 60_000;

/** The true group of an alert member, or null when no window explains it. */
export function truthOf(index: Map<string, AlertTruth[]>, fingerprint: string, time: number): AlertTruth | null {
  for (const w of index.get(fingerprint) ?? []) if (time >= w.from - SLACK_MS && time <= w.to + SLACK_MS) return w;
  return null;
}

/** Scores the grouping of the incidents' alert members. */
export function scoreGrouping(incidents: IncidentDetail[], truth: AlertTruth[]): GroupingScore {
  const index = new Map<string, AlertTruth[]>();
  for (const w of truth) {
    let l = index.get(w.fingerprint);
    if (!l) index.set(w.fingerprint, (l = []));
    l.push(w);
  }
  // Count pairs from contingency counts: n(incident, group).
  const cell = new Map<string, number>();
  const byIncident = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let members = 0;
  let unexplained = 0;
  for (const inc of incidents) {
    for (const m of inc.members) {
      if (m.kind !== 'alert') continue;
      members++;
      const w = truthOf(index, m.fingerprint, m.time);
      if (!w) unexplained++;
      const group = w ? w.group : `unexplained|${m.id}`;
      const key = `${inc.id}\u0000${group}`;
      cell.set(key, (cell.get(key) ?? 0) + 1);
      byIncident.set(inc.id, (byIncident.get(inc.id) ?? 0) + 1);
      byGroup.set(group, (byGroup.get(group) ?? 0) + 1);
    }
  }
  const pairs = (n: number): number => (n * (n - 1)) / 2;
  const wrongPairs = { faultFault: 0, faultNoise: 0, noiseNoise: 0 };
  const perIncident = new Map<string, [string, number][]>();
  for (const [key, n] of cell) {
    const [inc, group] = key.split('\u0000');
    let l = perIncident.get(inc);
    if (!l) perIncident.set(inc, (l = []));
    l.push([group, n]);
  }
  for (const groups of perIncident.values()) {
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const a = !groups[i][0].startsWith('noise|');
        const b = !groups[j][0].startsWith('noise|');
        const n = groups[i][1] * groups[j][1];
        if (a && b) wrongPairs.faultFault += n;
        else if (a || b) wrongPairs.faultNoise += n;
        else wrongPairs.noiseNoise += n;
      }
    }
  }
  let tp = 0;
  for (const n of cell.values()) tp += pairs(n);
  let predicted = 0;
  for (const n of byIncident.values()) predicted += pairs(n);
  let actual = 0;
  for (const n of byGroup.values()) actual += pairs(n);
  const precision = predicted === 0 ? 1 : tp / predicted;
  const recall = actual === 0 ? 1 : tp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { members, unexplained, precision, recall, f1, wrongPairs };
}
