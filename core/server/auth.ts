/**
 * Bearer-token check for the API. Compared in constant time so the token cannot be guessed byte by
 * byte from response timings.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when `header` is `Bearer <token>` for the expected token. */
export function checkBearer(header: string | undefined, expected: string): boolean {
  if (!header) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return false;
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(m[1]).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
