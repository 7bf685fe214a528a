import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Issue 13, attack suite: timing-safe comparison of secrets. An attacker who can time a
// comparison of a secret with its guess learns the secret byte by byte. Every comparison in the
// source whose operand is named like a secret, a MAC, a token or a hash is found here and must
// either be timing-safe (crypto.timingSafeEqual) or be listed below with the reason a plain
// comparison leaks nothing: the value is public, or both sides are hashes of what the caller
// already holds.
const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const SECRET_NAMED = /\w*(mac|memo|secret|passphrase|seed|token|nonce|ath|digest|hash)\w*/i;
const COMPARISON = /([\w.#[\]()]+)\s*(===|!==)\s*([\w.#[\]()]+)/g;
const HARMLESS_OPERAND =
  /^(undefined|null|true|false|\d+|[A-Z_]+|.*\.length|.*\.size|.*\.changes)$/;

/** file (from the repository root) and code, with why a plain comparison is safe there. */
const REVIEWED: [string, string, string][] = [
  [
    "packages/relay/src/key-events/key-event-book.ts",
    "tokenHash(events[i]!.event) === event.hash",
    "public hashes of stored key events against the verified log kept in memory",
  ],
  ["packages/client/src/oauth/oauth-fetch.ts", "token !== stale", "two tokens this client holds"],
  [
    "packages/client/src/resource/access-guard.ts",
    "argsHash !== claims.args_hash",
    "a hash of the request's own arguments against a claim of a verified token",
  ],
  [
    "packages/client/src/keystore/passphrase.ts",
    "!== passphrase",
    "the owner typing a new passphrase twice at a local prompt; no remote party times it",
  ],
  [
    "packages/protocol/src/session/dpop-proof.ts",
    "claims.ath !== accessTokenHash(",
    "the hash of the token the caller presents with the proof; both are the caller's",
  ],
  [
    "packages/protocol/src/invocation/verify-chain.ts",
    "prf[i] !== hashes[i]",
    "hashes of tokens the caller sent in the same request",
  ],
  [
    "packages/relay/src/handles/handle-claims.ts",
    "seed !== input.claims.seed",
    "two copies of the challenge seed, both from the caller; its MAC is checked timing-safe",
  ],
  [
    "packages/relay/src/handles/handle-lifecycle.ts",
    "offer.hash !== input.claims.offer",
    "a transfer offer's public statement hash",
  ],
  [
    "packages/relay/src/sessions/dpop-nonces.ts",
    "nonce === this.#nonceOf(",
    "DPoP nonces are public: every answer carries the current one",
  ],
  [
    "packages/relay/src/trust/vouch-graph.ts",
    "held?.hash === edge.hash",
    "public statement hashes",
  ],
  [
    "packages/client/src/audit-log/chain-check.ts",
    "prev.leafHash !== head.leafHash",
    "leaf hashes of the public audit log",
  ],
  [
    "packages/protocol/src/approval/verify-approval.ts",
    "claims.inv !== options.invocationHash",
    "the hash of an invocation the relay publishes in its pending answer",
  ],
  [
    "packages/protocol/src/delegation/link-rules.ts",
    "child.prf !== parent.hash",
    "hashes of the caller's chain",
  ],
  [
    "packages/protocol/src/delegation/verify-links.ts",
    "?.compact === token",
    "a cache of verified links keyed by hash: the tokens compared are the caller's own",
  ],
  [
    "packages/protocol/src/delegation/verify-links.ts",
    "link.compact !== token",
    "a cache of verified links keyed by hash: the tokens compared are the caller's own",
  ],
  [
    "packages/protocol/src/key-events/rotation-authority.ts",
    "!== context.next",
    "the next-key digest, a public commitment in the key event log",
  ],
  [
    "packages/protocol/src/key-events/rotation-authority.ts",
    "claims.evt !== event.hash",
    "public event hashes",
  ],
  [
    "packages/protocol/src/key-events/verify-key-event-log.ts",
    "claims.p !== state.hashes[index - 1]",
    "public event hashes",
  ],
  [
    "packages/relay/src/audit-log/instructor.ts",
    "entry.invocation.hash === cause",
    "invocation hashes in the public audit log",
  ],
  [
    "packages/relay/src/revocation/submit-revocation.ts",
    "tokenHash(token) !== claims.target",
    "the hash of a token the caller presents against the hash its signed request names",
  ],
  [
    "packages/relay/src/sessions/session-registry.ts",
    "record.token !== token",
    "reached only for the record found by SHA-256 of the presented token: its timing cannot " +
      "reveal an unknown token, since the caller already holds one whose hash matched",
  ],
];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** An operand as written, without the closing brackets of the expression around it. */
function operand(text: string): string {
  let trimmed = text;
  while (/[)\]]$/.test(trimmed) && count(trimmed, /[)\]]/g) > count(trimmed, /[([]/g)) {
    trimmed = trimmed.slice(0, -1);
  }
  return trimmed.replace(/^[(!]+/, "");
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Every comparison of a secret-named operand with something that is not a constant. */
function secretComparisons(): { file: string; line: string }[] {
  const found: { file: string; line: string }[] = [];
  for (const pkg of readdirSync(join(ROOT, "packages"))) {
    for (const path of sourceFiles(join(ROOT, "packages", pkg, "src"))) {
      const file = relative(ROOT, path);
      for (const line of readFileSync(path, "utf8").split("\n")) {
        for (const [, rawLeft = "", , rawRight = ""] of line.matchAll(COMPARISON)) {
          const [left, right] = [operand(rawLeft), operand(rawRight)];
          const named = SECRET_NAMED.test(left) || SECRET_NAMED.test(right);
          if (!named || HARMLESS_OPERAND.test(left) || HARMLESS_OPERAND.test(right)) continue;
          found.push({ file, line: line.trim() });
        }
      }
    }
  }
  return found;
}

describe("comparisons of secrets", () => {
  it("finds every comparison of a secret-named value either reviewed or absent", () => {
    const unreviewed = secretComparisons().filter(
      ({ file, line }) => !REVIEWED.some(([where, code]) => where === file && line.includes(code)),
    );
    expect(unreviewed).toEqual([]);
  });

  it("finds each reviewed comparison still in the source, so the list cannot go stale", () => {
    const found = secretComparisons();
    const missing = REVIEWED.filter(
      ([where, code]) => !found.some(({ file, line }) => file === where && line.includes(code)),
    );
    expect(missing.map(([where, code]) => `${where}: ${code}`)).toEqual([]);
  });

  it.each([
    [
      "packages/protocol/src/proof-of-work/challenge.ts",
      "the challenge MAC keyed by the relay's secret",
    ],
    ["packages/protocol/src/proof-of-work/verify-solution.ts", "the solution's memo"],
  ])("compares %s (%s) with crypto.timingSafeEqual", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8");
    expect(text).toMatch(/import \{[^}]*\btimingSafeEqual\b[^}]*\} from "node:crypto"/);
    expect(text).toMatch(/if \(!timingSafeEqual\(/);
  });

  it("looks sessions up by the hash of the presented token, never by comparing tokens", () => {
    const text = readFileSync(
      join(ROOT, "packages/relay/src/sessions/session-registry.ts"),
      "utf8",
    );
    expect(text).toContain("get(tokenHash(token))");
  });
});
