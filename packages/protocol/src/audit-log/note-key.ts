import { createHash } from "node:crypto";
import { ProtocolError } from "../errors/protocol-error.ts";
import { assertValidPublicKey, type Ed25519Signer } from "../keys/ed25519.ts";

/** C2SP signed-note signature type byte for Ed25519. */
export const NOTE_ED25519_TYPE = 0x01;

// C2SP signed-note: key names are non-empty with no Unicode space and no "+".
const KEY_NAME = /^[^\s+]+$/u;
const KEY_ID_HEX = /^[0-9a-f]{8}$/;
const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A key that can check note signatures: its name, 32-bit key ID and Ed25519 public key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

/** A key that can sign notes. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Uint8Array;
}

/** True when `name` is a valid signed-note key name. */
export function isNoteKeyName(name: unknown): name is string {
  return typeof name === "string" && KEY_NAME.test(name);
}

/**
 * The key ID of an Ed25519 note key, per C2SP signed-note: the first four bytes, big-endian, of
 * SHA-256(key name || 0x0A || 0x01 || 32-byte public key).
 *
 * @example
 * noteKeyId("PeterNeumann", publicKey).toString(16); // "c74f20a3"
 */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash("sha256")
    .update(name, "utf8")
    .update(new Uint8Array([0x0a, NOTE_ED25519_TYPE]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

function assertKeyName(name: unknown): asserts name is string {
  if (!isNoteKeyName(name)) {
    throw new ProtocolError("ERR_KEY_INVALID", "note key name: expected no spaces and no '+'");
  }
}

/**
 * Wraps an Ed25519 signer as a note signer under `name` (for a log, its origin).
 *
 * @example
 * const noteSigner = createNoteSigner("relay.example/log", createSigner(seed));
 */
export function createNoteSigner(name: string, signer: Ed25519Signer): NoteSigner {
  assertKeyName(name);
  return { name, keyId: noteKeyId(name, signer.publicKey), sign: (m) => signer.sign(m) };
}

/**
 * The verifier key string other tools accept (Go's note.NewVerifier, C2SP witnesses):
 * `<name>+<key ID as 8 hex digits>+<base64(0x01 || public key)>`.
 *
 * @example
 * formatVerifierKey("PeterNeumann", pk); // "PeterNeumann+c74f20a3+ARpc2QcUPDhM..."
 */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  assertKeyName(name);
  assertValidPublicKey(publicKey);
  const keyId = noteKeyId(name, publicKey).toString(16).padStart(8, "0");
  const key = Buffer.concat([new Uint8Array([NOTE_ED25519_TYPE]), publicKey]).toString("base64");
  return `${name}+${keyId}+${key}`;
}

/**
 * Parses a verifier key string. The key ID must be the one the name and key imply, the type byte
 * must be Ed25519 and the key must pass the strict public-key checks. Throws ERR_KEY_INVALID
 * (or the ERR_KEY_* code of the public-key check).
 *
 * @example
 * parseVerifierKey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
 */
export function parseVerifierKey(text: string): NoteVerifier {
  const parts = typeof text === "string" ? text.split("+") : [];
  // Standard base64 may itself hold "+": the key is everything after the second separator.
  const [name, hexId, ...keyParts] = parts;
  const keyText = keyParts.join("+");
  assertKeyName(name);
  if (hexId === undefined || !KEY_ID_HEX.test(hexId) || !STD_BASE64.test(keyText)) {
    throw new ProtocolError("ERR_KEY_INVALID", "verifier key: expected name+hex8+base64");
  }
  const key = Buffer.from(keyText, "base64");
  if (key.toString("base64") !== keyText || key.length !== 33 || key[0] !== NOTE_ED25519_TYPE) {
    throw new ProtocolError("ERR_KEY_INVALID", "verifier key: expected base64(0x01 || 32 bytes)");
  }
  const publicKey = new Uint8Array(key.subarray(1));
  assertValidPublicKey(publicKey);
  const keyId = Number.parseInt(hexId, 16);
  if (keyId !== noteKeyId(name, publicKey)) {
    throw new ProtocolError("ERR_KEY_INVALID", "verifier key: key ID does not match name and key");
  }
  return { name, keyId, publicKey };
}
