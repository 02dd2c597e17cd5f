/**
 * Streaming log template miner. Each content string gets a template id the moment it arrives. Ids
 * are stable: a template keeps its id for life; when a template generalises so that it covers
 * another one, the other is merged into it and the merge is recorded (`merges`), so a stored id can
 * always be resolved to the template that covers it now.
 *
 * How a line is placed:
 * 1. Its tokens (split on runs of spaces; a unit like `KB` joins the number before it) are masked
 *    with the built-in rules (masking.ts). Identical masked text → the same template, through a hash
 *    map: the common case costs one scan, one mask pass and one lookup.
 * 2. A new masked text is compared with the templates of the same token count that share its
 *    anchor (the first token when it is a plain word). It joins the most similar one when at least
 *    half of that template's constant tokens agree and no disagreement is between two plain words
 *    (see `joinable`); the template then generalises there (`uid=3` + `uid=7` → `uid=<*>`).
 * 3. Otherwise it starts a new template. Two plain words differing at one position are wording
 *    (`Starting`/`Stopping`) until that position, all else equal, has taken `siblingValues` (4)
 *    distinct words; then it is a variable and those templates merge (`generaliseBySiblings`).
 *
 * One configuration for every source; nothing here is tuned per dataset.
 */
import { hashId } from '../hash.ts';
import { generaliseToken, maskToken, unitSuffix, WILDCARD } from './masking.ts';

/** A template as the miner holds it. */
export interface MinedTemplate {
  /** Stable id (`t` + 16 hex digits, from the masked text that first created it). */
  id: string;
  /** Template text, `<*>` for variables. */
  template: string;
  /** Lines assigned to it, including lines of templates merged into it. */
  count: number;
  /** Event time (epoch ms) of the first and last line; 0 when the caller gives no time. */
  firstSeen: number;
  lastSeen: number;
}

/** A merge: template `from` was generalised into `into`; lines stored with `from` belong to `into`. */
export interface TemplateMerge {
  from: string;
  into: string;
  /** Event time of the line that caused the merge. */
  at: number;
  /** The surviving template's text after the merge. */
  template: string;
}

/** What `mine` returns for one line. */
export interface MineResult {
  /** The id of the template the line belongs to now. */
  templateId: string;
  /** True when this line created a new template. */
  created: boolean;
  /** True when this line made an existing template more general. */
  generalised: boolean;
}

/** Tunables. The defaults are the one configuration used for every source. */
export interface MinerOptions {
  /** Share of a template's constant tokens that must agree for a line to join it. */
  similarity?: number;
  /**
   * Distinct words seen at one position, all else equal, before that position counts as a variable.
   * Two or three words (`Starting`/`Stopping`, `RUNNING`/`FAILED`/`KILLED`) are usually wording.
   */
  siblingValues?: number;
  /** Most distinct masked texts remembered for the fast path before the cache is reset. */
  cacheSize?: number;
}

interface Node {
  id: string;
  tokens: string[];
  count: number;
  firstSeen: number;
  lastSeen: number;
  alive: boolean;
}


function isWordLike(t: string): boolean {
  return t !== WILDCARD && t.length > 0 && !t.includes(WILDCARD);
}

/** The streaming miner. Not thread-safe; one instance per worker. */
export class TemplateMiner {
  private readonly similarity: number;
  private readonly siblingValues: number;
  private readonly cacheSize: number;
  private readonly byKey = new Map<string, string>();
  private readonly nodes = new Map<string, Node>();
  private readonly buckets = new Map<string, Node[]>();
  private readonly mergedInto = new Map<string, string>();
  private readonly mergeLog: TemplateMerge[] = [];
  /** Templates created or whose text changed since the last `takeChanges`. */
  private readonly dirty = new Set<string>();
  /** Templates whose count or times changed since the last `takeChanges` with counts. */
  private readonly counted = new Set<string>();

  constructor(options: MinerOptions = {}) {
    this.similarity = options.similarity ?? 0.5;
    this.siblingValues = options.siblingValues ?? 4;
    this.cacheSize = options.cacheSize ?? 200_000;
  }

