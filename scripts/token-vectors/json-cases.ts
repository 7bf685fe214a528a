// Strict JSON vectors (spec 1.4). `text` is the JSON text; `hex` gives raw bytes where the
// text is not valid UTF-8 or starts with a byte order mark.

interface JsonCase {
  description: string;
  text?: string;
  hex?: string;
  valid: boolean;
  value?: unknown;
  error?: string;
}

const ok = (description: string, text: string, value: unknown): JsonCase => ({
  description,
  text,
  valid: true,
  value,
});
const bad = (description: string, text: string, error = "ERR_JSON_INVALID"): JsonCase => ({
  description,
  text,
  valid: false,
  error,
});
const badBytes = (description: string, hex: string): JsonCase => ({
  description,
  hex,
  valid: false,
  error: "ERR_JSON_INVALID",
});

/** Strict JSON vectors. */
export function jsonCases(): JsonCase[] {
  return [
    ok("an object", '{"a":1,"b":[true,false,null],"c":"x"}', {
      a: 1,
      b: [true, false, null],
      c: "x",
    }),
    ok("whitespace around tokens", ' { "a" : [ 1 , 2 ] } ', { a: [1, 2] }),
    ok(
      "escapes, including a surrogate pair",
      '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"',
      '"\\/\b\f\n\r\té😀',
    ),
    ok("the largest safe integer", "9007199254740991", 9007199254740991),
    ok("the smallest safe integer", "-9007199254740991", -9007199254740991),
    ok("a fraction and an exponent within range", "[1.5,-2e3,0.000001]", [1.5, -2000, 0.000001]),
    ok(
      "a member named __proto__ is an ordinary member",
      '{"__proto__":1}',
      JSON.parse('{"__proto__":1}'),
    ),
    bad("duplicate member names", '{"a":1,"a":2}', "ERR_JSON_DUPLICATE_MEMBER"),
    bad(
      "duplicate member names after unescaping",
      '{"a":1,"\\u0061":2}',
      "ERR_JSON_DUPLICATE_MEMBER",
    ),
    bad("duplicate members in a nested object", '{"x":{"b":1,"b":1}}', "ERR_JSON_DUPLICATE_MEMBER"),
    bad("2^53", "9007199254740992", "ERR_NUMBER_UNSAFE"),
    bad("2^53 + 1, which rounds to 2^53", "9007199254740993", "ERR_NUMBER_UNSAFE"),
    bad("-2^53", "-9007199254740992", "ERR_NUMBER_UNSAFE"),
    bad("a huge exponent", "1e400", "ERR_NUMBER_UNSAFE"),
    bad("a large fraction", "9007199254740991.5", "ERR_NUMBER_UNSAFE"),
    bad("a lone high surrogate escape", '"\\ud83d"'),
    bad("a lone low surrogate escape", '"\\ude00"'),
    bad("a trailing comma", "[1,2,]"),
    bad("a leading zero", "[01]"),
    bad("a plus sign", "[+1]"),
    bad("NaN", "NaN"),
    bad("a single-quoted string", "'a'"),
    bad("an unescaped control character", '"a\u0001b"'),
    bad("a bad escape", '"\\x41"'),
    bad("two values", "1 2"),
    bad("an empty text", ""),
    bad("nesting deeper than 32", `${"[".repeat(33)}${"]".repeat(33)}`),
    ok(
      "nesting of exactly 32",
      `${"[".repeat(32)}${"]".repeat(32)}`,
      JSON.parse(`${"[".repeat(32)}${"]".repeat(32)}`),
    ),
    badBytes("a byte order mark before the value", "efbbbf7b7d"),
    badBytes("invalid UTF-8 inside a string", "22ff22"),
    badBytes("an overlong UTF-8 encoding of '/'", "22c0af22"),
    badBytes("an encoded surrogate (CESU-8)", "22eda0bd22"),
  ];
}
