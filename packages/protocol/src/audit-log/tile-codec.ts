import { ProtocolError } from "../errors/protocol-error.ts";
import { MAX_ENTRY_BYTES } from "./log-entry.ts";
import { HASH_SIZE, isHash } from "./merkle-hash.ts";
import { TILE_WIDTH } from "./tile-path.ts";

function invalid(message: string): ProtocolError {
  return new ProtocolError("ERR_LOG_TILE_INVALID", message);
}

function assertWidth(count: number): void {
  if (count < 1 || count > TILE_WIDTH) throw invalid(`tile: expected 1..${TILE_WIDTH} items`);
}

/**
 * A hash tile's body: its hashes concatenated (C2SP tlog-tiles).
 *
 * @example
 * encodeHashTile(leafHashes.slice(0, 256)).length; // 8192
 */
export function encodeHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  assertWidth(hashes.length);
  const body = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((hash, i) => {
    if (!isHash(hash)) throw invalid("tile: expected 32-byte hashes");
    body.set(hash, i * HASH_SIZE);
  });
  return body;
}

/**
 * Splits a hash tile body into its hashes, requiring exactly `width` of them. Throws
 * ERR_LOG_TILE_INVALID.
 *
 * @example
 * decodeHashTile(body, 256)[0]; // the first hash
 */
export function decodeHashTile(body: Uint8Array, width: number): Uint8Array[] {
  assertWidth(width);
  if (!(body instanceof Uint8Array) || body.length !== width * HASH_SIZE) {
    throw invalid(`tile: expected ${width * HASH_SIZE} bytes`);
  }
  return Array.from({ length: width }, (_, i) => body.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
}

/**
 * An entry bundle: each entry prefixed by its length as a big-endian uint16 (C2SP tlog-tiles).
 * Throws ERR_LOG_ENTRY_TOO_LARGE for an entry above 65,535 bytes, ERR_LOG_TILE_INVALID for more
 * than 256 entries.
 *
 * @example
 * encodeEntryBundle([new TextEncoder().encode("{}")]); // 00 02 7b 7d
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  assertWidth(entries.length);
  let length = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_BYTES) {
      throw new ProtocolError("ERR_LOG_ENTRY_TOO_LARGE", `entry: above ${MAX_ENTRY_BYTES} bytes`);
    }
    length += 2 + entry.length;
  }
  const bundle = new Uint8Array(length);
  let offset = 0;
  for (const entry of entries) {
    bundle[offset] = entry.length >> 8;
    bundle[offset + 1] = entry.length & 0xff;
    bundle.set(entry, offset + 2);
    offset += 2 + entry.length;
  }
  return bundle;
}

/**
 * Splits an entry bundle into entries; with `width`, requires exactly that many. Refuses a
 * truncated length or entry and trailing bytes. Throws ERR_LOG_TILE_INVALID.
 *
 * @example
 * decodeEntryBundle(bundle, 256).map(leafHash); // must equal the level-0 tile
 */
export function decodeEntryBundle(bundle: Uint8Array, width?: number): Uint8Array[] {
  if (!(bundle instanceof Uint8Array)) throw invalid("bundle: expected bytes");
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bundle.length) {
    if (offset + 2 > bundle.length) throw invalid("bundle: truncated length prefix");
    const length = (bundle[offset]! << 8) | bundle[offset + 1]!;
    if (offset + 2 + length > bundle.length) throw invalid("bundle: truncated entry");
    entries.push(bundle.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
    if (entries.length > TILE_WIDTH) throw invalid(`bundle: more than ${TILE_WIDTH} entries`);
  }
  if (width !== undefined && entries.length !== width) {
    throw invalid(`bundle: expected ${width} entries, got ${entries.length}`);
  }
  return entries;
}
