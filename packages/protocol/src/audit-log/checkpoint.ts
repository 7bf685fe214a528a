import { ProtocolError } from "../errors/protocol-error.ts";
import { HASH_SIZE, isHash } from "./merkle-hash.ts";
import type { NoteSigner, NoteVerifier } from "./note-key.ts";
import { openNote, signNote } from "./signed-note.ts";

/** A C2SP tlog-checkpoint: the three mandatory lines and any extension lines. */
export interface Checkpoint {
  /** The log's unique identity; ANTS uses the relay's log origin (host/path, no scheme). */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly size: number;
  /** RFC 6962 root hash at that size. */
  readonly rootHash: Uint8Array;
  /** Opaque extra lines; not auditable by monitors, so normally empty. */
  readonly extensions: readonly string[];
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const STD_BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function malformed(message: string): ProtocolError {
  return new ProtocolError("ERR_LOG_CHECKPOINT_MALFORMED", message);
}

function assertLine(line: unknown, field: string): asserts line is string {
  if (typeof line !== "string" || line.length === 0 || line.includes("\n")) {
    throw malformed(`${field}: expected a non-empty line`);
  }
}

/**
 * Formats a checkpoint's note text (C2SP tlog-checkpoint): origin, decimal size without leading
 * zeroes, standard base64 root hash, then extension lines, each ending in a newline. Throws
 * ERR_LOG_CHECKPOINT_MALFORMED for a value the format cannot carry.
 *
 * @example
 * formatCheckpoint({ origin: "relay.example/log", size: 8, rootHash, extensions: [] });
 * // "relay.example/log\n8\n<base64 root>\n"
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  assertLine(checkpoint.origin, "origin");
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) {
    throw malformed("size: expected a non-negative integer");
  }
  if (!isHash(checkpoint.rootHash)) throw malformed(`root hash: expected ${HASH_SIZE} bytes`);
  for (const line of checkpoint.extensions) assertLine(line, "extension line");
  const root = Buffer.from(checkpoint.rootHash).toString("base64");
  const lines = [checkpoint.origin, String(checkpoint.size), root, ...checkpoint.extensions];
  return lines.map((line) => `${line}\n`).join("");
}

/**
 * Parses checkpoint note text (what `openNote` returns; never unverified text). Refuses fewer
 * than three lines, empty lines, a size with leading zeroes or beyond 2^53 - 1, a root that is
 * not canonical base64 of 32 bytes, and text not ending in a newline, all with
 * ERR_LOG_CHECKPOINT_MALFORMED.
 *
 * @example
 * parseCheckpoint(openNote(body, verifiers).text).size; // 8
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw malformed("checkpoint: expected text ending in a newline");
  }
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed("checkpoint: expected at least three lines");
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  lines.forEach((line, i) => {
    assertLine(line, `line ${i + 1}`);
  });
  if (!DECIMAL.test(size) || !Number.isSafeInteger(Number(size))) {
    throw malformed("size: expected a decimal integer without leading zeroes");
  }
  const rootHash = Buffer.from(root, "base64");
  if (!STD_BASE64_HASH.test(root) || rootHash.toString("base64") !== root) {
    throw malformed("root hash: expected standard base64 of 32 bytes");
  }
  return { origin, size: Number(size), rootHash: new Uint8Array(rootHash), extensions };
}

/**
 * Formats and signs a checkpoint as a signed note. The log's key name should be its origin.
 *
 * @example
 * const note = signCheckpoint({ origin, size, rootHash, extensions: [] }, noteSigner);
 */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

/**
 * Opens a signed checkpoint: verifies the note against `verifiers` (see `openNote`), parses it,
 * and, when `origin` is given, requires that origin (ERR_LOG_CHECKPOINT_MALFORMED otherwise), so
 * a checkpoint of another log signed by the same key is not mistaken for this one.
 *
 * @example
 * const cp = openCheckpoint(body, [parseVerifierKey(vkey)], { origin: "relay.example/log" });
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: { origin?: string } = {},
): Checkpoint {
  const checkpoint = parseCheckpoint(openNote(note, verifiers).text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw malformed(`origin: expected "${options.origin}"`);
  }
  return checkpoint;
}
