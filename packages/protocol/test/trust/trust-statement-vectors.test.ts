import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createSigner,
  didFromPublicKey,
  isProtocolError,
  parseOutcome,
  parseVouch,
  signOutcome,
  signVouch,
  tokenHash,
  verifyOutcome,
  verifyVouch,
} from "../../src/index.ts";
import { loadVectors } from "../support/token-vectors.ts";

interface TrustVectorCase {
  description: string;
  token: string;
  valid: boolean;
  error?: string;
}

interface TrustVectors {
  now: number;
  relay: string;
  vouches: TrustVectorCase[];
  outcomes: TrustVectorCase[];
}

const vectors = loadVectors<TrustVectors>("trust-statements.json");
const options = { relay: vectors.relay, now: vectors.now };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return error.code;
  }
}

describe("docs/spec/vectors/trust-statements.json", () => {
  for (const c of vectors.vouches) {
    it(`vouch ${c.valid ? "accepted" : `refused with ${c.error}`}: ${c.description}`, () => {
      expect(codeOf(() => verifyVouch(parseVouch(c.token), options))).toBe(c.error);
    });
  }

  for (const c of vectors.outcomes) {
    it(`outcome ${c.valid ? "accepted" : `refused with ${c.error}`}: ${c.description}`, () => {
      expect(codeOf(() => verifyOutcome(parseOutcome(c.token), options))).toBe(c.error);
    });
  }
});

describe("signing trust statements", () => {
  const relay = didFromPublicKey(createSigner(new Uint8Array(32).fill(9)).publicKey);

  it("verifies every vouch it signs, with the claims it was given", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 365 * 86_400 }),
        (seed, otherSeed, lvl, life) => {
          fc.pre(Buffer.compare(seed, otherSeed) !== 0);
          const signer = createSigner(seed);
          const sub = didFromPublicKey(createSigner(otherSeed).publicKey);
          const now = 1_767_225_600;
          const token = signVouch({ sub, aud: relay, lvl, exp: now + life }, { signer, now });
          const claims = verifyVouch(parseVouch(token), { relay, now });
          expect(claims).toMatchObject({ sub, lvl, iat: now, exp: now + life });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses to sign a vouch a relay would refuse", () => {
    const signer = createSigner(new Uint8Array(32).fill(1));
    const sub = didFromPublicKey(createSigner(new Uint8Array(32).fill(2)).publicKey);
    const now = 1_767_225_600;
    const sign = (lvl: number, exp: number) => () =>
      signVouch({ sub, aud: relay, lvl, exp }, { signer, now });
    expect(codeOf(sign(7, now + 60))).toBe("ERR_TOKEN_CLAIM_INVALID");
    expect(codeOf(sign(1, now + 400 * 86_400))).toBe("ERR_TRUST_STATEMENT_INVALID");
  });

  it("signs outcomes that verify and names the invocation given", () => {
    const signer = createSigner(new Uint8Array(32).fill(3));
    const sub = didFromPublicKey(createSigner(new Uint8Array(32).fill(4)).publicKey);
    const now = 1_767_225_600;
    const inv = tokenHash("an invocation");
    const token = signOutcome({ sub, aud: relay, inv, res: "failure" }, { signer, now });
    expect(verifyOutcome(parseOutcome(token), { relay, now })).toMatchObject({
      sub,
      inv,
      res: "failure",
    });
  });
});
