/**
 * Built-in masking of variable parts of a log token, the same for every source: numbers, hex, IPs
 * (with port), UUIDs, paths, URLs, e-mail addresses and anything that mixes digits into a word.
 * There is deliberately no per-source configuration: the miner's accuracy comes from one rule set.
 *
 * A token is a run of non-space characters. Masking keeps the token's punctuation skeleton
 * (`uid=0` → `uid=<*>`, `node-12` → `node-<*>`) so that templates stay readable and two tokens with the
 * same shape land on the same masked text.
 */

/** The placeholder written for a variable, as the Loghub templates write it. */
export const WILDCARD = '<*>';

/** Characters that separate the segments of a token; kept in the masked text. */
const DELIMS = new Set('=,:;()[]{}"\'<>|@/#&?!+*^$`\\'.split('').map((c) => c.charCodeAt(0)));

/** Punctuation that may wrap a value (`(x)`, `x,` `'x'`) and is kept outside the wildcard. */
const LEAD = /^[(\[{'"<]+/;
const TRAIL = /[)\]}'">,;:.!?]+$/;

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const EMBEDDED_URL_RE = /[a-z][a-z0-9+.-]*:\/\/[^\s\])}'",]+/gi;
const IPV4_PORT_RE = /\/?\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?(?![0-9.])/g;
const EMAIL_RE = /^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** `host.example.com:8080`, `node-7:50010`: a host (with a dot, dash or digit) and a port are one value. */
const HOST_PORT_RE = /^(?=[^:]*[.\-\d])[A-Za-z0-9][A-Za-z0-9.-]*:\d{1,5}$/;
/** Qualified names with two or more dots (`com.example.app`, `host.corp.example.com`) are values. */
const QUALIFIED_RE = /^[A-Za-z_$][\w$-]*(\.[\w$-]+){2,}$/;
const WIN_PATH_RE = /^[A-Za-z]:\\/;
/** A word that merely contains a digit or two (`ssh2`, `IPv4`, `Slf4jLogger`, `PSR0`): wording, not a value. */
const DIGIT_WORD_RE = /^(?:[A-Za-z][A-Za-z_]*)?[A-Za-z]\d{1,2}[A-Za-z_]*$/;
/** Long pure-hex runs (addresses, hashes) are values even when they happen to have no digit. */
const HEX_RE = /^(0x)?[0-9a-fA-F]{8,}$/;
const LITERALS = new Set(['true', 'false', 'null', 'True', 'False', 'NULL', 'TRUE', 'FALSE', 'None', 'nil']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) return true;
  return false;
}

/** Whether a run of text without delimiters is a value. */
function isValue(seg: string): boolean {
  if (LITERALS.has(seg)) return true;
  if (!hasDigit(seg)) return HEX_RE.test(seg);
  return !DIGIT_WORD_RE.test(seg);
}

/**
 * Masks one segment (text between delimiters). `core.1234` → `core.<*>`, `node-12` → `node-<*>`,
 * `12ms` → `<*>`, `job_1445_0001.` → `<*>.`; words stay.
 */
function maskSegment(seg: string): string {
  if (!isValue(seg)) {
    if (seg.indexOf('.') < 0 || !hasDigit(seg)) return seg;
  }
  if (seg.length > 1 && seg.endsWith('.')) return `${maskSegment(seg.slice(0, -1))}.`;
  if (!isValue(seg) && !hasDigit(seg)) return seg;
  const c0 = seg.charCodeAt(0);
  if (isLetter(c0)) {
    // `node-12`, `MININT-ABC12`: a leading word joined by '-' names the kind of thing; keep it.
    let i = 0;
    while (i < seg.length && isLetter(seg.charCodeAt(i))) i++;
    if (i >= 2 && seg.charCodeAt(i) === 45 /* - */ && i < seg.length - 1) {
      const rest = seg.slice(i + 1);
      if (rest.indexOf('-') < 0) return rest.split('.').some(isValue) ? `${seg.slice(0, i + 1)}${WILDCARD}` : seg;
    }
    // Dotted names (`core.1234`, `org.apache.v2.App`): mask only the parts that are values.
    if (seg.indexOf('.') > 0) {
      const parts = seg.split('.');
      if (parts.every((p) => p.length > 0)) {
        let out = '';
        for (let k = 0; k < parts.length; k++) out += (k ? '.' : '') + (isValue(parts[k]!) ? WILDCARD : parts[k]);
        return out.replace(/<\*>(\.<\*>)+/g, WILDCARD);
      }
    }
  }
  return isValue(seg) || hasDigit(seg) ? WILDCARD : seg;
}

