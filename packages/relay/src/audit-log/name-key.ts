import { createHash } from "node:crypto";

const MEMO_SIZE = 65_536;
const recent = new Map<string, number>();

/**
 * A 53-bit integer key for a name (DID, command, hash) in the log's search index: the top 53 bits
 * of its SHA-256, so it is a safe JavaScript integer and a small SQLite integer. Different names
 * may share a key (about once in 2^53 pairs), so every match is confirmed against the entry.
 *
 * @example
 * nameKey("did:key:z6Mk..."); // 5170283646925827
 */
export function nameKey(name: string): number {
  let key = recent.get(name);
  if (key === undefined) {
    key = Number(createHash("sha256").update(name).digest().readBigUInt64BE(0) >> 11n);
    // Agents, principals and commands repeat; a bounded memo spares most of the hashing.
    if (recent.size >= MEMO_SIZE) recent.clear();
    recent.set(name, key);
  }
  return key;
}

/** nameKey, or null for null. */
export function nameKeyOrNull(name: string | null): number | null {
  return name === null ? null : nameKey(name);
}
