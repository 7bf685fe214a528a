import { describe, expect, it } from "vitest";
import {
  isProtocolError,
  signDelegation,
  signInvocation,
  verifyChain,
  verifyDelegations,
} from "../../src/index.ts";
import { HTU, RELAY, T0, testAgent } from "../support/agents.ts";

const alice = testAgent("alice");
const bob = testAgent("bob");
const bobSession = testAgent("bob-session");
const root = signDelegation(
  { aud: bob.did, cmd: "/mail", exp: T0 + 600, pol: [["like", ".to", "*@example.com"]] },
  { signer: alice.signer },
);
const args = { to: "carol@example.com" };
const invoke = (signer = bobSession.signer, extra: object = {}) =>
  signInvocation(
    {
      iss: bob.did,
      sub: alice.did,
      aud: RELAY.did,
      cmd: "/mail/send",
      args,
      delegations: [root],
      htm: "POST",
      htu: HTU,
      iat: T0,
      ...extra,
    },
    { signer },
  );

function codeOf(run: () => unknown): string {
  try {
    run();
    return "none";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe("verifyChain", () => {
  it("answers who may do what on whose behalf", () => {
    const result = verifyChain({
      delegations: [root],
      invocation: invoke(),
      now: T0,
      audience: RELAY.did,
      invocationKey: (actor, kid) =>
        actor === bob.did && kid === bobSession.kid ? bobSession.signer.publicKey : undefined,
      request: { method: "POST", url: HTU },
    });
    expect(result).toMatchObject({
      principal: alice.did,
      actor: bob.did,
      command: "/mail/send",
      depth: 1,
      minLevel: 0,
      approvals: [],
      args,
      invocationKid: bobSession.kid,
      expiresAt: T0 + 600,
    });
  });

  it("accepts the tokens alias for delegations", () => {
    const result = verifyChain({
      tokens: [root],
      invocation: invoke(bob.signer),
      now: T0,
      audience: RELAY.did,
    });
    expect(result.actor).toBe(bob.did);
  });

  it("refuses an unknown session key with ERR_KEY_UNKNOWN", () => {
    const run = () =>
      verifyChain({
        delegations: [root],
        invocation: invoke(),
        now: T0,
        audience: RELAY.did,
        invocationKey: () => undefined,
      });
    expect(codeOf(run)).toBe("ERR_KEY_UNKNOWN");
  });

  it("requires an audience unless the insecure option says otherwise", () => {
    const options = { delegations: [root], invocation: invoke(bob.signer), now: T0 };
    expect(codeOf(() => verifyChain(options))).toBe("ERR_MALFORMED");
    expect(verifyChain({ ...options, insecureSkipAudienceCheck: true }).audience).toBe(RELAY.did);
  });

  it("refuses a time that is not Unix seconds", () => {
    const run = () =>
      verifyChain({
        delegations: [root],
        invocation: invoke(),
        now: Number.NaN,
        audience: RELAY.did,
      });
    expect(codeOf(run)).toBe("ERR_MALFORMED");
  });

  it("resolves each delegation's key at the time the verifier first saw it", () => {
    const seen: number[] = [];
    verifyDelegations({
      delegations: [root],
      now: T0,
      firstSeen: () => T0 - 500,
      resolveKey: (_did, atTime) => {
        seen.push(atTime);
        return alice.signer.publicKey;
      },
    });
    expect(seen).toEqual([T0 - 500]);
  });

  it("passes the first-seen time to the revocation check", () => {
    const run = () =>
      verifyChain({
        delegations: [root],
        invocation: invoke(bob.signer),
        now: T0,
        audience: RELAY.did,
        firstSeen: () => T0 - 100,
        isRevoked: (q) => q.role === "delegation" && q.seenAt < T0 - 50 && "epoch",
      });
    expect(codeOf(run)).toBe("ERR_REVOKED_EPOCH");
  });

  it("fails closed on an unexpected revocation answer", () => {
    const isRevoked = () => "something" as "token";
    const run = () =>
      verifyChain({
        delegations: [root],
        invocation: invoke(bob.signer),
        now: T0,
        audience: RELAY.did,
        isRevoked,
      });
    expect(codeOf(run)).toBe("ERR_REVOKED_TOKEN");
  });

  it("refuses a non-array chain and a non-string token without crashing", () => {
    const bad = (delegations: unknown) => () =>
      verifyChain({
        delegations: delegations as string[],
        invocation: invoke(),
        now: T0,
        audience: RELAY.did,
      });
    expect(codeOf(bad("x"))).toBe("ERR_JWS_MALFORMED");
    expect(codeOf(bad([42]))).toBe("ERR_JWS_MALFORMED");
    const run = () =>
      verifyChain({
        delegations: [root],
        invocation: 7 as unknown as string,
        now: T0,
        audience: RELAY.did,
      });
    expect(codeOf(run)).toBe("ERR_JWS_MALFORMED");
  });

  it("refuses to sign what a verifier would refuse", () => {
    expect(codeOf(() => invoke(bob.signer, { args: { n: Number.POSITIVE_INFINITY } }))).toBe(
      "ERR_NUMBER_UNSAFE",
    );
    expect(codeOf(() => invoke(bob.signer, { args: { n: 2 ** 60 } }))).toBe("ERR_NUMBER_UNSAFE");
    expect(codeOf(() => invoke(bob.signer, { htm: "post" }))).toBe("ERR_TOKEN_CLAIM_INVALID");
    const badRoot = () =>
      signDelegation({ aud: bob.did, cmd: "/Mail", exp: T0 }, { signer: alice.signer });
    expect(codeOf(badRoot)).toBe("ERR_CMD_MALFORMED");
  });
});