  /** Assigns `content` to a template; `ts` (epoch ms) is recorded as first/last seen. */
  mine(content: string, ts = 0): MineResult {
    // The masked text is built straight from the content; the token array is only needed (split
    // back from it) when the text is new. Runs of spaces separate like one: layout, not a value.
    let key = '';
    let count = 0;
    let lastWild = false;
    let start = 0;
    const len = content.length;
    for (let i = 0; i <= len; i++) {
      if (i < len && content.charCodeAt(i) !== 32) continue;
      if (i > start) {
        const tok = content.slice(start, i);
        // `12.5 KB,` is one value: the unit joins the wildcard before it, its punctuation stays.
        const trail = lastWild ? unitSuffix(tok) : null;
        if (trail !== null) {
          key += trail;
          lastWild = false;
        } else {
          const m = maskToken(tok);
          key = count++ ? `${key} ${m}` : m;
          lastWild = m === WILDCARD;
        }
      }
      start = i + 1;
    }
    const cached = this.byKey.get(key);
    if (cached !== undefined) {
      const node = this.nodes.get(this.resolve(cached))!;
      this.touch(node, ts);
      return { templateId: node.id, created: false, generalised: false };
    }
    if (this.byKey.size >= this.cacheSize) this.byKey.clear();
    const tokens = key.split(' ');
    const bucketKey = this.bucketKey(tokens);
    const bucket = this.buckets.get(bucketKey);
    let best: Node | null = null;
    let bestScore = -1;
    if (bucket) {
      for (const node of bucket) {
        const score = this.joinable(node, tokens);
        if (score > bestScore) {
          bestScore = score;
          best = node;
        }
      }
    }
    if (best && bestScore >= 0) {
      const generalised = this.absorb(best, tokens, ts);
      this.byKey.set(key, best.id);
      return { templateId: best.id, created: false, generalised };
    }
    const id = `t${hashId(key)}`;
    const existing = this.nodes.get(id);
    if (existing) {
      // The same masked text after a cache reset: the template exists (possibly merged away).
      const node = this.nodes.get(this.resolve(id))!;
      this.touch(node, ts);
      this.byKey.set(key, node.id);
      return { templateId: node.id, created: false, generalised: false };
    }
    const node: Node = { id, tokens, count: 1, firstSeen: ts, lastSeen: ts, alive: true };
    this.nodes.set(id, node);
    if (bucket) bucket.push(node);
    else this.buckets.set(bucketKey, [node]);
    this.dirty.add(id);
    const survivor = bucket ? this.generaliseBySiblings(node, bucket, ts) : null;
    this.byKey.set(key, survivor ? survivor.id : id);
    if (survivor) return { templateId: survivor.id, created: false, generalised: true };
    return { templateId: id, created: true, generalised: false };
  }

  /** The template that covers `id` now (follows merges); `id` itself when never merged. */
  resolve(id: string): string {
    let cur = id;
    for (let next = this.mergedInto.get(cur); next !== undefined; next = this.mergedInto.get(cur)) cur = next;
    return cur;
  }

  /** The live template `id` resolves to, or undefined for an unknown id. */
  get(id: string): MinedTemplate | undefined {
    const node = this.nodes.get(this.resolve(id));
    return node ? toTemplate(node) : undefined;
  }

  /** All live templates (merged-away ones excluded). */
  templates(): MinedTemplate[] {
    const out: MinedTemplate[] = [];
    for (const node of this.nodes.values()) if (node.alive) out.push(toTemplate(node));
    return out;
  }

  /** Every merge so far, oldest first. */
  merges(): readonly TemplateMerge[] {
    return this.mergeLog;
  }

  /**
   * Templates created or whose text changed since the last call (live ones only), and merges since
   * merge number `sinceMerge`; with `counts`, also those whose count or times changed since the
   * last call with counts. For writing the miner's state incrementally: new text must be stored
   * before lines that use it, counts may follow later.
   */
  takeChanges(sinceMerge: number, counts = true): { templates: MinedTemplate[]; merges: TemplateMerge[] } {
    const templates: MinedTemplate[] = [];
    const ids = counts ? new Set([...this.dirty, ...this.counted]) : this.dirty;
    for (const id of ids) {
      const node = this.nodes.get(id);
      if (node?.alive) templates.push(toTemplate(node));
      this.counted.delete(id);
    }
    this.dirty.clear();
    if (counts) this.counted.clear();
    return { templates, merges: this.mergeLog.slice(sinceMerge) };
  }

  /**
   * Restores state written earlier (templates, then merges), so ids stay stable across restarts.
   * Lines mined afterwards join the restored templates as if they had never stopped.
   */
  restore(templates: readonly MinedTemplate[], merges: readonly TemplateMerge[]): void {
    for (const t of templates) {
      const tokens = t.template.split(' ');
      const node: Node = {
        id: t.id,
        tokens,
        count: t.count,
        firstSeen: t.firstSeen,
        lastSeen: t.lastSeen,
        alive: true,
      };
      this.nodes.set(t.id, node);
      const bk = this.bucketKey(tokens);
      const b = this.buckets.get(bk);
      if (b) b.push(node);
      else this.buckets.set(bk, [node]);
    }
    for (const m of merges) {
      this.mergedInto.set(m.from, m.into);
      this.mergeLog.push(m);
      const gone = this.nodes.get(m.from);
      if (gone) this.retire(gone);
    }
  }

  private touch(node: Node, ts: number): void {
    node.count++;
    if (ts > node.lastSeen) node.lastSeen = ts;
    if (ts && (node.firstSeen === 0 || ts < node.firstSeen)) node.firstSeen = ts;
    this.counted.add(node.id);
  }

  /**
   * Lines are compared only with templates of the same token count and the same anchor: the first
   * token when it is a plain word (log statements almost always start with fixed text), else `*`.
   */
  private bucketKey(tokens: string[]): string {
    const first = tokens[0]!;
    return `${tokens.length}|${isWordLike(first) ? first : '*'}`;
  }