/** Splits `tok` into leading punctuation, core, trailing punctuation. */
function unwrap(tok: string): [string, string, string] {
  const lead = LEAD.exec(tok)?.[0] ?? '';
  const rest = tok.slice(lead.length);
  const trail = TRAIL.exec(rest)?.[0] ?? '';
  return [lead, rest.slice(0, rest.length - trail.length), trail];
}

/** Whether a whole (unwrapped) token is one value: URL, path, e-mail, hex run. */
function isWholeValue(core: string): boolean {
  if (core.length < 2) return false;
  if (core.charCodeAt(0) === 47 /* / */) return true;
  if (WIN_PATH_RE.test(core)) return true;
  if (core.indexOf('://') > 0 && URL_RE.test(core)) return true;
  if (core.indexOf(':') > 0 && HOST_PORT_RE.test(core)) return true;
  if (core.indexOf('.') > 0 && QUALIFIED_RE.test(core)) return true;
  if (core.indexOf('@') > 0 && EMAIL_RE.test(core)) return true;
  return core.length >= 8 && HEX_RE.test(core);
}

/**
 * Masks one token. Returns the token itself when nothing in it is variable (the common case for
 * words), so callers can compare by identity cheaply.
 */
export function maskToken(tok: string): string {
  const n = tok.length;
  if (n === 0) return tok;
  // One scan classifies the two commonest cases: plain words and plain numbers.
  let letters = true;
  let digits = false;
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const c = tok.charCodeAt(i);
    if (isDigit(c)) {
      digits = true;
      letters = false;
    } else {
      if (!(i === 0 && c === 45) /* leading - */) numeric = false;
      if (!isLetter(c)) letters = false;
    }
  }
  if (numeric && digits) return WILDCARD;
  if (letters) {
    // Literals are 3-5 letters; hex runs 8 or more. Everything else is a word, returned as is.
    if (n <= 5) return n >= 3 && LITERALS.has(tok) ? WILDCARD : tok;
    return n >= 8 && HEX_RE.test(tok) ? WILDCARD : tok;
  }
  if (digits) {
    // Tokens with digits are mostly fresh values: caching them would only churn the cache.
    if (simpleSegment(tok)) return maskSegment(tok);
    return maskUncached(tok);
  }
  const hit = cache.get(tok);
  if (hit !== undefined) return hit;
  const out = maskUncached(tok);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(tok, out);
  return out;
}

/**
 * A token of letters, digits, `.`, `-`, `_` only, not ending in '.' or '-', with at most one dot:
 * one segment, where no whole-token rule applies (an IP or UUID here is masked as a segment anyway).
 */
function simpleSegment(tok: string): boolean {
  let dots = 0;
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c === 46) dots++;
    else if (!(isDigit(c) || isLetter(c) || c === 45 || c === 95)) return false;
  }
  const last = tok.charCodeAt(tok.length - 1);
  return last !== 46 && last !== 45 && dots <= 1;
}

/**
 * Masked tokens by raw text. Words and many values repeat line after line; the cache turns their
 * masking into one lookup. Cleared when full rather than evicting one by one (cheaper, and the
 * working set refills within a few lines).
 */
const cache = new Map<string, string>();
const CACHE_MAX = 50_000;

