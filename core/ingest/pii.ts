/**
 * Masking of personal data and secrets in log text, before anything is stored: e-mail addresses,
 * payment card numbers (13-19 digits, Luhn-valid, spaces or dashes allowed), secrets (bearer tokens,
 * JWTs, `password=`/`token=`/`api_key=`-style values, private-key blocks) and, when the operator asks
 * for it, IP addresses. Each is replaced by a marker naming what was there (`<email>`, `<card>`,
 * `<secret>`, `<ip>`), so templates stay readable and nothing of the original survives.
 */

/** What to mask beyond the always-on rules. */
export interface PiiOptions {
  /** Mask IPv4 and IPv6 addresses too (off by default: they are operational data more often than personal). */
  maskIps?: boolean;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Candidate card numbers: 13-19 digits, optionally grouped by single spaces or dashes. */
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;
/** `key=value` / `key: value` where the key names a secret; the key stays, the value goes. */
const SECRET_KV =
  /\b((?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|auth(?:orization)?|session[_-]?id|client[_-]?secret)["']?\s*[=:]\s*["']?)(?!(?:Bearer|Basic)\b|<secret>)([^\s"',;&]+)/gi;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const AWS_KEY = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/g;
const IPV6 = /(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![\w:])/gi;

/** Luhn check over the digits of `s` (separators ignored). */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let double = false;
  let n = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    n++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return n >= 13 && n <= 19 && sum % 10 === 0;
}

/** Cheap test: can `text` contain anything the rules mask? Most log lines cannot. */
function mayContain(text: string, ips: boolean): boolean {
  if (text.indexOf('@') >= 0 || text.indexOf('-----BEGIN') >= 0) return true;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits >= 13) return true;
    } else if (c !== 32 && c !== 45) digits = 0;
  }
  if (ips && (text.indexOf('.') >= 0 || text.indexOf(':') >= 0)) return true;
  return /bearer|basic|eyJ|pass|pwd|secret|token|key|auth|session|AKIA|ASIA/i.test(text);
}

/** Masks personal data and secrets in `text`; returns `text` itself when there is nothing to mask. */
export function maskPii(text: string, options: PiiOptions = {}): string {
  const ips = options.maskIps === true;
  if (!mayContain(text, ips)) return text;
  let out = text.replace(PRIVATE_KEY, '<secret>');
  out = out.replace(JWT, '<secret>');
  out = out.replace(BEARER, (_m, scheme: string) => `${scheme} <secret>`);
  out = out.replace(SECRET_KV, (_m, key: string) => `${key}<secret>`);
  out = out.replace(AWS_KEY, '<secret>');
  out = out.replace(EMAIL, '<email>');
  out = out.replace(CARD, (m) => (luhnValid(m) ? '<card>' : m));
  if (ips) out = out.replace(IPV4, '<ip>').replace(IPV6, '<ip>');
  return out;
}
