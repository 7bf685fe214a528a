import {
  createSigner,
  didFromPublicKey,
  encodeBase64url,
  jwkThumbprint,
  signCompactJws,
} from "@ants/protocol";
import { describe, expect, it } from "vitest";
import {
  parseLoginStatement,
  signLoginStatement,
  verifyLoginStatement,
} from "../../src/session/login-statement.ts";

const NOW = 1_767_225_600;
const agent = createSigner(new Uint8Array(32).fill(1));
const session = createSigner(new Uint8Array(32).fill(2));
const relay = didFromPublicKey(createSigner(new Uint8Array(32).fill(3)).publicKey);
const ORIGIN = "https://relay.example.com";
const input = {
  aud: relay,
  origin: ORIGIN,
  nonce: "n".repeat(43),
  sessionKey: session.publicKey,
  instance: "worker-1",
  iat: NOW,
  jti: "j",
};
const expected = { agentKey: agent.publicKey, relay, origin: ORIGIN, now: NOW };

function claims(overrides: Record<string, unknown> = {}) {
  return {
    iss: didFromPublicKey(agent.publicKey),
    aud: relay,
    origin: ORIGIN,
    nonce: "n".repeat(43),
    cnf: { jwk: { kty: "OKP", crv: "Ed25519", x: encodeBase64url(session.publicKey) } },
    instance: "worker-1",
    iat: NOW,
    jti: "j",
    ...overrides,
  };
}

describe("login statements", () => {
  it("round-trips and yields the session key and its thumbprint", () => {
    const token = signLoginStatement(input, { signer: agent });
    const verified = verifyLoginStatement(parseLoginStatement(token), expected);
    expect(verified.iss).toBe(didFromPublicKey(agent.publicKey));
    expect(verified.sessionKey).toEqual(session.publicKey);
    expect(verified.sessionKeyThumbprint).toBe(jwkThumbprint(session.publicKey));
    expect(verified.instance).toBe("worker-1");
  });

  it.each([
    ["another relay", { relay: didFromPublicKey(session.publicKey) }, "ERR_LOGIN_INVALID"],
    ["another origin", { origin: "https://evil.example.com" }, "ERR_LOGIN_INVALID"],
    ["a stale iat", { now: NOW + 61 }, "ERR_LOGIN_INVALID"],
    ["another agent key", { agentKey: session.publicKey }, "ERR_JWS_KID_MISMATCH"],
  ])("refuses a login for %s", (_name, overrides, code) => {
    const parsed = parseLoginStatement(signLoginStatement(input, { signer: agent }));
    expect(() => verifyLoginStatement(parsed, { ...expected, ...overrides })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it("refuses a tampered signature with ERR_SIGNATURE_INVALID", () => {
    const token = signLoginStatement(input, { signer: agent });
    const tampered = `${token.slice(0, -6)}AAAAAA`;
    expect(() => verifyLoginStatement(parseLoginStatement(tampered), expected)).toThrow(
      expect.objectContaining({ code: "ERR_SIGNATURE_INVALID" }),
    );
  });

  it.each([
    ["an unknown claim", { role: "admin" }, "ERR_TOKEN_CLAIM_INVALID"],
    ["a missing nonce", { nonce: undefined }, "ERR_TOKEN_CLAIM_INVALID"],
    ["an instance with a slash", { instance: "a/b" }, "ERR_TOKEN_CLAIM_INVALID"],
    ["a 65-character instance", { instance: "i".repeat(65) }, "ERR_TOKEN_CLAIM_INVALID"],
    [
      "cnf with extra members",
      { cnf: { jwk: claims().cnf.jwk, jkt: "x" } },
      "ERR_TOKEN_CLAIM_INVALID",
    ],
    [
      "cnf.jwk with a private key",
      { cnf: { jwk: { ...claims().cnf.jwk, d: "AA" } } },
      "ERR_JWK_INVALID",
    ],
    [
      "a small-order session key",
      { cnf: { jwk: { kty: "OKP", crv: "Ed25519", x: encodeBase64url(new Uint8Array(32)) } } },
      "ERR_KEY_SMALL_ORDER",
    ],
    ["an origin that is not a string", { origin: 7 }, "ERR_TOKEN_CLAIM_INVALID"],
  ])("refuses %s", (_name, overrides, code) => {
    const token = signCompactJws("ants-login+jwt", claims(overrides), agent);
    expect(() => parseLoginStatement(token)).toThrow(expect.objectContaining({ code }));
  });

  it("refuses an invocation presented as a login with ERR_JWS_TYP_MISMATCH", () => {
    const token = signCompactJws("ants-inv+jwt", claims(), agent);
    expect(() => parseLoginStatement(token)).toThrow(
      expect.objectContaining({ code: "ERR_JWS_TYP_MISMATCH" }),
    );
  });
});
