/**
 * Messages between the engine and the forecast worker, which owns the CapacityForecastBank (the
 * time-to-limit of every capacity series and the early-warning lifecycle). Every request carries a
 * `seq` and gets exactly one reply with the same `seq`: its result, or `error` (`{code, message}`).
 * Both sides validate what they receive with these schemas; an invalid message gets an error reply,
 * never a crash.
 */
import { z } from 'zod';
import { AlertRecordSchema } from './protocol.ts';

const seq = z.number().int().nonnegative();
const finite = z.number().finite();

/** The part of a series key the bank reads. */
const SeriesKeySchema = z.object({
  key: z.string().min(1),
  entity: z.string().min(1),
  service: z.string().nullable(),
  host: z.string().nullable(),
  name: z.string(),
  unit: z.string(),
});

/** Requests, engine → worker. */
export const ForecastRequest = z.discriminatedUnion('type', [
  /** Feed one metric batch (event-time order within a series); answers with the early warnings it caused. */
  z
    .object({
      type: z.literal('observe'),
      seq,
      receivedAt: finite,
      seriesKeys: z.array(SeriesKeySchema),
      series: z.instanceof(Int32Array),
      ts: z.instanceof(Float64Array),
      values: z.instanceof(Float64Array),
    })
    .refine((r) => r.series.length === r.ts.length && r.ts.length === r.values.length, { message: 'observe: series, ts and values differ in length', path: ['series'] }),
  /** The current forecasts and failure probabilities. */
  z.object({ type: z.literal('forecasts'), seq }),
]);
export type ForecastRequest = z.infer<typeof ForecastRequest>;

const Crossing = z.object({ time: finite, lo: finite, hi: finite.nullable() });
const Signal = z.object({ metric: z.string(), value: z.number(), slopePerHour: z.number(), limit: z.number(), probability: z.number().min(0).max(1) });

/** A ForecastsResponse (core/common/forecast-schemas.ts). */
export const ForecastsResponseSchema = z.object({
  asOf: finite.nullable(),
  horizonMs: finite,
  forecasts: z.array(
    z.object({
      seriesKey: z.string(),
      entity: z.string(),
      service: z.string().nullable(),
      host: z.string().nullable(),
      metric: z.string(),
      unit: z.string(),
      resource: z.string(),
      limit: z.number(),
      value: z.number(),
      time: z.number(),
      slopePerHour: z.number(),
      crossing: Crossing.nullable(),
      probability: z.number().min(0).max(1),
      horizonMs: finite,
      warning: z.boolean(),
    }),
  ),
  entities: z.array(
    z.object({
      entity: z.string(),
      probability: z.number().min(0).max(1),
      horizonMs: finite,
      soonest: finite.nullable(),
      signals: z.array(Signal),
      capacityProbability: z.number().min(0).max(1).optional(),
      failures: z
        .array(
          z.object({
            kind: z.string(),
            probability: z.number().min(0).max(1),
            horizonMs: finite,
            prior: z.number(),
            indicators: z.array(
              z.object({ metric: z.string(), z: z.number(), moved: z.boolean(), movedSince: finite.nullable(), oddsFactor: z.number(), medianLeadMs: z.number() }),
            ),
          }),
        )
        .optional(),
    }),
  ),
});

/** Replies, worker → engine. */
export const ForecastReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('observed'), seq, warnings: z.array(AlertRecordSchema) }),
  z.object({ type: z.literal('forecasts'), seq, response: ForecastsResponseSchema }),
  z.object({ type: z.literal('error'), seq: z.number(), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ForecastReply = z.infer<typeof ForecastReply>;

/** Worker settings. */
export const ForecastInit = z.object({
  /** The demo estate runs: its operator limits apply (engine-config.ts). */
  demo: z.boolean().default(false),
  /** Operator-set capacities. */
  limits: z.array(z.object({ metric: z.string().min(1), entity: z.string().min(1).optional(), limit: z.number().positive() })).default([]),
  /** Prefix of the early warnings' alert ids, unique to the engine instance. */
  idPrefix: z.string().min(1).default('forecast'),
});
export type ForecastInit = z.input<typeof ForecastInit>;
