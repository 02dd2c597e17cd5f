/**
 * Wire types of the log explorer API (`/api/logs/*`), shared by the engine and the renderer.
 */

/** A template as the explorer lists it (`GET /api/logs/templates`). */
export interface LogTemplateSummary {
  /** Stable template id, `t` + 16 hex digits. */
  id: string;
  /** Template text, `<*>` for variables. */
  template: string;
  /** Lines in the window (and entity, when filtered). */
  count: number;
  /** All lines ever. */
  total: number;
  firstSeen: number | null;
  lastSeen: number | null;
  /** Lines per bucket across the window, oldest first. */
  spark: number[];
  /** Entities that logged it in the window, most lines first (at most 5). */
  entities: string[];
}

/** `GET /api/logs/templates`. */
export interface LogTemplatesResponse {
  from: number;
  to: number;
  buckets: number;
  templates: LogTemplateSummary[];
}

/** A stored log line of a template (`GET /api/logs/templates/:id/lines`). */
export interface LogTemplateLine {
  time: number;
  entity: string;
  severity: string | null;
  /** The body as stored: personal data already masked. */
  body: string;
  templateId: string;
}

/** A template event (`GET /api/logs/template-events`). */
export interface LogTemplateEvent {
  id: string;
  kind: 'new' | 'surge' | 'disappeared';
  templateId: string;
  entity: string;
  /** Event time, epoch ms. */
  time: number;
  /** Lines in the minute (1 for a new template, 0 for a disappearance). */
  value: number;
  /** The recent per-minute mean it is compared with. */
  expected: number;
  /** In [0, 1]. */
  score: number;
  /** The template's text, when the template is still live. */
  template: string | null;
}
