import { describe, expect, it } from "vitest";
import {
  buildDecisionEntry,
  isProtocolError,
  parseInvocation,
  redactInvocation,
  signDelegation,
  signInvocation,
  tokenHash,
  verifyChain,
} from "../../src/index.ts";
import type { JsonValue } from "../../src/json/strict-json.ts";
import { HTU, RELAY, T0, testAgent } from "../support/agents.ts";

const alice = testAgent("alice");
const bob = testAgent("bob");
const root = signDelegation(
  { aud: bob.did, cmd: "/mail", exp: T0 + 600 },
  { signer: alice.signer },
);
const invoke = (args: { readonly [name: string]: JsonValue }) =>
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
    },
    { signer: bob.signer },
  );
const options = (invocation: string) => ({
  delegations: [root],
  invocation,
  now: T0,
  audience: RELAY.did,
  request: { method: "POST", url: HTU },
});

function codeOf(run: () => unknown): string {
  try {
    run();
    return "none";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe("parseInvocation", () => {
  it("reads the claims and the header's kid without verifying", () => {
    const parsed = parseInvocation(invoke({ to: "carol@example.com" }));
    expect(parsed.claims).toMatchObject({ iss: bob.did, cmd: "/mail/send" });
    expect(parsed.jws.kid).toBe(bob.kid);
  });

  it("refuses a token of another type with ERR_JWS_TYP_MISMATCH", () => {
    expect(codeOf(() => parseInvocation(root))).toBe("ERR_JWS_TYP_MISMATCH");
  });
});

describe("verifyChain with a parsed invocation", () => {
  it("answers exactly as it does when it parses the invocation itself", () => {
    const invocation = invoke({ to: "carol@example.com" });
    const reused = verifyChain({
      ...options(invocation),
      parsedInvocation: parseInvocation(invocation),
    });
    expect(reused).toEqual(verifyChain(options(invocation)));
  });

  it("ignores a parse of other bytes and checks the invocation sent", () => {
    const genuine = invoke({ to: "carol@example.com" });
    const [header, payload] = genuine.split(".");
    const forged = `${header}.${payload}.${"A".repeat(86)}`;
    const run = () =>
      verifyChain({ ...options(forged), parsedInvocation: parseInvocation(genuine) });
    expect(codeOf(run)).toBe("ERR_SIGNATURE_INVALID");
  });
});

describe("redactInvocation with known parts", () => {
  it("writes the same entry as decoding the invocation again", () => {
    const invocation = invoke({ to: "carol@example.com", n: 3, list: ["a", { b: null }] });
    const known = { payload: parseInvocation(invocation).jws.payload, hash: tokenHash(invocation) };
    expect(redactInvocation(invocation, known)).toEqual(redactInvocation(invocation));
    const input = {
      time: T0,
      relay: RELAY.did,
      actor: bob.did,
      cmd: "/mail/send",
      principal: alice.did,
      chain: [tokenHash(root)],
      decision: "allow" as const,
      invocation,
    };
    expect(buildDecisionEntry({ ...input, invocationParts: known })).toEqual(
      buildDecisionEntry(input),
    );
  });

  it("still refuses a malformed invocation with ERR_JWS_MALFORMED", () => {
    const known = { payload: {}, hash: tokenHash("a.b") };
    expect(codeOf(() => redactInvocation("a.b", known))).toBe("ERR_JWS_MALFORMED");
  });
});
