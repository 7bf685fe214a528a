import { createSigner, didFromPublicKey, signCompactJws } from "@ants/protocol";
import { describe, expect, it } from "vitest";
import { signRegistration, verifyRegistration } from "../../src/session/registration-statement.ts";

const NOW = 1_767_225_600;
const agent = createSigner(new Uint8Array(32).fill(4));
const other = createSigner(new Uint8Array(32).fill(5));
const relay = didFromPublicKey(createSigner(new Uint8Array(32).fill(6)).publicKey);
const agentDid = didFromPublicKey(agent.publicKey);

function claims(overrides: Record<string, unknown> = {}) {
  return { iss: agentDid, aud: relay, iat: NOW, jti: "j", instances: 2, ...overrides };
}

describe("registration statements", () => {
  it("round-trips with an owner and opaque recovery material", () => {
    const owner = didFromPublicKey(other.publicKey);
    const token = signRegistration(
      { aud: relay, instances: 3, owner, recovery: { keys: ["a", "b"] }, iat: NOW },
      { signer: agent },
    );
    const verified = verifyRegistration(token, { relay, now: NOW });
    expect(verified).toMatchObject({
      iss: agentDid,
      instances: 3,
      owner,
      recovery: { keys: ["a", "b"] },
    });
    expect(verified.publicKey).toEqual(agent.publicKey);
  });

  it.each([
    ["another relay's audience", claims({ aud: agentDid }), "ERR_REGISTRATION_INVALID"],
    ["a stale iat", claims({ iat: NOW - 61 }), "ERR_REGISTRATION_INVALID"],
    ["zero instances", claims({ instances: 0 }), "ERR_TOKEN_CLAIM_INVALID"],
    ["too many instances", claims({ instances: 1025 }), "ERR_TOKEN_CLAIM_INVALID"],
    ["a fractional instance count", claims({ instances: 1.5 }), "ERR_TOKEN_CLAIM_INVALID"],
    ["an owner that is not a DID", claims({ owner: "alice" }), "ERR_TOKEN_CLAIM_INVALID"],
    ["recovery that is an array", claims({ recovery: [1] }), "ERR_TOKEN_CLAIM_INVALID"],
    [
      "oversized recovery",
      claims({ recovery: { x: "y".repeat(5000) } }),
      "ERR_TOKEN_CLAIM_INVALID",
    ],
    ["an unknown claim", claims({ level: 4 }), "ERR_TOKEN_CLAIM_INVALID"],
    [
      "an issuer that is not a did:key",
      claims({ iss: "did:web:example.com" }),
      "ERR_TOKEN_CLAIM_INVALID",
    ],
  ])("refuses %s", (_name, payload, code) => {
    const token = signCompactJws("ants-reg+jwt", payload, agent);
    expect(() => verifyRegistration(token, { relay, now: NOW })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it("refuses a statement signed by a key other than the one iss names", () => {
    const token = signCompactJws("ants-reg+jwt", claims(), other);
    expect(() => verifyRegistration(token, { relay, now: NOW })).toThrow(
      expect.objectContaining({ code: "ERR_JWS_KID_MISMATCH" }),
    );
  });

  it("refuses a forged signature with ERR_SIGNATURE_INVALID", () => {
    const token = signCompactJws("ants-reg+jwt", claims(), agent);
    const forged = `${token.slice(0, token.lastIndexOf(".") + 1)}${"A".repeat(86)}`;
    expect(() => verifyRegistration(forged, { relay, now: NOW })).toThrow(
      expect.objectContaining({ code: "ERR_SIGNATURE_INVALID" }),
    );
  });
});
