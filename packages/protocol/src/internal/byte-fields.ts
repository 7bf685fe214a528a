/**
 * Unambiguous byte encodings for hash and MAC inputs: fixed-width big-endian integers and
 * length-prefixed strings, so no two different field lists can produce the same bytes.
 */

const encoder = new TextEncoder();

/** An integer in 0..2^53-1 as 8 bytes, big-endian. */
export function uint64be(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Math.floor(value / 2 ** 32));
  view.setUint32(4, value >>> 0);
  return bytes;
}

/** UTF-8 bytes of `text` behind a 2-byte big-endian length. Callers bound the length first. */
export function lengthPrefixed(text: string): Uint8Array {
  const body = encoder.encode(text);
  if (body.length > 0xffff) throw new RangeError("field longer than 65535 bytes");
  const bytes = new Uint8Array(2 + body.length);
  bytes[0] = body.length >>> 8;
  bytes[1] = body.length & 0xff;
  bytes.set(body, 2);
  return bytes;
}

/** ASCII bytes of a domain-separation label followed by one zero byte. */
export function domainLabel(label: string): Uint8Array {
  const body = encoder.encode(label);
  const bytes = new Uint8Array(body.length + 1);
  bytes.set(body);
  return bytes;
}

/** Concatenates byte strings. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