function maskUncached(tok: string): string {
  const n = tok.length;
  let digits = false;
  for (let i = 0; i < n; i++) {
    if (isDigit(tok.charCodeAt(i))) {
      digits = true;
      break;
    }
  }
  if (!digits) {
    const c0 = tok.charCodeAt(0);
    if (LITERALS.has(tok)) return WILDCARD;
    // Most words: letters only, nothing to do.
    if (isLetter(c0) && tok.indexOf('.') < 0 && tok.indexOf('/') < 0 && tok.indexOf('@') < 0 && tok.indexOf('=') < 0 && tok.indexOf(':') < 0 && tok.length < 8) return tok;
  }
  const [lead, core, trail] = unwrap(tok);
  if (core && isWholeValue(core)) return `${lead}${WILDCARD}${trail}`;
  // IPv4 (with port, with a leading '/') and UUIDs are one value each; URLs inside a token too.
  let src = core;
  if (digits) src = src.replace(IPV4_PORT_RE, '\u0001').replace(UUID_RE, '\u0001');
  if (src.indexOf('://') > 0) src = src.replace(EMBEDDED_URL_RE, '\u0001');
  let out = lead;
  let start = 0;
  for (let i = 0; i <= src.length; i++) {
    const c = i < src.length ? src.charCodeAt(i) : -1;
    if (c === 47 /* / */ && i === start && i + 1 < src.length && src.indexOf('/', i + 1) > 0 && (i === 0 || src[i - 1] === ':' || src[i - 1] === '=')) {
      // A path after `key=` or `scheme:` runs to the end of the token.
      out += WILDCARD;
      start = src.length + 1;
      break;
    }
    if (c === -1 || DELIMS.has(c)) {
      if (i > start) out += maskSegment(src.slice(start, i));
      if (c !== -1) out += src[i];
      start = i + 1;
    }
  }
  out += trail;
  if (src !== core) out = out.replace(/\u0001/g, WILDCARD);
  return collapse(out);
}

/** Adjacent wildcards with nothing between them say nothing more than one. */
function collapse(s: string): string {
  let cur = s;
  while (cur.indexOf('<*><*>') >= 0) cur = cur.replace('<*><*>', WILDCARD);
  return cur;
}

function isDelim(c: number): boolean {
  return DELIMS.has(c);
}

/**
 * The generalisation of two different tokens at one template position: the common prefix up to
 * and including its last delimiter and the common suffix from its first delimiter are kept
 * (`user=root` + `user=admin` → `user=<*>`), the rest becomes one wildcard.
 */
export function generaliseToken(a: string, b: string): string {
  if (a === b) return a;
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let keepP = 0;
  for (let i = p - 1; i >= 0; i--) {
    if (isDelim(a.charCodeAt(i))) {
      keepP = i + 1;
      break;
    }
  }
  let s = 0;
  while (s < max - keepP && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  let keepS = 0;
  for (let i = s - 1; i >= 0; i--) {
    if (isDelim(a.charCodeAt(a.length - 1 - i))) {
      keepS = i + 1;
      break;
    }
  }
  const prefix = a.slice(0, keepP);
  const suffix = keepS ? a.slice(a.length - keepS) : '';
  if (prefix.length + suffix.length > Math.min(a.length, b.length)) return WILDCARD;
  return collapse(prefix + WILDCARD + suffix);
}

/** Unit abbreviations that belong to the number before them (`12.5 KB` is one value). */
const UNITS = new Set(['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'KiB', 'MiB', 'GiB', 'TiB', 'ms', 'us', 'µs', 'ns']);

/**
 * Whether raw token `tok` is a unit abbreviation (maybe with trailing punctuation) that should join
 * the value before it; returns the trailing punctuation to keep, or null.
 */
export function unitSuffix(tok: string): string | null {
  let end = tok.length;
  while (end > 0 && ',;:.)]}'.includes(tok[end - 1]!)) end--;
  return end > 0 && UNITS.has(tok.slice(0, end)) ? tok.slice(end) : null;
}
