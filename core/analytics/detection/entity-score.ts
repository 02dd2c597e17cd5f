/**
 * Multivariate entity score: one score per time step for a host or service from the scores of its
 * series. A noisy-OR of the strongest `top` series scores: one series alone gives its own score (a
 * single moving metric is enough to flag the entity), several moving together raise it (corroboration),
 * and a hundred quiet series do not add up to an alert because only the strongest few count.
 */

/** How many of the strongest series scores the entity score combines. */
export const ENTITY_TOP_SERIES = 3;

/** The entity score of per-series scores in [0, 1] (NaN entries, e.g. a missing value, are ignored). */
export function entityScore(scores: ArrayLike<number>, top = ENTITY_TOP_SERIES): number {
  // Keep the `top` largest in a tiny insertion-sorted buffer: no allocation per call beyond it.
  const best = [0, 0, 0, 0, 0, 0, 0, 0].slice(0, Math.max(1, Math.min(8, top)));
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!(s > best[best.length - 1])) continue;
    let j = best.length - 1;
    while (j > 0 && best[j - 1] < s) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = Math.min(1, s);
  }
  let quiet = 1;
  for (const s of best) quiet *= 1 - s;
  return 1 - quiet;
}
