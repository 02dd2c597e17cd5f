/**
 * Stable alert fingerprints for senders that do not give one. FNV-1a 64-bit over the UTF-8 bytes of the
 * fields joined by NUL, so the same alert always hashes the same in every process and language.
 */

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const encoder = new TextEncoder();

/** 16 lowercase hex digits identifying source+service+host+title; absent fields count as empty. */
export function fingerprintOf(source: string, service: string | null | undefined, host: string | null | undefined, title: string): string {
  const bytes = encoder.encode(`${source}\u0000${service ?? ''}\u0000${host ?? ''}\u0000${title}`);
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) {
    h = BigInt.asUintN(64, (h ^ BigInt(bytes[i])) * FNV_PRIME);
  }
  return h.toString(16).padStart(16, '0');
}
