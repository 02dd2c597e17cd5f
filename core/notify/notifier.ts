/**
 * Notifications to the endpoints the operator configured: generic webhook, Slack / Mattermost / Teams
 * incoming webhooks, PagerDuty Events v2, Opsgenie, e-mail over SMTP, and tickets in ServiceNow and
 * Jira (created on escalation, moved to resolved when the incident resolves). Each delivery is retried
 * with doubling backoff; every delivery and its fate is listed, so failures are visible in the UI.
 * Nothing is sent anywhere that is not configured.
 */
import { randomBytes } from 'node:crypto';
import type { NotificationDelivery } from '../common/automation-schemas.ts';
import type { Logger } from '../log.ts';
import type { AutomationConfig, Channel } from '../automation/config.ts';
import { sendMail } from './smtp.ts';

/** What happened, in a form every channel can render. */
export interface NotificationEvent {
  /** e.g. `action-pending`, `action-succeeded`, `action-failed`, `incident-escalated`, `incident-resolved`. */
  event: string;
  title: string;
  text: string;
  severity: 'critical' | 'warning' | 'info';
  incidentId?: string | null;
  actionId?: string | null;
}

const KEEP_DELIVERIES = 500;
const REQUEST_TIMEOUT_MS = 10_000;

interface Delivery extends NotificationDelivery {
  channelRef: Channel;
  payload: NotificationEvent;
}

/** Sends and retries notifications; lists deliveries. */
export class Notifier {
  private channels: Channel[] = [];
  private retry: AutomationConfig['retry'] = { attempts: 5, backoff: 1000 };
  private readonly list: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Ticket per incident and channel: ServiceNow sys_id/number or Jira key. */
  private readonly tickets = new Map<string, { id: string; label: string }>();
  private closed = false;

  constructor(
    private readonly log: Logger,
    /** Told about every state change of a delivery (the engine broadcasts failures). */
    private readonly onChange: (d: NotificationDelivery) => void = () => {},
  ) {}

  /** Applies the configured channels and retry policy. */
  configure(config: Pick<AutomationConfig, 'notifications' | 'retry'>): void {
    this.channels = config.notifications;
    this.retry = config.retry;
  }

  /** Queues `ev` to every channel that wants it. */
  notify(ev: NotificationEvent): void {
    if (this.closed) return;
    for (const ch of this.channels) {
      if (ch.events.length && !ch.events.includes(ev.event)) continue;
      // Ticket systems act on escalations and resolutions only.
      if ((ch.kind === 'servicenow' || ch.kind === 'jira') && ev.event !== 'incident-escalated' && ev.event !== 'incident-resolved') continue;
      if ((ch.kind === 'servicenow' || ch.kind === 'jira') && ev.event === 'incident-resolved' && !this.tickets.has(`${ev.incidentId}|${ch.id}`)) continue;
      const now = Date.now();
      const d: Delivery = {
        id: `ntf-${randomBytes(6).toString('hex')}`,
        channel: ch.id,
        kind: ch.kind,
        event: ev.event,
        state: 'pending',
        attempts: 0,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        ticket: null,
        channelRef: ch,
        payload: ev,
      };
      this.list.push(d);
      if (this.list.length > KEEP_DELIVERIES) this.list.splice(0, this.list.length - KEEP_DELIVERIES);
      void this.attempt(d);
    }
  }

  /** Deliveries, newest first. */
  deliveries(limit = 200): NotificationDelivery[] {
    return this.list
      .slice(-limit)
      .reverse()
      .map(({ channelRef: _c, payload: _p, ...d }) => d);
  }

  private async attempt(d: Delivery): Promise<void> {
    if (this.closed) return;
    d.attempts++;
    try {
      const ticket = await this.send(d.channelRef, d.payload);
      d.state = 'delivered';
      d.lastError = null;
      if (ticket) d.ticket = ticket;
    } catch (err) {
      d.lastError = (err as Error).message;
      if (d.attempts >= this.retry.attempts) {
        d.state = 'failed';
        this.log('warn', 'notification failed', { channel: d.channel, event: d.event, attempts: d.attempts, error: d.lastError });
      } else {
        const delay = this.retry.backoff * 2 ** (d.attempts - 1);
        const t = setTimeout(() => {
          this.timers.delete(t);
          void this.attempt(d);
        }, delay);
        t.unref();
        this.timers.add(t);
      }
    }
    d.updatedAt = Date.now();
    this.onChange(this.view(d));
  }

  private view(d: Delivery): NotificationDelivery {
    const { channelRef: _c, payload: _p, ...rest } = d;
    return rest;
  }

