import { ProtocolError } from "../errors/protocol-error.ts";
import { verifySignature } from "../keys/ed25519.ts";
import type { NoteSigner, NoteVerifier } from "./note-key.ts";
import { isNoteKeyName } from "./note-key.ts";

/** Largest note accepted, in UTF-8 bytes: room for 16+ post-quantum signatures. */
export const MAX_NOTE_BYTES = 128 * 1024;

/** Most signature lines accepted; C2SP signed-note requires at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = "\u2014 ";
// Control characters other than newline are forbidden anywhere in a note.
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /\p{Surrogate}/u;
const STD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A signature line's key, as named on the line. */
export interface NoteSignatureKey {
  readonly name: string;
  readonly keyId: number;
}

/** An opened note: its text and which signatures were checked or ignored. */
export interface OpenedNote {
  /** The note text, ending in a newline, without the blank separator line. */
  readonly text: string;
  /** Signatures from known keys, all verified. */
  readonly verified: readonly NoteSignatureKey[];
  /** Signatures from unknown keys, ignored as the spec requires. */
  readonly unverified: readonly NoteSignatureKey[];
}

function malformed(message: string): ProtocolError {
  return new ProtocolError("ERR_LOG_NOTE_MALFORMED", message);
}

function assertNoteText(text: string, field: string): void {
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw malformed(`${field}: expected text ending in a newline`);
  }
  if (FORBIDDEN_CONTROL.test(text) || LONE_SURROGATE.test(text)) {
    throw malformed(`${field}: control character or invalid UTF-8`);
  }
  if (Buffer.byteLength(text, "utf8") > MAX_NOTE_BYTES) {
    throw malformed(`${field}: longer than ${MAX_NOTE_BYTES} bytes`);
  }
}

/**
 * Signs `text` as a C2SP signed note: the text (which must end in a newline), a blank line, and
 * one line per signer, `— <name> base64(key ID || Ed25519 signature over the text)`. Throws
 * ERR_LOG_NOTE_MALFORMED for text a verifier would refuse.
 *
 * @example
 * signNote("hello\n", [createNoteSigner("example.com/log", signer)]);
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text, "note text");
  if (signers.length === 0) throw malformed("signers: expected at least one");
  const message = new TextEncoder().encode(text);
  const lines = signers.map((signer) => {
    const keyId = Buffer.alloc(4);
    keyId.writeUInt32BE(signer.keyId);
    const signature = Buffer.concat([keyId, signer.sign(message)]).toString("base64");
    return `${SIGNATURE_PREFIX}${signer.name} ${signature}\n`;
  });
  return `${text}\n${lines.join("")}`;
}

function parseSignatureLine(line: string): NoteSignatureKey & { signature: Uint8Array } {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed("note: signature line without em dash");
  const fields = line.slice(SIGNATURE_PREFIX.length).split(" ");
  const [name, encoded] = fields;
  if (fields.length !== 2 || !isNoteKeyName(name) || !STD_BASE64.test(encoded ?? "")) {
    throw malformed("note: expected '— <name> <base64>'");
  }
  const bytes = Buffer.from(encoded!, "base64");
  if (bytes.toString("base64") !== encoded || bytes.length < 5) {
    throw malformed("note: signature is not canonical base64 of at least 5 bytes");
  }
  return { name, keyId: bytes.readUInt32BE(0), signature: new Uint8Array(bytes.subarray(4)) };
}

function splitNote(note: string | Uint8Array): { text: string; lines: string[] } {
  let decoded: string;
  try {
    decoded =
      typeof note === "string" ? note : new TextDecoder("utf-8", { fatal: true }).decode(note);
  } catch (cause) {
    throw new ProtocolError("ERR_LOG_NOTE_MALFORMED", "note: invalid UTF-8", { cause });
  }
  assertNoteText(decoded, "note");
  // The text ends at the last blank line; the text itself may hold blank lines.
  const split = decoded.lastIndexOf("\n\n");
  if (split < 0) throw malformed("note: no blank line before the signatures");
  const lines = decoded.slice(split + 2).split("\n");
  lines.pop();
  if (lines.length === 0) throw malformed("note: no signature lines");
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed("note: too many signatures");
  return { text: decoded.slice(0, split + 1), lines };
}

/**
 * Opens a C2SP signed note against the keys the caller trusts. Signatures from unknown keys
 * (name or key ID not both matching a verifier) are ignored. A known key's signature that fails
 * rejects the whole note (ERR_LOG_NOTE_SIGNATURE_INVALID), as does a known key signing twice
 * (ERR_LOG_NOTE_MALFORMED); a note with no verified known-key signature is refused with
 * ERR_LOG_NOTE_UNVERIFIED. Malformed notes, including control characters, invalid UTF-8,
 * more than MAX_NOTE_BYTES or MAX_NOTE_SIGNATURES, get ERR_LOG_NOTE_MALFORMED.
 *
 * @example
 * const { text } = openNote(body, [parseVerifierKey(relayVerifierKey)]);
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  const { text, lines } = splitNote(note);
  const message = new TextEncoder().encode(text);
  const verified: NoteSignatureKey[] = [];
  const unverified: NoteSignatureKey[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const { name, keyId, signature } = parseSignatureLine(line);
    const key = `${name}+${keyId}`;
    const verifier = verifiers.find((v) => v.name === name && v.keyId === keyId);
    if (verifier === undefined) {
      if (!seen.has(key)) unverified.push({ name, keyId });
      seen.add(key);
      continue;
    }
    if (seen.has(key)) throw malformed(`note: key ${name} signed twice`);
    seen.add(key);
    if (!verifySignature(signature, message, verifier.publicKey)) {
      throw new ProtocolError(
        "ERR_LOG_NOTE_SIGNATURE_INVALID",
        "note: signature verification failed",
        {
          details: { name, keyId },
        },
      );
    }
    verified.push({ name, keyId });
  }
  if (verified.length === 0) {
    throw new ProtocolError("ERR_LOG_NOTE_UNVERIFIED", "note: no signature from a known key");
  }
  return { text, verified, unverified };
}
