import { ProtocolError } from "../errors/protocol-error.ts";

/** Nesting deeper than this is refused rather than risking the stack on hostile input. */
export const CANONICAL_JSON_MAX_DEPTH = 64;

// A lone UTF-16 surrogate: in `u` mode a valid pair is one code point and does not match.
const LONE_SURROGATE = /\p{Surrogate}/u;
// Any surrogate code unit at all: a cheap test that spares almost every string the one above.
const SURROGATE_UNIT = /[\uD800-\uDFFF]/;
// Strings that JSON.stringify would print unchanged between quotes.
const PLAIN = /^[\w\-.:/+= ]*$/;

/**
 * Serialises a JSON value as RFC 8785 (JCS) canonical JSON: no whitespace, object members sorted
 * by the UTF-16 code units of their names (section 3.2.3), strings escaped as ECMAScript
 * JSON.stringify does (section 3.2.2.2), numbers in the ECMAScript shortest form (section
 * 3.2.2.3). Accepts strings, numbers, booleans, null, arrays and plain objects only.
 *
 * Throws ERR_NUMBER_UNSAFE for NaN, Infinity and integers beyond +/-(2^53 - 1), which would not
 * survive a round trip through other parsers; ERR_JSON_INVALID for undefined, functions,
 * bigints, symbols, class instances, strings holding lone surrogates (I-JSON, RFC 7493 section
 * 2.1) and nesting deeper than CANONICAL_JSON_MAX_DEPTH.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null, "x"] }); // '{"a":[true,null,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, 0);
}

function serialise(value: unknown, depth: number): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serialiseNumber(value);
    case "string":
      return serialiseString(value);
    case "object":
      if (depth >= CANONICAL_JSON_MAX_DEPTH) {
        throw new ProtocolError("ERR_JSON_INVALID", "json: nesting too deep");
      }
      return Array.isArray(value) ? serialiseArray(value, depth) : serialiseObject(value, depth);
    default:
      throw new ProtocolError(
        "ERR_JSON_INVALID",
        `json: unsupported value of type ${typeof value}`,
      );
  }
}

function serialiseNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new ProtocolError("ERR_NUMBER_UNSAFE", "json: non-finite number");
  }
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new ProtocolError("ERR_NUMBER_UNSAFE", "json: integer beyond 2^53 - 1");
  }
  // ECMAScript Number-to-String is exactly the JCS number form; it also prints -0 as "0".
  return String(value);
}

function serialiseString(value: string): string {
  if (PLAIN.test(value)) return `"${value}"`;
  if (SURROGATE_UNIT.test(value) && LONE_SURROGATE.test(value)) {
    throw new ProtocolError("ERR_JSON_INVALID", "json: string with a lone surrogate");
  }
  return JSON.stringify(value);
}

// Loops with string concatenation rather than map/join: log entries are encoded on the
// sequencer's hot path, and this halves the time per entry.
function serialiseArray(value: readonly unknown[], depth: number): string {
  let out = "[";
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ",";
    out += serialise(value[i], depth + 1);
  }
  return `${out}]`;
}

function serialiseObject(value: object, depth: number): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ProtocolError("ERR_JSON_INVALID", "json: only plain objects are allowed");
  }
  // Default sort compares UTF-16 code units, which is what RFC 8785 section 3.2.3 asks for.
  const names = Object.keys(value).sort();
  let out = "{";
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (i > 0) out += ",";
    out += `${serialiseString(name)}:${serialise((value as Record<string, unknown>)[name], depth + 1)}`;
  }
  return `${out}}`;
}
