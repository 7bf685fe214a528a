import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "../json/strict-json.ts";
import type { StepBudget } from "./step-budget.ts";

/** One step of a selector: an object member or an array index, optionally `?`. */
export type SelectorSegment =
  | { readonly kind: "member"; readonly name: string; readonly optional: boolean }
  | { readonly kind: "index"; readonly index: number; readonly optional: boolean };

/** A parsed selector; the empty list is the identity `.`. */
export type Selector = readonly SelectorSegment[];

/** Returned by {@link resolveSelector} when the selection cannot be resolved (spec 3.2). */
export const SELECTION_FAILED: unique symbol = Symbol("selection failed");

const MAX_SELECTOR_LENGTH = 256;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const INDEX = /^-?(?:0|[1-9][0-9]*)(?=\])/;
const UNSUPPORTED = /^(?:\]|-?[0-9]*:-?[0-9]*\])/;
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"(?=\])/;

function malformed(text: string, reason: string): never {
  throw new ProtocolError(
    "ERR_POLICY_MALFORMED",
    `selector ${JSON.stringify(text.slice(0, 64))}: ${reason}`,
  );
}

/**
 * Parses a selector (spec 3.2): `.`, `.name`, `.["name"]`, `.[i]`, `[i]` after a first segment,
 * each optionally followed by `?`. Throws ERR_POLICY_MALFORMED, or ERR_NOT_SUPPORTED for the
 * iterator `[]` and slices.
 *
 * @example
 * parseSelector(".to[-1]"); // [{kind:"member",name:"to"}, {kind:"index",index:-1}]
 */
export function parseSelector(text: unknown): Selector {
  if (typeof text !== "string") return malformed(String(text), "expected a string");
  if (text.length > MAX_SELECTOR_LENGTH) malformed(text, "too long");
  if (text === ".") return [];
  if (!text.startsWith(".")) malformed(text, "must start with '.'");
  const segments: SelectorSegment[] = [];
  let pos = 0;
  while (pos < text.length) {
    let parsed: { segment: SelectorSegment; end: number };
    if (text[pos] === "." && text[pos + 1] === "[") parsed = parseBracket(text, pos + 1);
    else if (text[pos] === ".") parsed = parseName(text, pos + 1);
    else if (text[pos] === "[" && segments.length > 0) parsed = parseBracket(text, pos);
    else return malformed(text, `unexpected '${text[pos]}'`);
    pos = parsed.end;
    let optional = false;
    while (text[pos] === "?") {
      optional = true;
      pos++;
    }
    segments.push({ ...parsed.segment, optional });
  }
  return segments;
}

function parseName(text: string, pos: number) {
  const match = NAME.exec(text.slice(pos));
  if (match === null) return malformed(text, "expected a member name after '.'");
  const segment: SelectorSegment = { kind: "member", name: match[0], optional: false };
  return { segment, end: pos + match[0].length };
}

function parseBracket(text: string, pos: number) {
  const inner = text.slice(pos + 1);
  const quoted = JSON_STRING.exec(inner);
  if (quoted !== null) {
    const name = JSON.parse(quoted[0]) as string;
    const segment: SelectorSegment = { kind: "member", name, optional: false };
    return { segment, end: pos + 1 + quoted[0].length + 1 };
  }
  const index = INDEX.exec(inner);
  if (index !== null && Number.isSafeInteger(Number(index[0]))) {
    const segment: SelectorSegment = { kind: "index", index: Number(index[0]), optional: false };
    return { segment, end: pos + 1 + index[0].length + 1 };
  }
  if (UNSUPPORTED.test(inner)) {
    throw new ProtocolError(
      "ERR_NOT_SUPPORTED",
      "selector: iterators and slices are not supported",
    );
  }
  return malformed(text, "expected a quoted name or an integer index in brackets");
}

/**
 * Resolves a selector against a value (spec 3.2): a missing member is `null`; a member of a
 * non-object, an index of a non-array or out of range cannot be resolved, which yields `null`
 * when the segment is optional and {@link SELECTION_FAILED} otherwise. Spends one step per
 * segment.
 *
 * @example
 * resolveSelector(parseSelector(".a"), { a: 1 }, budget); // 1
 */
export function resolveSelector(
  selector: Selector,
  input: JsonValue,
  budget: StepBudget,
): JsonValue | typeof SELECTION_FAILED {
  let current: JsonValue = input;
  for (const segment of selector) {
    budget.spend(1);
    const next = step(segment, current);
    if (next === SELECTION_FAILED) return segment.optional ? null : SELECTION_FAILED;
    current = next;
  }
  return current;
}

function step(segment: SelectorSegment, current: JsonValue): JsonValue | typeof SELECTION_FAILED {
  if (segment.kind === "member") {
    if (current === null || typeof current !== "object" || Array.isArray(current)) {
      return SELECTION_FAILED;
    }
    return Object.hasOwn(current, segment.name) ? current[segment.name]! : null;
  }
  if (!Array.isArray(current)) return SELECTION_FAILED;
  const index = segment.index < 0 ? current.length + segment.index : segment.index;
  return index >= 0 && index < current.length ? current[index]! : SELECTION_FAILED;
}
