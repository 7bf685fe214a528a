import { ProtocolError } from "../errors/protocol-error.ts";
import { canonicalJson } from "./canonical-json.ts";
import { decisionEntryJson } from "./decision-json.ts";
import {
  LOG_DECISIONS,
  LOG_ENTRY_VERSION,
  LOG_EVENT_KINDS,
  type LogEntry,
  MAX_ENTRY_BYTES,
} from "./log-entry.ts";

type Check = (value: unknown) => boolean;

const UTF8 = new TextEncoder();

const BASE64URL_HASH = /^[A-Za-z0-9_-]{43}$/;
const ACTION = /^[a-z][a-z0-9-]{0,63}$/;
const isString: Check = (v) => typeof v === "string" && v.length > 0;
const isNullableString: Check = (v) => v === null || isString(v);
const isTime: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const isHashString: Check = (v) => typeof v === "string" && BASE64URL_HASH.test(v);
const isObject: Check = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isPrev: Check = (v) =>
  v === null || (hasExactly(v, PREV_FIELDS) && isTime(v.index) && isHashString(v.leafHash));

const PREV_FIELDS = { index: isTime, leafHash: isHashString };
const INVOCATION_FIELDS: Record<string, Check> = {
  hash: isHashString,
  header: isObject,
  payload: (v) => isObject(v) && !Object.hasOwn(v as object, "args"),
  argsHash: (v) => v === null || isHashString(v),
  signature: isString,
};
const COMMON_FIELDS: Record<string, Check> = {
  v: (v) => v === LOG_ENTRY_VERSION,
  type: isString,
  time: isTime,
  relay: isString,
  prev: isPrev,
};
const DECISION_FIELDS: Record<string, Check> = {
  ...COMMON_FIELDS,
  actor: isString,
  cmd: isString,
  principal: isString,
  instructor: isNullableString,
  delegate: isNullableString,
  chain: (v) => Array.isArray(v) && v.every(isHashString),
  decision: (v) => (LOG_DECISIONS as readonly unknown[]).includes(v),
  reason: isNullableString,
  invocation: (v) => hasExactly(v, INVOCATION_FIELDS),
};
const EVENT_FIELDS: Record<string, Check> = {
  ...COMMON_FIELDS,
  event: (v) => (LOG_EVENT_KINDS as readonly unknown[]).includes(v),
  action: (v) => typeof v === "string" && ACTION.test(v),
  subject: isString,
  actor: isNullableString,
  data: isObject,
};

function hasExactly(
  value: unknown,
  fields: Record<string, Check>,
): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const names = Object.keys(value as object);
  return (
    names.length === Object.keys(fields).length &&
    names.every((name) => fields[name]?.((value as Record<string, unknown>)[name]) === true)
  );
}

function firstBadField(value: Record<string, unknown>, fields: Record<string, Check>): string {
  const expected = Object.keys(fields);
  const bad = expected.find((name) => !fields[name]!(value[name]));
  return bad ?? Object.keys(value).find((name) => !expected.includes(name)) ?? "entry";
}

/**
 * Checks that `value` is a well-formed version-1 entry and returns it typed. Unknown members
 * are refused: a new field means a new schema version. Throws ERR_NOT_SUPPORTED for another
 * version and ERR_LOG_ENTRY_MALFORMED naming the first bad field.
 *
 * @example
 * const entry = assertLogEntry(JSON.parse(text));
 */
export function assertLogEntry(value: unknown): LogEntry {
  if (!isObject(value)) {
    throw new ProtocolError("ERR_LOG_ENTRY_MALFORMED", "entry: expected a JSON object");
  }
  const entry = value as Record<string, unknown>;
  if (entry.v !== LOG_ENTRY_VERSION) {
    throw new ProtocolError("ERR_NOT_SUPPORTED", `entry.v: expected ${LOG_ENTRY_VERSION}`);
  }
  const fields = entry.type === "decision" ? DECISION_FIELDS : EVENT_FIELDS;
  if (entry.type !== "decision" && entry.type !== "event") {
    throw new ProtocolError(
      "ERR_LOG_ENTRY_MALFORMED",
      'entry.type: expected "decision" or "event"',
    );
  }
  if (!hasExactly(entry, fields)) {
    const field = firstBadField(entry, fields);
    throw new ProtocolError("ERR_LOG_ENTRY_MALFORMED", `entry.${field}: invalid or unexpected`);
  }
  return entry as unknown as LogEntry;
}

/**
 * Encodes an entry as its log bytes: the UTF-8 of its RFC 8785 canonical JSON. Validates the
 * schema first. Throws ERR_LOG_ENTRY_TOO_LARGE above MAX_ENTRY_BYTES (65,535), and the errors of
 * `assertLogEntry` and `canonicalJson`.
 *
 * @example
 * const bytes = encodeLogEntry(entry);
 * const leaf = leafHash(bytes);
 */
export function encodeLogEntry(entry: LogEntry): Uint8Array {
  assertLogEntry(entry);
  const text = entry.type === "decision" ? decisionEntryJson(entry) : canonicalJson(entry);
  const bytes = UTF8.encode(text);
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new ProtocolError(
      "ERR_LOG_ENTRY_TOO_LARGE",
      `entry: expected at most ${MAX_ENTRY_BYTES} bytes, got ${bytes.length}`,
    );
  }
  return bytes;
}

/**
 * Decodes log bytes back into an entry, refusing anything `encodeLogEntry` would not have
 * produced byte for byte: oversize input (ERR_LOG_ENTRY_TOO_LARGE), invalid UTF-8 or JSON
 * (ERR_JSON_INVALID), a non-canonical serialisation, including duplicate member names
 * (ERR_LOG_ENTRY_MALFORMED), and schema errors.
 *
 * @example
 * const entry = decodeLogEntry(await (await fetch(`${relay}/v1/log/entries/7`)).bytes());
 */
export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_ENTRY_BYTES) {
    throw new ProtocolError(
      "ERR_LOG_ENTRY_TOO_LARGE",
      `entry: expected at most ${MAX_ENTRY_BYTES} bytes`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ProtocolError("ERR_JSON_INVALID", "entry: not UTF-8 JSON", { cause });
  }
  const entry = assertLogEntry(value);
  const canonical = new TextEncoder().encode(canonicalJson(entry));
  if (Buffer.compare(Buffer.from(canonical), Buffer.from(bytes)) !== 0) {
    throw new ProtocolError("ERR_LOG_ENTRY_MALFORMED", "entry: not in RFC 8785 canonical form");
  }
  return entry;
}
