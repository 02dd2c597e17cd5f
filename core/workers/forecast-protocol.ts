/**
 * Messages between the engine and the forecast worker, which owns the CapacityForecastBank (the
 * time-to-limit of every capacity series and the early-warning lifecycle). Every request carries a
 * `seq` and gets exactly one reply with the same `seq`: its result, or `error` (`{code, message}`).
 * Both sides validate what they receive (requests by a structural check, replies with these schemas);
 * an invalid message gets an error reply, never a crash.
 */
import { z } from 'zod';
import type { SeriesKey } from '../common/records.ts';
import { AlertRecordSchema } from './protocol.ts';

const seq = z.number().int().nonnegative();
const finite = z.number().finite();

/** A series key without its attributes (the bank does not read them), with the id the host gave it. */
export type ForecastSeriesKey = Omit<SeriesKey, 'attributes'> & { id: number };

/**
 * Feed one metric batch (event-time order within a series); answers with the early warnings it caused.
 * Series keys cross the boundary once: `newKeys` defines the ids first used by this batch, and
 * `keyIds[i]` is the id of the batch's i-th series key (what `series` indexes).
 */
export interface ObserveRequest {
  type: 'observe';
  seq: number;
  receivedAt: number;
  newKeys: ForecastSeriesKey[];
  keyIds: Int32Array;
  series: Int32Array;
  ts: Float64Array;
  values: Float64Array;
}

/** The current forecasts and failure probabilities. */
export interface ForecastsRequest {
  type: 'forecasts';
  seq: number;
}

/** Requests, engine → worker. */
export type ForecastRequest = ObserveRequest | ForecastsRequest;

/** A request that fails the structural check; `field` names what is wrong. */
export class InvalidForecastRequest extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string';
const isNullableText = (v: unknown): boolean => v === null || typeof v === 'string';

/**
 * Checks a request's structure by hand, without zod: a metric batch carries typed arrays of 100,000
 * points and a schema walk over them (and over every series key) cost more than the forecasting
 * itself. Every field is still checked — types, lengths, that each index points at a key — at the
 * cost of one pass over the indexes. `known(id)` says whether an id was defined by an earlier batch.
 * Throws InvalidForecastRequest naming the field.
 */
export function checkForecastRequest(msg: unknown, known: (id: number) => boolean): ForecastRequest {
  if (typeof msg !== 'object' || msg === null) throw new InvalidForecastRequest('type', 'a request is an object');
  const r = msg as Record<string, unknown>;
  if (!isIndex(r.seq)) throw new InvalidForecastRequest('seq', 'must be a non-negative integer');
  if (r.type === 'forecasts') return { type: 'forecasts', seq: r.seq };
  if (r.type !== 'observe') throw new InvalidForecastRequest('type', `unknown request type ${JSON.stringify(r.type)}`);
  if (typeof r.receivedAt !== 'number' || !Number.isFinite(r.receivedAt)) throw new InvalidForecastRequest('receivedAt', 'must be a finite number');
  if (!(r.keyIds instanceof Int32Array)) throw new InvalidForecastRequest('keyIds', 'must be an Int32Array');
  if (!(r.series instanceof Int32Array)) throw new InvalidForecastRequest('series', 'must be an Int32Array');
  if (!(r.ts instanceof Float64Array)) throw new InvalidForecastRequest('ts', 'must be a Float64Array');
  if (!(r.values instanceof Float64Array)) throw new InvalidForecastRequest('values', 'must be a Float64Array');
  if (r.series.length !== r.ts.length || r.ts.length !== r.values.length) throw new InvalidForecastRequest('series', 'observe: series, ts and values differ in length');
  if (!Array.isArray(r.newKeys)) throw new InvalidForecastRequest('newKeys', 'must be an array');
  const defined = new Set<number>();
  for (let i = 0; i < r.newKeys.length; i++) {
    const k = r.newKeys[i] as Record<string, unknown> | null;
    const bad = (f: string, m: string): never => {
      throw new InvalidForecastRequest(`newKeys.${i}.${f}`, m);
    };
    if (typeof k !== 'object' || k === null) bad('id', 'a key is an object');
    if (!isIndex(k!.id)) bad('id', 'must be a non-negative integer');
    if (!isText(k!.key) || !k!.key) bad('key', 'must be a non-empty string');
    if (!isText(k!.entity) || !k!.entity) bad('entity', 'must be a non-empty string');
    if (!isNullableText(k!.service)) bad('service', 'must be a string or null');
    if (!isNullableText(k!.host)) bad('host', 'must be a string or null');
    if (!isText(k!.name)) bad('name', 'must be a string');
    if (!isText(k!.unit)) bad('unit', 'must be a string');
    defined.add(k!.id as number);
  }
  const ids = r.keyIds;
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0) || !(defined.has(ids[i]) || known(ids[i]))) throw new InvalidForecastRequest(`keyIds.${i}`, `unknown series key id ${ids[i]}`);
  }
  const series = r.series;
  const n = ids.length;
  for (let i = 0; i < series.length; i++) {
    if (!(series[i] >= 0 && series[i] < n)) throw new InvalidForecastRequest(`series.${i}`, `index ${series[i]} is outside the batch's ${n} series keys`);
  }
  return r as unknown as ObserveRequest;
}

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
