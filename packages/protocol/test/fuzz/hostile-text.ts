// Arbitraries for parser fuzzing: valid samples mutated, random text and bytes, oversized
// values, deep nesting, unicode edge cases, duplicate members and unsafe numbers.
import fc from "fast-check";
import { encodeBase64url } from "../../src/index.ts";

/** Characters that break naive parsers: controls, BOM, lone surrogates, look-alikes, RTL. */
export const UNICODE_EDGES = [
  "\u0000",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udfff",
  "\ud83d\ude00",
  "\u202e",
  "\u200b",
  "e\u0301",
  "\u00e9",
  "\uff41",
  "\u0430",
  "\u0131",
  "\u1e9e",
  "\ufffd",
];

/** JSON texts that two parsers could read differently, or that cost a naive one dearly. */
export const HOSTILE_JSON = [
  '{"a":1,"a":2}',
  '{"a":1,"\\u0061":2}',
  '{"n":9007199254740993}',
  '{"n":1e400}',
  '{"n":-0}',
  '{"n":0.1e-400}',
  '{"s":"\\ud800"}',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{}}}',
  "[]",
  "null",
  '"text"',
  "1",
  "{",
  `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
  `${'{"a":'.repeat(2_000)}1${"}".repeat(2_000)}`,
  `{"k":"${"x".repeat(200_000)}"}`,
];

/** One edit of a text: a replaced, inserted or deleted run at a random place. */
function mutateText(sample: string): fc.Arbitrary<string> {
  const insert = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.constantFrom(...UNICODE_EDGES, ".", "=", "\n", " ", "+", "/", "-", "_"),
  );
  return fc
    .tuple(fc.nat(), fc.nat(8), insert, fc.constantFrom("replace", "insert", "delete", "cut"))
    .map(([at, length, text, how]) => {
      const i = at % (sample.length + 1);
      if (how === "insert") return sample.slice(0, i) + text + sample.slice(i);
      if (how === "delete") return sample.slice(0, i) + sample.slice(i + length);
      if (how === "cut") return sample.slice(0, i);
      return sample.slice(0, i) + text + sample.slice(i + text.length);
    });
}

/** A compact JWS whose header or payload is a hostile JSON text, signature arbitrary. */
function hostileJws(samples: readonly string[]): fc.Arbitrary<string> {
  const part = (text: string) => encodeBase64url(new TextEncoder().encode(text));
  const jwsSamples = samples.filter((sample) => sample.split(".").length === 3);
  if (jwsSamples.length === 0) return fc.constant("a.b.c");
  return fc
    .tuple(fc.constantFrom(...jwsSamples), fc.constantFrom(...HOSTILE_JSON), fc.boolean())
    .map(([sample, json, inHeader]) => {
      const [header = "", payload = "", signature = ""] = sample.split(".");
      return inHeader
        ? `${part(json)}.${payload}.${signature}`
        : `${header}.${part(json)}.${signature}`;
    });
}

/**
 * Hostile text for a parser whose valid inputs look like `samples`: mostly mutations of them
 * (up to three edits), the rest random, oversized, nested or made of edge characters.
 */
export function hostileText(samples: readonly string[]): fc.Arbitrary<string> {
  const base = samples.length > 0 ? samples : [""];
  const mutated = fc
    .constantFrom(...base)
    .chain((sample) => mutateText(sample))
    .chain((once) => fc.oneof(fc.constant(once), mutateText(once)));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.constantFrom(...base) },
    { weight: 2, arbitrary: hostileJws(base) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_JSON) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom(...UNICODE_EDGES), { maxLength: 16 })
        .map((parts) => parts.join("")),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...base), fc.integer({ min: 2, max: 200 }))
        .map(([sample, times]) => sample.repeat(times)),
    },
  );
}

/** Hostile bytes: hostile text as UTF-8, mutated sample bytes, or random bytes. */
export function hostileBytes(samples: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const base = samples.length > 0 ? samples : [new Uint8Array(0)];
  const flipped = fc
    .tuple(fc.constantFrom(...base), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(4))
    .map(([sample, at, value, how]) => {
      const copy = Uint8Array.from(sample);
      const i = copy.length === 0 ? 0 : at % copy.length;
      if (how === 0) return copy.subarray(0, i);
      if (how === 1) return Uint8Array.from([...copy.subarray(0, i), value, ...copy.subarray(i)]);
      if (copy.length > 0) copy[i] = value;
      return copy;
    });
  const text = hostileText(base.map((sample) => Buffer.from(sample).toString("latin1")));
  return fc.oneof(
    { weight: 4, arbitrary: flipped },
    { weight: 1, arbitrary: fc.constantFrom(...base) },
    { weight: 2, arbitrary: text.map((value) => new TextEncoder().encode(value)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
  );
}
