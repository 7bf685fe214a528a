// Arbitraries for HTTP fuzzing: any route of the relay's OpenAPI document, with hostile path
// segments, query values, headers and bodies (mutated tokens, unicode edge cases, duplicate
// members, deep nesting, unsafe numbers, oversized values, wrong media types and codings).
import fc from "fast-check";
import type { FuzzRoute } from "./openapi-routes.ts";

/** A request the fuzzer sends. */
export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  streams: boolean;
  /** Sent with a live session and a fresh DPoP proof, so the case reaches past authentication. */
  signed: boolean;
}

const EDGES = ["..", "../../etc/passwd", "%00", "\u202e", "\ufeff", "\ud800", "e\u0301", "\u0430"];
const NUMBERS = [
  "9007199254740993",
  "-1",
  "1e400",
  "0x10",
  "00",
  "NaN",
  "-0",
  "1.5",
  "99999999999",
];
const FIELD_NAMES = ["token", "handle", "agent", "challenge", "solution", "statement", "chain"];

/** Hostile strings, built around valid samples (tokens, DIDs) the caller has made. */
export function hostileString(samples: readonly string[]): fc.Arbitrary<string> {
  const base = samples.length > 0 ? samples : ["a.b.c"];
  return fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(...base, ...EDGES, ...NUMBERS, "a.b.c", "e30.e30."),
    fc.constantFrom(...base).map((sample) => sample.repeat(40)),
    fc
      .tuple(fc.constantFrom(...base), fc.nat(), fc.string({ maxLength: 3 }))
      .map(([token, at, insert]) => {
        const i = at % (token.length + 1);
        return token.slice(0, i) + insert + token.slice(i + insert.length);
      }),
  );
}

function hostileValue(samples: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileString(samples),
    fc.array(hostileString(samples), { maxLength: 4 }),
    fc.jsonValue({ maxDepth: 3 }),
    fc.integer(),
    fc.constant(null),
  );
}

/** A form body of the same members; values that are not strings are sent as their JSON. */
function formOf(members: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(members)) {
    form.append(name, typeof value === "string" ? value : String(JSON.stringify(value)));
  }
  return form.toString();
}

/** A body as raw text: the route's own members with hostile values, or text that breaks JSON. */
function hostileBody(fields: readonly string[], samples: readonly string[]) {
  const names = fc.constantFrom(...fields, ...FIELD_NAMES, "__proto__");
  const members = fc.dictionary(names, hostileValue(samples), { maxKeys: 4 });
  return fc.oneof(
    { weight: 4, arbitrary: members.map((body) => JSON.stringify(body)) },
    {
      weight: 1,
      arbitrary: members.map((body) =>
        JSON.stringify(body).replace(/^\{"(\w+)":/, '{"$1":1,"$1":'),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.nat(200).map((d) => `{"chain":${"[".repeat(d * 50)}${"]".repeat(d * 50)}}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{"chain":[1e400]}', '{"a":9007199254740993}', "[]", "null", "{"),
    },
    { weight: 1, arbitrary: fc.nat(300_000).map((n) => `{"token":"${"x".repeat(n)}"}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: members.map(formOf) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/x-www-form-urlencoded",
  "text/plain",
  "application/json; charset=latin1",
  "",
];

function hostileHeaders(samples: readonly string[]) {
  return fc.record({
    "content-type": fc.constantFrom(...CONTENT_TYPES),
    authorization: fc.option(hostileString(samples).map((token) => `DPoP ${token}`)),
    dpop: fc.option(hostileString(samples)),
    "content-encoding": fc.option(fc.constantFrom("gzip", "identity", "br")),
  });
}

/** Percent-encodes every byte outside unreserved characters; lone surrogates become U+FFFD. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, "0").toUpperCase()}`,
    )
    .join("");
}

function urlOf(route: FuzzRoute, segments: string[], query: (string | null)[]): string {
  let next = 0;
  const segment = () => percentEncode(segments[next++ % segments.length]!);
  const path = route.path
    .replace(/\{\*\}/g, () => `${segment()}/${segment()}`)
    .replace(/\{[^}]+\}/g, segment);
  const pairs = route.query.flatMap((name, i) =>
    query[i] === null || query[i] === undefined ? [] : [`${name}=${percentEncode(query[i]!)}`],
  );
  return pairs.length === 0 ? path : `${path}?${pairs.join("&")}`;
}

/**
 * A hostile request to one of `routes`; `samples` are valid tokens and DIDs to mutate.
 *
 * @example
 * fc.sample(hostileRequest(routes, [did]), 1)[0]?.url; // "/v1/agents/did%3Akey%3Az..."
 */
export function hostileRequest(
  routes: readonly FuzzRoute[],
  samples: readonly string[],
): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom(...routes).chain((route) =>
    fc
      .record({
        segments: fc.array(hostileString(samples), { minLength: 3, maxLength: 3 }),
        query: fc.array(fc.option(hostileString(samples)), {
          minLength: route.query.length,
          maxLength: route.query.length,
        }),
        body: hostileBody(route.fields, samples),
        headers: hostileHeaders(samples),
        signed: fc.boolean(),
      })
      .map(({ segments, query, body, headers, signed }) => {
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(headers)) {
          if (value !== null && value !== "") sent[name] = value;
        }
        return {
          method: route.method,
          url: urlOf(route, segments, query),
          headers: sent,
          body: route.method === "GET" || route.method === "DELETE" ? undefined : body,
          streams: route.streams,
          signed,
        };
      }),
  );
}
