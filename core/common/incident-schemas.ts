/**
 * Wire types of incident feedback (operator merges and splits) and similar incidents.
 * Plain TypeScript + zod: shared by the engine and, as types, the renderer.
 */
import { z } from 'zod';

/** `POST /api/incidents/:id/merge`: fold these incidents into `:id`. */
export const MergeRequest = z.object({
  incidentIds: z.array(z.string().min(1).max(200)).min(1).max(100),
});
export type MergeRequest = z.output<typeof MergeRequest>;

/** `POST /api/incidents/:id/split`: move these members of `:id` into a new incident. */
export const SplitRequest = z.object({
  memberIds: z.array(z.string().min(1).max(500)).min(1).max(10_000),
});
export type SplitRequest = z.output<typeof SplitRequest>;

/** An operator's decision, as stored (table `incident_feedback`) and learned from by the correlator. */
export interface IncidentFeedback {
  id: string;
  /** Wall-clock time of the decision, epoch ms. */
  time: number;
  action: 'merge' | 'split';
  /** The incident merged into, or the incident split. */
  incidentId: string;
  /** Merged incidents, or the new incident of a split. */
  otherIds: string[];
  /** Members moved by a split (empty for a merge). */
  memberIds: string[];
  /** Signal-template pairs the decision says belong together (merge) or apart (split). */
  pairs: [string, string][];
}

/** What a merge or split answers: the decision and the incidents it changed, as now stored. */
export interface FeedbackResult {
  feedback: IncidentFeedback;
  /** Ids of the incidents that changed (the target, the merged ones, or both parts of a split). */
  incidents: string[];
}

/** A past incident like the one asked about, `GET /api/incidents/:id/similar`. */
export interface SimilarIncident {
  id: string;
  title: string;
  status: 'open' | 'resolved';
  openedAt: number;
  resolvedAt: number | null;
  /** In [0, 1]: weighted Jaccard of entities, signal templates and anomalous metrics. */
  similarity: number;
  /** Its top root-cause candidate, if any. */
  rootCause: string | null;
  /** How it ended, in a sentence: duration, cause, operator decisions. */
  resolution: string;
  /** Entities both incidents touched (at most 10). */
  sharedEntities: string[];
}
