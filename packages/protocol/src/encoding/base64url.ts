import { ProtocolError } from "../errors/protocol-error.ts";

const BASE64URL_ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * Encodes bytes as base64url without padding (RFC 4648 section 5).
 *
 * @example
 * encodeBase64url(new Uint8Array([1, 2, 3])); // "AQID"
 */
export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/**
 * Decodes strict base64url: the unpadded alphabet only, and the input must re-encode to the
 * exact string received, so no padding, no stray trailing bits and no alternative spelling of
 * the same bytes is accepted. Throws ERR_BASE64URL_INVALID.
 *
 * @example
 * decodeBase64url("AQID", "sig"); // Uint8Array [1, 2, 3]
 */
export function decodeBase64url(text: string, field = "value"): Uint8Array {
  if (typeof text !== "string" || !BASE64URL_ALPHABET.test(text) || text.length % 4 === 1) {
    throw new ProtocolError("ERR_BASE64URL_INVALID", `${field}: expected unpadded base64url`);
  }
  const bytes = Buffer.from(text, "base64url");
  // Node ignores non-zero trailing bits; re-encoding exposes them.
  if (bytes.toString("base64url") !== text) {
    throw new ProtocolError("ERR_BASE64URL_INVALID", `${field}: non-canonical base64url`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
