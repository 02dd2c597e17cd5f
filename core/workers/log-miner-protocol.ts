/**
 * Messages between the engine and the log-miner worker. Every request carries a `seq` and gets
 * exactly one reply with the same `seq`: its result, or `error` (`{code, message}`). Both sides
 * validate what they receive with these schemas; an invalid message gets an error reply, never a
 * crash.
 */
import { z } from 'zod';

const Template = z.object({ id: z.string(), template: z.string(), count: z.number(), firstSeen: z.number(), lastSeen: z.number() });
const Merge = z.object({ from: z.string(), into: z.string(), at: z.number(), template: z.string() });

/** Requests, engine → worker. */
export const LogMinerRequest = z.discriminatedUnion('type', [
  /** Load the stored templates and merges (once, before any `mine`). */
  z.object({ type: z.literal('restore'), seq: z.number(), templates: z.array(Template), merges: z.array(Merge) }),
  /** Mask and mine a batch of log bodies, in order. */
  z.object({
    type: z.literal('mine'),
    seq: z.number(),
    bodies: z.array(z.string()),
    ts: z.array(z.number()),
    entities: z.array(z.string()),
  }),
  /** Close minutes by the clock when live input pauses (`now`, epoch ms). */
  z.object({ type: z.literal('tick'), seq: z.number(), now: z.number() }),
]);
export type LogMinerRequest = z.infer<typeof LogMinerRequest>;

const Count = z.object({ templateId: z.string(), entity: z.string(), minute: z.number(), count: z.number() });
const Event = z.object({
  kind: z.enum(['new', 'surge', 'disappeared']),
  templateId: z.string(),
  entity: z.string(),
  time: z.number(),
  value: z.number(),
  expected: z.number(),
  score: z.number(),
});

/** What a `mine` or `tick` produced besides per-line results. */
const Activity = {
  /** Templates created or changed since the last reply (to upsert). */
  templates: z.array(Template),
  /** Merges since the last reply (append-only history). */
  merges: z.array(Merge),
  /** Closed per-minute counts. */
  counts: z.array(Count),
  events: z.array(Event),
};

/** Replies, worker → engine. */
export const LogMinerReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('restored'), seq: z.number(), templates: z.number() }),
  /** Per line: the masked body and its template id; plus the activity. */
  z.object({ type: z.literal('mined'), seq: z.number(), bodies: z.array(z.string()), templateIds: z.array(z.string()), ...Activity }),
  z.object({ type: z.literal('ticked'), seq: z.number(), ...Activity }),
  z.object({ type: z.literal('error'), seq: z.number(), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type LogMinerReply = z.infer<typeof LogMinerReply>;

/** Worker settings. */
export const LogMinerInit = z.object({
  /** Mask IP addresses as personal data too. */
  maskIps: z.boolean().default(false),
});
export type LogMinerInit = z.infer<typeof LogMinerInit>;
