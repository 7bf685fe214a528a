import { randomBytes } from "node:crypto";

/** Bytes of an id: SHA-256 (token hashes, session ids) or an RFC 7638 thumbprint (key ids). */
const ID_BYTES = 32;
/** Characters of an id in unpadded base64url. */
const ID_CHARS = 43;
/** The table doubles when it would be fuller than this, which keeps probe runs short. */
const MAX_LOAD = 0.7;

// base64url alphabet value of each character code, -1 elsewhere (RFC 4648 section 5).
const SEXTET = new Int8Array(128).fill(-1);
for (const [i, c] of [
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
].entries()) {
  SEXTET[c.charCodeAt(0)] = i;
}

/** The 24 bits that characters `at` to `at + 3` of a base64url string encode, or -1. */
function bits24(id: string, at: number): number {
  const a = SEXTET[id.charCodeAt(at)] ?? -1;
  const b = SEXTET[id.charCodeAt(at + 1)] ?? -1;
  const c = SEXTET[id.charCodeAt(at + 2)] ?? -1;
  const d = SEXTET[id.charCodeAt(at + 3)] ?? -1;
  if ((a | b | c | d) < 0) return -1;
  return (a << 18) | (b << 12) | (c << 6) | d;
}

/**
 * A set of revoked 32-byte ids, each with the sequence number of the entry that revoked it, in
 * an open-addressing table over two flat arrays: the ids' raw bytes (32 per slot) and their
 * sequence numbers (4 per slot, 0 for an empty slot). A JavaScript Set of the 43-character
 * strings costs about twice the memory per id, with a string object and a hash-table entry each;
 * here an id costs 36 bytes per slot, about 50 to 100 bytes per id depending on how full the
 * table is, and nothing for the garbage collector to trace.
 *
 * Lookups take the id as the base64url string verifiers already hold and decode only its first
 * eight characters (48 bits) to find and filter the slot; ids are SHA-256 outputs, so those bits
 * are uniform. The full id is decoded only when those 48 bits match, which for an id that is not
 * revoked happens with probability about 2^-48 per probe.
 *
 * @example
 * const table = new RevokedIdTable();
 * table.set(tokenHash, 17);
 * table.get(tokenHash); // 17
 * table.get(otherHash); // 0
 */
export class RevokedIdTable {
  #ids: Buffer;
  #seqs: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(initialSlots = 1024) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.#ids = Buffer.alloc(slots * ID_BYTES);
    this.#seqs = new Uint32Array(slots);
    this.#mask = slots - 1;
  }

  /** True when `id` is a canonical unpadded base64url encoding of 32 bytes. */
  static accepts(id: string): boolean {
    if (id.length !== ID_CHARS || bits24(id, 0) < 0) return false;
    return Buffer.from(id, "base64url").toString("base64url") === id;
  }

  /** Number of ids held. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.#ids.byteLength + this.#seqs.byteLength;
  }

  /** The sequence number that revoked `id`, or 0 when it is not in the table. */
  get(id: string): number {
    if (id.length !== ID_CHARS) return 0;
    const high = bits24(id, 0);
    const low = bits24(id, 4);
    if ((high | low) < 0) return 0;
    const ids = this.#ids;
    const seqs = this.#seqs;
    for (let slot = slotOf(high, low, this.#mask); ; slot = (slot + 1) & this.#mask) {
      const seq = seqs[slot]!;
      if (seq === 0) return 0;
      if (prefixMatches(ids, slot * ID_BYTES, high, low) && this.#restMatches(slot, id)) return seq;
    }
  }

  /**
   * Adds `id` with the sequence number `seq` (1 to 2^32 - 1), or replaces the number of an id
   * already held. Throws a RangeError for an id that {@link RevokedIdTable.accepts} refuses.
   */
  set(id: string, seq: number): void {
    if (!RevokedIdTable.accepts(id)) throw new RangeError("id: expected 43 base64url characters");
    if (!Number.isInteger(seq) || seq < 1 || seq > 0xffff_ffff) throw new RangeError("seq: range");
    if ((this.#size + 1) / this.#seqs.length > MAX_LOAD) this.#grow();
    this.#place(Buffer.from(id, "base64url"), seq);
  }

  /** Every id held with its sequence number, in no particular order (for snapshots). */
  *entries(): Generator<[id: string, seq: number]> {
    for (let slot = 0; slot < this.#seqs.length; slot++) {
      const seq = this.#seqs[slot]!;
      if (seq === 0) continue;
      const start = slot * ID_BYTES;
      yield [this.#ids.toString("base64url", start, start + ID_BYTES), seq];
    }
  }

  #restMatches(slot: number, id: string): boolean {
    const bytes = Buffer.from(id, "base64url");
    const start = slot * ID_BYTES;
    return this.#ids.compare(bytes, 6, ID_BYTES, start + 6, start + ID_BYTES) === 0;
  }

  #place(bytes: Buffer, seq: number): void {
    const high = (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
    const low = (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!;
    for (let slot = slotOf(high, low, this.#mask); ; slot = (slot + 1) & this.#mask) {
      const start = slot * ID_BYTES;
      if (this.#seqs[slot] === 0) {
        bytes.copy(this.#ids, start, 0, ID_BYTES);
        this.#seqs[slot] = seq;
        this.#size++;
        return;
      }
      if (this.#ids.compare(bytes, 0, ID_BYTES, start, start + ID_BYTES) === 0) {
        this.#seqs[slot] = seq;
        return;
      }
    }
  }

  #grow(): void {
    const ids = this.#ids;
    const seqs = this.#seqs;
    this.#ids = Buffer.alloc(ids.byteLength * 2);
    this.#seqs = new Uint32Array(seqs.length * 2);
    this.#mask = this.#seqs.length - 1;
    this.#size = 0;
    for (let slot = 0; slot < seqs.length; slot++) {
      if (seqs[slot] === 0) continue;
      const start = slot * ID_BYTES;
      this.#place(ids.subarray(start, start + ID_BYTES), seqs[slot]!);
    }
  }
}

// A secret per process, mixed into the slot: ids are hashes, but whoever picks the tokens can
// grind their leading bits, and must not be able to aim many ids at one probe run.
const SALT = randomBytes(8);
const SALT_HIGH = SALT.readUInt32LE(0);
const SALT_LOW = SALT.readUInt32LE(4);

function slotOf(high: number, low: number, mask: number): number {
  const mixed = Math.imul(high ^ SALT_HIGH, 0x9e3779b1) ^ Math.imul(low ^ SALT_LOW, 0x85ebca6b);
  return ((mixed ^ (mixed >>> 15)) >>> 0) & mask;
}

function prefixMatches(ids: Buffer, start: number, high: number, low: number): boolean {
  return (
    ids[start] === high >>> 16 &&
    ids[start + 1] === ((high >>> 8) & 0xff) &&
    ids[start + 2] === (high & 0xff) &&
    ids[start + 3] === low >>> 16 &&
    ids[start + 4] === ((low >>> 8) & 0xff) &&
    ids[start + 5] === (low & 0xff)
  );
}
