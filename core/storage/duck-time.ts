/**
 * Times at the DuckDB boundary: the engine speaks epoch milliseconds, the tables hold TIMESTAMP
 * (UTC, microseconds). Every storage module converts through these, so the rounding is the same
 * everywhere and a stored time reads back as the number that was written.
 */
import { DuckDBTimestampValue } from '@duckdb/node-api';

/** A TIMESTAMP bind value for an epoch-ms time; throws a RangeError on NaN or ±Infinity. */
export function timestampValue(ms: number): DuckDBTimestampValue {
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time ${ms}`);
  return new DuckDBTimestampValue(BigInt(Math.round(ms * 1000)));
}

/** Like {@link timestampValue}, with null for a missing time (an open bound, an unset column). */
export function optTimestampValue(ms: number | null | undefined): DuckDBTimestampValue | null {
  return ms === undefined || ms === null ? null : timestampValue(ms);
}
