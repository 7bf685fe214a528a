import { describe, expect, it } from "vitest";
import {
  didFromPublicKey,
  generateKeyPair,
  isProtocolError,
  issueChallenge,
  verifyChallenge,
} from "../../src/index.ts";
import vectors from "../vectors/handles.json" with { type: "json" };

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const secret = new Uint8Array(32).fill(7);
const agent = didFromPublicKey(generateKeyPair().publicKey);
const NOW = 1_800_000_000;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe("issueChallenge vectors", () => {
  it.each(vectors.challenges)("$description: reproduces the seed", (vector) => {
    const { handle, agent: vectorAgent, difficulty, expiresAt } = vector.challenge;
    const issued = issueChallenge({
      handle: handle.toUpperCase(),
      agent: vectorAgent,
      difficulty,
      expiresAt,
      secret: hex(vector.secret),
      nonce: hex(vector.nonce),
    });
    expect(issued).toEqual(vector.challenge);
  });
});

describe("issueChallenge", () => {
  const base = { handle: "kevin", agent, difficulty: 4096, expiresAt: NOW + 900, secret };

  it("gives every challenge its own seed, even with identical fields", () => {
    expect(issueChallenge(base).seed).not.toBe(issueChallenge(base).seed);
  });

  it("refuses a secret shorter than 32 bytes with ERR_KEY_INVALID", () => {
    expect(codeOf(() => issueChallenge({ ...base, secret: new Uint8Array(31) }))).toBe(
      "ERR_KEY_INVALID",
    );
  });

  it("refuses an agent that is not a valid did:key", () => {
    expect(codeOf(() => issueChallenge({ ...base, agent: "did:web:example.com" }))).toBe(
      "ERR_DID_METHOD_UNSUPPORTED",
    );
  });

  it("refuses a difficulty outside 32..2^40 or not an integer with ERR_MALFORMED", () => {
    for (const difficulty of [0, 31, 2 ** 40 + 1, 100.5, Number.NaN]) {
      expect(codeOf(() => issueChallenge({ ...base, difficulty }))).toBe("ERR_MALFORMED");
    }
  });

  it("refuses an invalid handle and a malformed expiry", () => {
    expect(codeOf(() => issueChallenge({ ...base, handle: "k\u0435vin" }))).toBe(
      "ERR_HANDLE_INVALID",
    );
    expect(codeOf(() => issueChallenge({ ...base, expiresAt: -1 }))).toBe("ERR_MALFORMED");
  });
});

describe("verifyChallenge", () => {
  const challenge = issueChallenge({
    handle: "kevin",
    agent,
    difficulty: 4096,
    expiresAt: NOW + 900,
    secret,
  });

  it("accepts its own challenge before expiry", () => {
    expect(verifyChallenge(challenge, { secret, now: NOW })).toEqual(challenge);
  });

  it("refuses it from its expiry second on with ERR_POW_EXPIRED", () => {
    expect(verifyChallenge(challenge, { secret, now: challenge.expiresAt - 1 })).toEqual(challenge);
    expect(codeOf(() => verifyChallenge(challenge, { secret, now: challenge.expiresAt }))).toBe(
      "ERR_POW_EXPIRED",
    );
  });

  it("reports a forged seed as ERR_POW_INVALID even when it is also expired", () => {
    const forged = { ...challenge, expiresAt: NOW - 1 };
    expect(codeOf(() => verifyChallenge(forged, { secret, now: NOW }))).toBe("ERR_POW_INVALID");
  });

  it("refuses each edited field with ERR_POW_INVALID", () => {
    const edits = [
      { handle: "kevim" },
      { agent: didFromPublicKey(generateKeyPair().publicKey) },
      { difficulty: 32 },
      { expiresAt: NOW + 90_000 },
    ];
    for (const edit of edits) {
      expect(codeOf(() => verifyChallenge({ ...challenge, ...edit }, { secret, now: NOW }))).toBe(
        "ERR_POW_INVALID",
      );
    }
  });

  it("refuses non-objects and wrongly typed fields with a shape code", () => {
    const cases: [unknown, string][] = [
      [null, "ERR_MALFORMED"],
      ["challenge", "ERR_MALFORMED"],
      [[challenge], "ERR_MALFORMED"],
      [{ ...challenge, handle: 7 }, "ERR_HANDLE_INVALID"],
      [{ ...challenge, agent: "x".repeat(10_000) }, "ERR_MALFORMED"],
      [{ ...challenge, expiresAt: "soon" }, "ERR_MALFORMED"],
      [{ ...challenge, seed: `+${challenge.seed.slice(1)}` }, "ERR_BASE64URL_INVALID"],
      [{ ...challenge, seed: `${challenge.seed}=` }, "ERR_MALFORMED"],
      [{ ...challenge, seed: "A".repeat(1_000_000) }, "ERR_MALFORMED"],
      [{ ...challenge, seed: 42 }, "ERR_MALFORMED"],
    ];
    for (const [value, code] of cases) {
      expect(codeOf(() => verifyChallenge(value, { secret, now: NOW }))).toBe(code);
    }
  });
});
