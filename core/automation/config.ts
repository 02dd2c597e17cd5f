/**
 * Automation settings of a site, kept in DATA_DIR/automation.json and changed through the API (every
 * change is audited). Everything has a default, so an empty file — or none — is a valid configuration.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

const Duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(ms|s|m|h)$/, 'must be milliseconds or like 500ms, 10s, 5m, 1h')])
  .transform((v) => {
    if (typeof v === 'number') return v;
    const m = /^(\d+)(ms|s|m|h)$/.exec(v)!;
    return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms'];
  });

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

const Limit = z.object({ max: z.number().int().min(1).max(10_000), window: Duration }).strict();

/** One notification channel. Secrets (keys, passwords) live here and are never returned by the API. */
export const ChannelSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes'),
    kind: z.enum(['webhook', 'slack', 'mattermost', 'teams', 'pagerduty', 'opsgenie', 'smtp', 'servicenow', 'jira']),
    /** Endpoint URL (webhook kinds, PagerDuty/Opsgenie API base, ServiceNow instance, Jira base). */
    url: z.string().url().optional(),
    /** PagerDuty routing key, Opsgenie API key, Jira/ServiceNow token or password. */
    secret: z.string().optional(),
    /** ServiceNow/Jira/SMTP user. */
    user: z.string().optional(),
    /** Jira project key. */
    project: z.string().optional(),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(25),
        /** Upgrade with STARTTLS when the server offers it. */
        starttls: z.boolean().default(true),
        from: z.string().email(),
        to: z.array(z.string().email()).min(1),
      })
      .strict()
      .optional(),
    /** Which events go to this channel; all when empty. */
    events: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'smtp' ? !c.smtp : !c.url) {
      ctx.addIssue({ code: 'custom', message: c.kind === 'smtp' ? 'an smtp channel needs smtp settings' : `a ${c.kind} channel needs url`, path: [c.kind === 'smtp' ? 'smtp' : 'url'] });
    }
  });
export type Channel = z.output<typeof ChannelSchema>;

export const AutomationConfigSchema = z
  .object({
    /** Which entry of `environments` applies to this engine. */
    environment: z.string().min(1).default('production'),
    environments: z
      .record(
        z.string(),
        z
          .object({
            /** Highest level any runbook may run at here. */
            maxLevel: z.number().int().min(1).max(5).default(5),
            /** Per-runbook levels here, overriding the runbook's own. */
            levels: z.record(z.string(), z.number().int().min(1).max(5)).default({}),
          })
          .strict(),
      )
      .default({}),
    businessHours: z
      .object({
        /** IANA zone, e.g. Europe/Berlin. */
        timezone: z.string().default('UTC'),
        /** 0 = Sunday … 6 = Saturday. */
        days: z.array(z.number().int().min(0).max(6)).default([1, 2, 3, 4, 5]),
        start: Clock.default('09:00'),
        end: Clock.default('17:00'),
      })
      .strict()
      .default({ timezone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }),
    /** How long a pending approval stays open. */
    approvalTtl: Duration.default(3_600_000),
    guardrails: z
      .object({
        perTarget: Limit.default({ max: 5, window: 600_000 }),
        perRunbook: Limit.default({ max: 10, window: 600_000 }),
        /** The same runbook on the same target this often within the window is a loop. */
        loop: Limit.default({ max: 3, window: 3_600_000 }),
        /** Consecutive failures of a runbook that open its breaker, and how long it stays open. */
        breaker: z.object({ failures: z.number().int().min(1).max(100), cooldown: Duration }).strict().default({ failures: 3, cooldown: 900_000 }),
      })
      .strict()
      .default({
        perTarget: { max: 5, window: 600_000 },
        perRunbook: { max: 10, window: 600_000 },
        loop: { max: 3, window: 3_600_000 },
        breaker: { failures: 3, cooldown: 900_000 },
      }),
    /** Parameters per target entity (e.g. its control endpoint), applied over a runbook's defaults. */
    targets: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).default({}),
    notifications: z.array(ChannelSchema).default([]),
    /** Notification retries: attempts and the first backoff (doubling). */
    retry: z.object({ attempts: z.number().int().min(1).max(20), backoff: Duration }).strict().default({ attempts: 5, backoff: 1000 }),
  })
  .strict()
  .superRefine((c, ctx) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: c.businessHours.timezone });
    } catch {
      ctx.addIssue({ code: 'custom', message: `unknown time zone '${c.businessHours.timezone}'`, path: ['businessHours', 'timezone'] });
    }
    const ids = new Set<string>();
    c.notifications.forEach((ch, i) => {
      if (ids.has(ch.id)) ctx.addIssue({ code: 'custom', message: `duplicate channel id '${ch.id}'`, path: ['notifications', i, 'id'] });
      ids.add(ch.id);
    });
  });
/** Validated automation settings. */
export type AutomationConfig = z.output<typeof AutomationConfigSchema>;
/** What a config file or API body may contain. */
export type AutomationConfigInput = z.input<typeof AutomationConfigSchema>;

/** Reads the config file; a missing file gives the defaults. Throws naming the field on invalid content. */
export async function readAutomationConfig(file: string): Promise<{ config: AutomationConfig; raw: unknown }> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '{}';
    throw err;
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = AutomationConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${file}: ${i.path.map(String).join('.') || 'config'}: ${i.message}`);
  }
  return { config: parsed.data, raw };
}

/** Writes the config atomically (temp file + rename), so a crash never leaves half a file. */
export async function writeAutomationConfig(file: string, raw: unknown): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
