import { ProtocolError } from "../errors/protocol-error.ts";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Decodes one JWS segment as strict unpadded base64url (spec 1.1): the alphabet only, a length
 * that is not 1 modulo 4, and no non-zero trailing bits, so each byte string has exactly one
 * accepted spelling. Same rule as `decodeBase64url`, checking the last character instead of
 * re-encoding, since this runs on every token. Throws ERR_BASE64URL_INVALID.
 *
 * @example
 * decodeSegment("AQID", "payload"); // Uint8Array [1, 2, 3]
 */
export function decodeSegment(text: string, field: string): Uint8Array {
  const remainder = text.length % 4;
  if (remainder === 1) {
    throw new ProtocolError("ERR_BASE64URL_INVALID", `${field}: expected unpadded base64url`);
  }
  // Node's decoder skips characters outside the alphabet, which always yields fewer bytes than
  // the length implies; it also accepts the base64 characters "+" and "/", refused here.
  const bytes = Buffer.from(text, "base64url");
  if (bytes.length !== (text.length * 3) >> 2 || text.includes("+") || text.includes("/")) {
    throw new ProtocolError("ERR_BASE64URL_INVALID", `${field}: expected unpadded base64url`);
  }
  // The last character of a 2- or 3-character tail carries 4 or 2 unused low bits.
  if (remainder !== 0) {
    const unusedBits = remainder === 2 ? 0x0f : 0x03;
    if ((BASE64URL.indexOf(text[text.length - 1]!) & unusedBits) !== 0) {
      throw new ProtocolError("ERR_BASE64URL_INVALID", `${field}: non-canonical base64url`);
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