  /**
   * Score of `tokens` joining `node`, or -1 when it may not. Positions where both hold the same
   * text agree; positions the template's wildcards match are neutral. The line may join when the
   * agreeing share of the template's constant tokens reaches `similarity` and no disagreeing
   * position has a plain word on both sides.
   */
  private joinable(node: Node, tokens: string[]): number {
    const t = node.tokens;
    let constants = 0;
    let agree = 0;
    let diff = 0;
    for (let i = 0; i < t.length; i++) {
      const a = t[i]!;
      if (a === WILDCARD) continue;
      const b = tokens[i]!;
      if (a === b) {
        constants++;
        agree++;
        continue;
      }
      if (tokenMatches(a, b)) continue;
      constants++;
      // Two different plain words are different wording until siblings show otherwise.
      if (isWordLike(a) && isWordLike(b)) return -1;
      diff++;
    }
    if (diff === 0) return constants + 1;
    if (constants === 0) return 0;
    if (agree / constants < this.similarity) return -1;
    return agree;
  }

  /** Generalises `node` to cover `tokens`; returns whether its text changed. */
  private absorb(node: Node, tokens: string[], ts: number): boolean {
    let changed = false;
    const t = node.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i] !== tokens[i] && !tokenMatches(t[i]!, tokens[i]!)) {
        t[i] = generaliseToken(t[i]!, tokens[i]!);
        changed = true;
        this.dirty.add(node.id);
      }
    }
    this.touch(node, ts);
    if (changed) this.mergeDuplicates(node, ts);
    return changed;
  }

  /**
   * Looks for templates that equal `node` everywhere but at one word position. When that position
   * has taken at least `siblingValues` distinct words, it is a variable: the oldest sibling
   * generalises there and the others (with `node`) merge into it. Returns the survivor, or null.
   */
  private generaliseBySiblings(node: Node, bucket: Node[], ts: number): Node | null {
    const t = node.tokens;
    for (let i = 0; i < t.length; i++) {
      if (!isWordLike(t[i]!)) continue;
      const values = new Set([t[i]!]);
      let oldest: Node | null = null;
      for (const other of bucket) {
        if (other === node || !other.alive) continue;
        const o = other.tokens;
        if (!isWordLike(o[i]!)) continue;
        let same = true;
        for (let j = 0; j < t.length && same; j++) if (j !== i && o[j] !== t[j]) same = false;
        if (!same) continue;
        values.add(o[i]!);
        oldest ??= other;
      }
      if (oldest && values.size >= this.siblingValues) {
        let g = oldest.tokens[i]!;
        for (const v of values) g = generaliseToken(g, v);
        oldest.tokens[i] = g;
        this.dirty.add(oldest.id);
        this.mergeDuplicates(oldest, ts);
        return oldest;
      }
    }
    return null;
  }

  /** After `node` generalised, any other template of its bucket that it now covers merges into it. */
  private mergeDuplicates(node: Node, ts: number): void {
    const bk = this.bucketKey(node.tokens);
    const bucket = this.buckets.get(bk);
    if (!bucket) return;
    for (const other of bucket.slice()) {
      if (other === node || !other.alive) continue;
      if (!covers(node.tokens, other.tokens)) continue;
      node.count += other.count;
      if (other.firstSeen && (node.firstSeen === 0 || other.firstSeen < node.firstSeen)) node.firstSeen = other.firstSeen;
      if (other.lastSeen > node.lastSeen) node.lastSeen = other.lastSeen;
      this.mergedInto.set(other.id, node.id);
      this.mergeLog.push({ from: other.id, into: node.id, at: ts, template: node.tokens.join(' ') });
      this.retire(other);
    }
  }

  private retire(node: Node): void {
    node.alive = false;
    this.dirty.delete(node.id);
    this.counted.delete(node.id);
    const bk = this.bucketKey(node.tokens);
    const bucket = this.buckets.get(bk);
    if (bucket) {
      const i = bucket.indexOf(node);
      if (i >= 0) bucket.splice(i, 1);
    }
  }
}

/** Whether template token `pattern` (which may hold wildcards, e.g. `uid=<*>`) matches `tok`. */
function tokenMatches(pattern: string, tok: string): boolean {
  if (pattern === WILDCARD) return true;
  const w = pattern.indexOf(WILDCARD);
  if (w < 0) return pattern === tok;
  const parts = pattern.split(WILDCARD);
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!tok.startsWith(first) || !tok.endsWith(last) || tok.length < first.length + last.length) return false;
  let pos = first.length;
  const end = tok.length - last.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const at = tok.indexOf(parts[k]!, pos);
    if (at < 0 || at + parts[k]!.length > end) return false;
    pos = at + parts[k]!.length;
  }
  return true;
}

function covers(general: string[], specific: string[]): boolean {
  if (general.length !== specific.length) return false;
  for (let i = 0; i < general.length; i++) if (general[i] !== specific[i] && !tokenMatches(general[i]!, specific[i]!)) return false;
  return true;
}

function toTemplate(node: Node): MinedTemplate {
  return { id: node.id, template: node.tokens.join(' '), count: node.count, firstSeen: node.firstSeen, lastSeen: node.lastSeen };
}
