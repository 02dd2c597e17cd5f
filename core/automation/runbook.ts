/**
 * Runbooks: YAML files that say when they apply to an incident, which steps to run (HTTP request,
 * shell command with a timeout and an environment allow-list, or a built-in action), how to verify
 * the result and how to roll back. Loaded from resources/runbooks (built in) and the site's folder;
 * an invalid file is rejected whole with its path, line and reason, and the others still load.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { BUILTIN_ACTIONS, RISKS, type RunbookSummary } from '../common/automation-schemas.ts';

/** A duration: milliseconds, or a string like `500ms`, `10s`, `5m`, `1h`. */
const Duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(ms|s|m|h)$/, 'must be milliseconds or like 500ms, 10s, 5m, 1h')])
  .transform((v) => (typeof v === 'number' ? v : parseDuration(v)));

function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s)!;
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms'];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

const HttpSpec = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.string().min(1),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.unknown().optional(),
    /** Statuses that count as success; default any 2xx. */
    expectStatus: z.array(z.number().int().min(100).max(599)).optional(),
    /** Text the response body must contain to count as success. */
    bodyContains: z.string().optional(),
  })
  .strict();

const ShellSpec = z
  .object({
    /** argv, no shell: the first element is the program. */
    command: z.array(z.string().min(1)).min(1),
    /** Names of the engine's environment variables the command may see; nothing else is passed. */
    env: z.array(z.string().regex(ENV_NAME, 'must be an environment variable name')).default([]),
    cwd: z.string().optional(),
  })
  .strict();

const StepBase = {
  name: z.string().min(1).max(200),
  timeout: Duration.default(30_000),
  http: HttpSpec.optional(),
  shell: ShellSpec.optional(),
  action: z.enum(BUILTIN_ACTIONS).optional(),
  /** Arguments of a built-in action (`endpoint`, `replicas`...). */
  with: z.record(z.string(), Scalar).default({}),
};

function oneKind(s: { http?: unknown; shell?: unknown; action?: unknown }, ctx: z.RefinementCtx): void {
  const kinds = ['http', 'shell', 'action'].filter((k) => s[k as 'http'] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: kinds.length ? `a step has exactly one of http, shell or action, got ${kinds.join(' and ')}` : 'a step needs one of http, shell or action',
      path: kinds.length ? [kinds[1]] : [],
    });
  }
}

const Step = z.object(StepBase).strict().superRefine(oneKind);

const Verify = z
  .object({
    ...StepBase,
    name: z.string().min(1).max(200).default('verify'),
    /** Tries before the check counts as failed. */
    attempts: z.number().int().min(1).max(100).default(3),
    /** Wait between tries. */
    interval: Duration.default(2000),
  })
  .strict()
  .superRefine(oneKind);

const Parameter = z
  .object({
    description: z.string().optional(),
    default: Scalar.optional(),
  })
  .strict();

export const RunbookSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'must be lowercase letters, digits and dashes'),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).default(''),
    risk: z.enum(RISKS),
    /** Automation level 1-5 unless the environment's configuration says otherwise. */
    automation: z.number().int().min(1).max(5).default(3),
    match: z
      .object({
        /** Entity globs (`service:*`, `database:orders-*`). */
        entities: z.array(z.string().min(1)).default([]),
        /** Regular expressions tested against the incident's and its members' titles. */
        titles: z.array(z.string().min(1)).default([]),
        /** Log templates (`<*>` is a wildcard) tested against member titles. */
        templates: z.array(z.string().min(1)).default([]),
        /** Metric-name globs of anomalies among the members. */
        anomalies: z.array(z.string().min(1)).default([]),
        severities: z.array(z.enum(['critical', 'major', 'minor', 'warning', 'info'])).default([]),
      })
      .strict(),
    parameters: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'parameter names are identifiers'), Parameter).default({}),
    steps: z.array(Step).min(1).max(50),
    verify: Verify.optional(),
    rollback: z.array(Step).max(50).default([]),
    expectedEffect: z.string().max(2000).default(''),
    /** How sure the author is the steps fix what matched, in [0, 1]. */
    confidence: z.number().min(0).max(1).default(0.5),
  })
  .strict()
  .superRefine((rb, ctx) => {
    const m = rb.match;
    if (!m.entities.length && !m.titles.length && !m.templates.length && !m.anomalies.length && !m.severities.length) {
      ctx.addIssue({ code: 'custom', message: 'needs at least one of entities, titles, templates, anomalies or severities', path: ['match'] });
    }
  });

/** A validated runbook. */
export type Runbook = z.output<typeof RunbookSchema>;
/** One step of a runbook. */
export type RunbookStep = z.output<typeof Step>;
/** The verification check. */
export type RunbookVerify = z.output<typeof Verify>;

/** A runbook with where it came from. */
export interface LoadedRunbook extends Runbook {
  file: string;
  origin: 'builtin' | 'site';
}

/** Why a file was rejected. */
export interface RunbookError {
  file: string;
  /** 1-based; 0 when the error is not about one place (e.g. the file could not be read). */
  line: number;
  reason: string;
}

