// The plaintext inside a keystore's age file (docs/spec/keystore.md, "Payload"). It is one fixed
// line of JSON, so a person who opens the file with `age -d` sees what it is, and a parser can
// match it byte for byte instead of trusting a general JSON reader with a secret.

import { SEED_LENGTH } from "../keys/ed25519-encoding.ts";

/** The `format` member: names the payload and its version. */
export const KEYSTORE_FORMAT = "ants-keystore/v1";

const PAYLOAD_PATTERN = /^\{"format":"ants-keystore\/v1","seed":"([0-9a-f]{64})"\}\n$/;

/** Length in bytes of every v1 payload: the fixed text plus 64 hex digits. */
export const KEYSTORE_PAYLOAD_LENGTH = `{"format":"${KEYSTORE_FORMAT}","seed":""}\n`.length + 64;

/**
 * Serialises a 32-byte seed as the v1 payload.
 *
 * @example
 * encodeKeystorePayload(seed); // '{"format":"ants-keystore/v1","seed":"9d61...7f60"}\n' as bytes
 */
export function encodeKeystorePayload(seed: Uint8Array): Uint8Array {
  const hex = Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength).toString("hex");
  return new TextEncoder().encode(`{"format":"${KEYSTORE_FORMAT}","seed":"${hex}"}\n`);
}

/**
 * Returns the seed in a v1 payload, or undefined when the bytes are anything else.
 *
 * @example
 * decodeKeystorePayload(encodeKeystorePayload(seed)); // seed
 */
export function decodeKeystorePayload(payload: Uint8Array): Uint8Array | undefined {
  if (payload.length !== KEYSTORE_PAYLOAD_LENGTH) return undefined;
  const match = PAYLOAD_PATTERN.exec(Buffer.from(payload).toString("latin1"));
  if (match === null) return undefined;
  const seed = new Uint8Array(Buffer.from(match[1]!, "hex"));
  return seed.length === SEED_LENGTH ? seed : undefined;
}
