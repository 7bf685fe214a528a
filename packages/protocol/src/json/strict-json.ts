import { ProtocolError } from "../errors/protocol-error.ts";
import { StrictJsonParser } from "./json-parser.ts";

/** A JSON value as the strict parser returns it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Options for {@link parseStrictJson}. */
export interface StrictJsonOptions {
  /** Deepest nesting of arrays and objects accepted; default 32 (docs/spec/tokens.md 1.4). */
  maxDepth?: number;
  /** Names the input in error messages, e.g. "payload". */
  field?: string;
}

const DEFAULT_MAX_DEPTH = 32;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses JSON under the I-JSON rules of docs/spec/tokens.md section 1.4: duplicate member names
 * (ERR_JSON_DUPLICATE_MEMBER), numbers beyond 2^53 - 1 (ERR_NUMBER_UNSAFE), lone surrogates,
 * nesting beyond `maxDepth` and any syntax error (ERR_JSON_INVALID) are refused. Throws.
 *
 * @example
 * parseStrictJson('{"a":1}'); // { a: 1 }
 * parseStrictJson('{"a":1,"a":2}'); // throws ERR_JSON_DUPLICATE_MEMBER
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): JsonValue {
  const parser = new StrictJsonParser(
    text,
    options.maxDepth ?? DEFAULT_MAX_DEPTH,
    options.field ?? "json",
  );
  return parser.parseDocument();
}

/**
 * Decodes UTF-8 bytes strictly (no replacement characters, a byte order mark kept and thus
 * refused by the parser) and parses them with {@link parseStrictJson}. Throws ERR_JSON_INVALID.
 *
 * @example
 * parseStrictJsonBytes(new TextEncoder().encode('{"a":1}')); // { a: 1 }
 */
export function parseStrictJsonBytes(bytes: Uint8Array, options: StrictJsonOptions = {}) {
  // Node's decoder is fast but replaces invalid sequences with U+FFFD; only text holding
  // U+FFFD needs the strict decoder to tell a real U+FFFD from a replaced error.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.includes("\ufffd")) {
    try {
      utf8.decode(bytes);
    } catch {
      throw new ProtocolError("ERR_JSON_INVALID", `${options.field ?? "json"}: invalid utf-8`);
    }
  }
  return parseStrictJson(text, options);
}