/** Variables a template may use besides `params.<name>`. */
const TEMPLATE_VARS = new Set(['target', 'target.kind', 'target.name', 'incident.id', 'incident.title', 'incident.severity', 'action.id']);
const TEMPLATE_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Parses and validates one runbook's text. */
export function parseRunbook(text: string, file: string): { runbook: Runbook } | { error: RunbookError } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    return { error: { file, line: lineCounter.linePos(e.pos[0]).line, reason: e.message.split('\n')[0] } };
  }
  const data: unknown = doc.toJS();
  const parsed = RunbookSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map(String).join('.') || 'runbook';
    return { error: { file, line: lineOf(doc, lineCounter, issue.path), reason: `${where}: ${issue.message}` } };
  }
  const rb = parsed.data;
  // Regular expressions and template variables are checked at load, not when an incident arrives.
  for (const [i, re] of rb.match.titles.entries()) {
    try {
      new RegExp(re, 'i');
    } catch (err) {
      return { error: { file, line: lineOf(doc, lineCounter, ['match', 'titles', i]), reason: `match.titles.${i}: ${(err as Error).message}` } };
    }
  }
  const nodes: [string, PropertyKey[]][] = [];
  collectStrings(data, [], nodes);
  for (const [s, p] of nodes) {
    for (const m of s.matchAll(TEMPLATE_RE)) {
      const v = m[1];
      const ok = TEMPLATE_VARS.has(v) || (v.startsWith('params.') && Object.hasOwn(rb.parameters, v.slice(7)));
      if (!ok) {
        return {
          error: {
            file,
            line: lineOf(doc, lineCounter, p),
            reason: `${p.map(String).join('.')}: unknown template variable '{{${v}}}' (use target, target.name, target.kind, incident.id, incident.title, incident.severity, action.id or a declared params.<name>)`,
          },
        };
      }
    }
  }
  return { runbook: rb };
}

function collectStrings(v: unknown, p: PropertyKey[], out: [string, PropertyKey[]][]): void {
  if (typeof v === 'string') out.push([v, p]);
  else if (Array.isArray(v)) v.forEach((x, i) => collectStrings(x, [...p, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collectStrings(x, [...p, k], out);
}

/** The line of the node at `p`, or of its nearest existing ancestor (a missing key points at its parent). */
function lineOf(doc: Document, lc: LineCounter, p: readonly PropertyKey[]): number {
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n) as (string | number)[], true);
    if (node && (isScalar(node) || isMap(node) || isSeq(node)) && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}

/** Everything found in the runbook folders. */
export interface RunbookSet {
  runbooks: LoadedRunbook[];
  errors: RunbookError[];
}

/**
 * Loads every `*.yaml`/`*.yml` in the given folders (missing folders are skipped). A site runbook with
 * the id of a built-in one replaces it; two files with one id in the same origin is an error for the
 * second.
 */
export async function loadRunbooks(dirs: readonly { dir: string; origin: 'builtin' | 'site' }[]): Promise<RunbookSet> {
  const byId = new Map<string, LoadedRunbook>();
  const errors: RunbookError[] = [];
  for (const { dir, origin } of dirs) {
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = path.join(dir, name);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        errors.push({ file, line: 0, reason: `cannot be read: ${(err as Error).message}` });
        continue;
      }
      const r = parseRunbook(text, file);
      if ('error' in r) {
        errors.push(r.error);
        continue;
      }
      const prior = byId.get(r.runbook.id);
      if (prior && prior.origin === origin) {
        errors.push({ file, line: 1, reason: `id: '${r.runbook.id}' is already defined in ${prior.file}` });
        continue;
      }
      byId.set(r.runbook.id, { ...r.runbook, file, origin });
    }
  }
  return { runbooks: [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)), errors };
}

/** The listing form of a runbook. */
export function runbookSummary(rb: LoadedRunbook, level: number): RunbookSummary {
  return {
    id: rb.id,
    name: rb.name,
    description: rb.description,
    risk: rb.risk,
    level,
    origin: rb.origin,
    file: rb.file,
    steps: rb.steps.map((s) => s.name),
    hasVerify: Boolean(rb.verify),
    rollbackSteps: rb.rollback.length,
    expectedEffect: rb.expectedEffect,
    confidence: rb.confidence,
  };
}

/** Replaces `{{var}}` in every string of `value` (deeply). Unknown variables were refused at load. */
export function fillTemplates<T>(value: T, vars: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return value.replace(TEMPLATE_RE, (_, v: string) => vars[v] ?? '') as T;
  if (Array.isArray(value)) return value.map((x) => fillTemplates(x, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, fillTemplates(x, vars)])) as T;
  }
  return value;
}

/** A glob with `*` as the only wildcard, anchored. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(escapeRe).join('.*')}$`, 'i');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A log template with `<*>` wildcards as an unanchored pattern. */
export function templateToRegExp(t: string): RegExp {
  return new RegExp(t.split('<*>').map(escapeRe).join('.*?'), 'i');
}
