import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/audit-log/canonical-json.ts";
import { decisionEntryJson } from "../../src/audit-log/decision-json.ts";
import type { DecisionEntry } from "../../src/audit-log/log-entry.ts";
import { assertLogEntry, encodeLogEntry } from "../../src/audit-log/log-entry-codec.ts";

// Values canonicalJson refuses (unsafe integers) are refused alike on both paths; they are
// left out here so every generated entry is a valid one.
function serialisable(value: unknown): boolean {
  try {
    canonicalJson(value);
    return true;
  } catch {
    return false;
  }
}

const HASH = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/);
// Names and values with escapes, non-ASCII and astral characters, which sort and escape
// differently from plain ASCII.
const TEXT = fc.string({ minLength: 1, unit: "grapheme" });
const JSON_VALUE = fc.jsonValue({ maxDepth: 3 }).filter(serialisable);
const OBJECT = fc.dictionary(fc.string({ unit: "grapheme" }), JSON_VALUE, { maxKeys: 6 });

const DECISION: fc.Arbitrary<DecisionEntry> = fc.record({
  v: fc.constant(1 as const),
  type: fc.constant("decision" as const),
  time: fc.nat(),
  relay: TEXT,
  actor: TEXT,
  cmd: TEXT,
  principal: TEXT,
  instructor: fc.option(TEXT, { nil: null }),
  delegate: fc.option(TEXT, { nil: null }),
  chain: fc.array(HASH, { maxLength: 4 }),
  decision: fc.constantFrom("allow" as const, "deny" as const),
  reason: fc.option(TEXT, { nil: null }),
  invocation: fc.record({
    hash: HASH,
    header: OBJECT,
    payload: OBJECT.map(({ args: _args, ...rest }) => rest),
    argsHash: fc.option(HASH, { nil: null }),
    signature: TEXT,
  }),
  prev: fc.option(fc.record({ index: fc.nat(), leafHash: HASH }), { nil: null }),
});

describe("decisionEntryJson", () => {
  it("is byte for byte the generic RFC 8785 serialisation of any valid decision entry", () => {
    fc.assert(
      fc.property(DECISION, (entry) => {
        assertLogEntry(entry);
        expect(decisionEntryJson(entry)).toBe(canonicalJson(entry));
      }),
      { numRuns: 300 },
    );
  });

  it("is what encodeLogEntry writes", () => {
    fc.assert(
      fc.property(DECISION, (entry) => {
        const bytes = encodeLogEntry(entry);
        expect(Buffer.from(bytes).toString("utf8")).toBe(canonicalJson(entry));
      }),
      { numRuns: 100 },
    );
  });

  it("still refuses a lone surrogate inside the open header object", () => {
    fc.assert(
      fc.property(DECISION, (entry) => {
        const bad = { ...entry, invocation: { ...entry.invocation, header: { k: "\uD800" } } };
        expect(() => encodeLogEntry(bad)).toThrow(
          expect.objectContaining({ code: "ERR_JSON_INVALID" }),
        );
      }),
      { numRuns: 20 },
    );
  });
});
