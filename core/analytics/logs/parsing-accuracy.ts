/**
 * Log-parsing accuracy as the Loghub-2.0 evaluation defines it (Jiang et al., ISSTA 2024):
 * - GA (grouping accuracy): share of lines whose predicted group is exactly their true group.
 * - FGA: F1 over groups, a predicted group counting as correct when its line set equals a true group's.
 * - PA (parsing accuracy): share of lines whose predicted template text equals the true template.
 * - FTA: F1 over templates that are both grouped exactly and written exactly right.
 */

/** One line's prediction and truth. */
export interface ParsedPair {
  predictedGroup: string;
  predictedTemplate: string;
  trueGroup: string;
  trueTemplate: string;
}

/** The four figures, each in [0, 1], with the counts behind the F1s. */
export interface ParsingAccuracy {
  ga: number;
  pa: number;
  fga: number;
  fta: number;
  predictedGroups: number;
  trueGroups: number;
}

function f1(correct: number, predicted: number, truth: number): number {
  if (correct === 0) return 0;
  const p = correct / predicted;
  const r = correct / truth;
  return (2 * p * r) / (p + r);
}

/** Template text compared with runs of whitespace made single, as written templates vary there. */
function normaliseTemplate(t: string): string {
  return t.trim().replace(/\s+/g, ' ');
}

/** Scores predictions against truth, line by line. */
export function scoreParsing(pairs: readonly ParsedPair[]): ParsingAccuracy {
  const n = pairs.length;
  const predicted = new Map<string, number[]>();
  const truth = new Map<string, number[]>();
  let paHits = 0;
  pairs.forEach((p, i) => {
    (predicted.get(p.predictedGroup) ?? predicted.set(p.predictedGroup, []).get(p.predictedGroup)!).push(i);
    (truth.get(p.trueGroup) ?? truth.set(p.trueGroup, []).get(p.trueGroup)!).push(i);
    if (normaliseTemplate(p.predictedTemplate) === normaliseTemplate(p.trueTemplate)) paHits++;
  });
  let gaLines = 0;
  let groupsRight = 0;
  let templatesRight = 0;
  for (const lines of predicted.values()) {
    const tg = pairs[lines[0]!]!.trueGroup;
    const trueLines = truth.get(tg)!;
    if (trueLines.length !== lines.length) continue;
    if (!lines.every((i) => pairs[i]!.trueGroup === tg)) continue;
    gaLines += lines.length;
    groupsRight++;
    const p = pairs[lines[0]!]!;
    if (normaliseTemplate(p.predictedTemplate) === normaliseTemplate(p.trueTemplate)) templatesRight++;
  }
  return {
    ga: n ? gaLines / n : 0,
    pa: n ? paHits / n : 0,
    fga: f1(groupsRight, predicted.size, truth.size),
    fta: f1(templatesRight, predicted.size, truth.size),
    predictedGroups: predicted.size,
    trueGroups: truth.size,
  };
}
