// Policy language vectors (spec 3): a policy, args, and whether every statement holds.
// Sources: the UCAN 1.0 policy examples (ucan-wg/delegation, "Policy") and this spec.

interface PolicyCase {
  description: string;
  policy: unknown;
  args: unknown;
  valid: boolean;
  error?: string;
}

const MAIL = {
  from: "alice@example.com",
  to: ["bob@example.com", "carol@not.example.com", "dan@example.com"],
  cc: ["fraud@example.com"],
  title: "Meeting Confirmation",
  count: 3,
  meta: { "a.b": 1, nested: { deep: [1, 2, { x: null }] } },
};

const holds = (description: string, policy: unknown, args: unknown = MAIL): PolicyCase => ({
  description,
  policy,
  args,
  valid: true,
});
const fails = (
  description: string,
  policy: unknown,
  args: unknown = MAIL,
  error = "ERR_POLICY_FAILED",
): PolicyCase => ({
  description,
  policy,
  args,
  valid: false,
  error,
});

const LIKE = "Alice\\*, Bob*, Carol.";

/** Policy vectors. */
export function policyCases(): PolicyCase[] {
  return [
    holds("an empty policy", []),
    holds("== on a string", [["==", ".from", "alice@example.com"]]),
    holds("== on a whole array, deep", [["==", ".cc", ["fraud@example.com"]]]),
    holds("== on an object, members in any order", [
      ["==", ".meta.nested", { deep: [1, 2, { x: null }] }],
    ]),
    fails("== on an array with other elements", [["==", ".cc", ["fraud@example.com", "x"]]]),
    holds("!= on a different value", [["!=", ".from", "mallory@example.com"]]),
    holds("numbers compare by value (3 == 3.0)", [
      ["==", ".count", 3.0],
      [">=", ".count", 3],
      ["<", ".count", 3.5],
    ]),
    fails("< on a string is false", [["<", ".from", 10]]),
    holds("selector .to[1]", [["==", ".to[1]", "carol@not.example.com"]]),
    holds("selector .to[-1]", [["==", ".to[-1]", "dan@example.com"]]),
    holds("an optional out-of-range index is null", [["==", ".to[99]?", null]]),
    fails("an out-of-range index fails the statement", [["==", ".to[99]", null]]),
    holds("a missing member is null", [["==", ".missing", null]]),
    fails("a member of a missing member fails", [["==", ".missing.x", null]]),
    holds("an optional member of a missing member is null", [["==", ".missing.x?", null]]),
    holds("a quoted member name", [
      ["==", '.meta["a.b"]', 1],
      ["==", '.["from"]', "alice@example.com"],
    ]),
    holds("identity selector inside any", [["any", ".to", ["==", ".", "bob@example.com"]]]),
    fails("any with no element matching", [["any", ".cc", ["like", ".", "*@example.org"]]]),
    fails("all with one element failing", [["all", ".to", ["like", ".", "*@example.com"]]]),
    holds("all over the values of an object", [["all", ".meta.nested", ["!=", ".", "x"]]]),
    fails("all over a string is false", [["all", ".from", ["==", ".", "a"]]]),
    holds("all over an empty array holds", [["all", ".e", [">", ".", 1]]], { e: [] }),
    fails("any over an empty array fails", [["any", ".e", [">", ".", 1]]], { e: [] }),
    holds("UCAN like: literal star and wildcard", [["like", ".s", LIKE]], {
      s: "Alice*, Bob, Dan, Erin, Carol.",
    }),
    holds("UCAN like: wildcard matching spaces", [["like", ".s", LIKE]], {
      s: "Alice*, Bob  , Carol.",
    }),
    fails("UCAN like: missing final dot", [["like", ".s", LIKE]], { s: "Alice*, Bob, Carol" }),
    fails("UCAN like: escaped star is literal", [["like", ".s", LIKE]], {
      s: "Alice Cooper, Bob, Carol.",
    }),
    fails("UCAN like: whitespace is significant", [["like", ".s", LIKE]], {
      s: " Alice*, Bob, Carol. ",
    }),
    holds("like with an escaped backslash", [["like", ".s", "a\\\\b*"]], { s: "a\\bc" }),
    fails("like on a number is false", [["like", ".count", "*"]]),
    holds("not inverts", [["not", ["==", ".from", "x"]]]),
    holds("and of none holds", [["and", []]]),
    holds("or of none holds (UCAN 1.0)", [["or", []]]),
    holds("or with one true", [
      [
        "or",
        [
          ["==", ".from", "x"],
          ["==", ".count", 3],
        ],
      ],
    ]),
    fails("and with one false", [
      [
        "and",
        [
          ["==", ".from", "alice@example.com"],
          ["==", ".count", 4],
        ],
      ],
    ]),
    holds("nested quantifiers", [["all", ".n", ["any", ".r", ["==", ".e", "fraud@example.com"]]]], {
      n: [{ r: [{ e: "fraud@example.com" }] }],
    }),
    fails("an unknown operator", [["matches", ".from", "a"]], MAIL, "ERR_POLICY_UNKNOWN_OPERATOR"),
    fails(
      "an unknown operator nested in not",
      [["not", ["~=", ".from", "a"]]],
      MAIL,
      "ERR_POLICY_UNKNOWN_OPERATOR",
    ),
    fails(
      "an operator in another case",
      [["LIKE", ".from", "*"]],
      MAIL,
      "ERR_POLICY_UNKNOWN_OPERATOR",
    ),
    fails("a statement with too few arguments", [["==", ".from"]], MAIL, "ERR_POLICY_MALFORMED"),
    fails("a comparison against a string", [["<", ".count", "4"]], MAIL, "ERR_POLICY_MALFORMED"),
    fails("a selector without a leading dot", [["==", "from", "a"]], MAIL, "ERR_POLICY_MALFORMED"),
    fails("a selector with two dots", [["==", "..from", "a"]], MAIL, "ERR_POLICY_MALFORMED"),
    fails("a selector that is not a string", [["==", 1, "a"]], MAIL, "ERR_POLICY_MALFORMED"),
    fails("an empty statement", [[]], MAIL, "ERR_POLICY_MALFORMED"),
    fails(
      "a like pattern with a bad escape",
      [["like", ".from", "\\a*"]],
      MAIL,
      "ERR_POLICY_MALFORMED",
    ),
    fails(
      "and with one statement instead of a list",
      [["and", ["==", ".from", "a"]]],
      MAIL,
      "ERR_POLICY_MALFORMED",
    ),
    fails("the iterator selector", [["==", ".to[]", "a"]], MAIL, "ERR_NOT_SUPPORTED"),
    fails("a slice selector", [["==", ".to[0:2]", []]], MAIL, "ERR_NOT_SUPPORTED"),
    fails(
      "a budget-exhausting policy",
      [["any", ".xs", ["like", ".", "*a".repeat(2000)]]],
      { xs: Array.from({ length: 60 }, () => "a") },
      "ERR_POLICY_TOO_COMPLEX",
    ),
  ];
}