  /** One try at one channel; resolves with a ticket label when one was created. */
  private async send(ch: Channel, ev: NotificationEvent): Promise<string | null> {
    const line = `${ev.title}\n${ev.text}`;
    switch (ch.kind) {
      case 'webhook':
        await post(ch.url!, { ...ev, source: 'watchfloor', time: new Date().toISOString() });
        return null;
      case 'slack':
      case 'mattermost':
        await post(ch.url!, { text: `*${ev.title}*\n${ev.text}` });
        return null;
      case 'teams':
        await post(ch.url!, { '@type': 'MessageCard', '@context': 'https://schema.org/extensions', summary: ev.title, title: ev.title, text: ev.text });
        return null;
      case 'pagerduty': {
        const resolved = ev.event === 'incident-resolved';
        await post(`${ch.url!.replace(/\/+$/, '')}/v2/enqueue`, {
          routing_key: ch.secret ?? '',
          event_action: resolved ? 'resolve' : 'trigger',
          dedup_key: ev.incidentId ?? ev.actionId ?? undefined,
          payload: resolved
            ? undefined
            : { summary: ev.title.slice(0, 1024), source: 'watchfloor', severity: ev.severity === 'critical' ? 'critical' : ev.severity === 'warning' ? 'warning' : 'info', custom_details: { text: ev.text, event: ev.event, actionId: ev.actionId } },
        });
        return null;
      }
      case 'opsgenie':
        await post(
          `${ch.url!.replace(/\/+$/, '')}/v2/alerts`,
          {
            message: ev.title.slice(0, 130),
            description: ev.text.slice(0, 15000),
            alias: ev.incidentId ?? ev.actionId ?? undefined,
            priority: ev.severity === 'critical' ? 'P1' : ev.severity === 'warning' ? 'P3' : 'P5',
            source: 'watchfloor',
          },
          { Authorization: `GenieKey ${ch.secret ?? ''}` },
        );
        return null;
      case 'smtp':
        await sendMail({ ...ch.smtp!, user: ch.user, password: ch.secret }, `[watchfloor] ${ev.title}`, line);
        return null;
      case 'servicenow':
        return this.serviceNow(ch, ev);
      case 'jira':
        return this.jira(ch, ev);
    }
  }

  private basic(ch: Channel): Record<string, string> {
    return { Authorization: `Basic ${Buffer.from(`${ch.user ?? ''}:${ch.secret ?? ''}`).toString('base64')}` };
  }

  private async serviceNow(ch: Channel, ev: NotificationEvent): Promise<string | null> {
    const base = `${ch.url!.replace(/\/+$/, '')}/api/now/table/incident`;
    const key = `${ev.incidentId}|${ch.id}`;
    const existing = this.tickets.get(key);
    if (ev.event === 'incident-resolved') {
      if (!existing) return null;
      // State 6 is "Resolved" in ServiceNow's incident table.
      await post(`${base}/${existing.id}`, { state: '6', close_notes: ev.text }, this.basic(ch), 'PATCH');
      return existing.label;
    }
    if (existing) return existing.label;
    const res = (await post(base, { short_description: ev.title.slice(0, 160), description: ev.text, urgency: ev.severity === 'critical' ? '1' : '2', impact: '2' }, this.basic(ch))) as {
      result?: { sys_id?: string; number?: string };
    };
    const id = res?.result?.sys_id;
    if (!id) throw new Error('ServiceNow answered without result.sys_id');
    const label = res.result?.number ?? id;
    this.tickets.set(key, { id, label });
    return label;
  }

  private async jira(ch: Channel, ev: NotificationEvent): Promise<string | null> {
    const base = `${ch.url!.replace(/\/+$/, '')}/rest/api/2/issue`;
    const key = `${ev.incidentId}|${ch.id}`;
    const existing = this.tickets.get(key);
    if (ev.event === 'incident-resolved') {
      if (!existing) return null;
      const t = (await request(`${base}/${existing.id}/transitions`, 'GET', undefined, this.basic(ch))) as { transitions?: { id: string; name: string; to?: { name?: string } }[] };
      const done = t?.transitions?.find((x) => /done|resolve|close/i.test(`${x.name} ${x.to?.name ?? ''}`));
      if (!done) throw new Error(`Jira issue ${existing.id} has no Done/Resolve/Close transition`);
      await post(`${base}/${existing.id}/transitions`, { transition: { id: done.id } }, this.basic(ch));
      return existing.label;
    }
    if (existing) return existing.label;
    const res = (await post(base, { fields: { project: { key: ch.project ?? '' }, summary: ev.title.slice(0, 250), description: ev.text, issuetype: { name: 'Task' } } }, this.basic(ch))) as {
      key?: string;
    };
    if (!res?.key) throw new Error('Jira answered without an issue key');
    this.tickets.set(key, { id: res.key, label: res.key });
    return res.key;
  }

  /** Stops retrying. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function post(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<unknown> {
  return request(url, method, body, headers);
}

async function request(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), Accept: 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${new URL(url).host}: ${text.slice(0, 200)}`);
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
