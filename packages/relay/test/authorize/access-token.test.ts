import { createSigner, didFromPublicKey, jwkThumbprint, publicKeyToJwk } from "@ants/protocol";
import { importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { signAccessToken } from "../../src/authorize/access-token.ts";
import { checkResource } from "../../src/authorize/authorize-request.ts";
import { isRelayError } from "../../src/errors/relay-error.ts";
import type { RelayIdentity } from "../../src/identity/relay-identity.ts";

const signer = createSigner(new Uint8Array(32).fill(9));
const identity: RelayIdentity = {
  did: didFromPublicKey(signer.publicKey),
  signer,
  jwk: publicKeyToJwk(signer.publicKey),
};
const NOW = 1_767_225_600;
const input = {
  issuer: "https://relay.test",
  resource: "https://social.example",
  principal: "did:key:z6MkPrincipal",
  actor: "did:key:z6MkStuart",
  instructors: ["did:key:z6MkKevin"],
  command: "/social/post",
  argsHash: "A".repeat(43),
  invocationHash: "B".repeat(43),
  jkt: "C".repeat(43),
  auditIndex: 7,
  now: NOW,
  notAfter: NOW + 3600,
};

function codeOf(run: () => unknown): string {
  try {
    run();
    return "none";
  } catch (error) {
    if (isRelayError(error)) return error.code;
    throw error;
  }
}

describe("signAccessToken", () => {
  it("signs an at+jwt a standard JWT library verifies against the relay's key", async () => {
    const { token, expiresAt } = signAccessToken(identity, input);
    const key = await importJWK({ ...identity.jwk }, "EdDSA");
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      typ: "at+jwt",
      audience: input.resource,
      issuer: input.issuer,
      currentDate: new Date(NOW * 1000),
    });
    expect(protectedHeader).toEqual({
      alg: "EdDSA",
      typ: "at+jwt",
      kid: jwkThumbprint(signer.publicKey),
    });
    expect(payload).toMatchObject({
      sub: input.principal,
      act: { sub: input.actor, act: { sub: "did:key:z6MkKevin" } },
      cmd: input.command,
      args_hash: input.argsHash,
      cnf: { jkt: input.jkt },
      audit_index: 7,
      exp: NOW + 300,
    });
    expect(expiresAt).toBe(NOW + 300);
  });

  it("never outlives the chain it rests on", () => {
    expect(signAccessToken(identity, { ...input, notAfter: NOW + 10 }).expiresAt).toBe(NOW + 10);
  });
});

describe("checkResource", () => {
  const relay = { publicUrl: "https://relay.test", did: identity.did };

  it("accepts an absolute http(s) URI of another origin", () => {
    expect(codeOf(() => checkResource("https://social.example/api", relay))).toBe("none");
  });

  it("refuses a resource that is not printable ASCII with ERR_RESOURCE_INVALID", () => {
    for (const resource of ["https://social.example/\ud800", "https://sé.example", "https://a b"]) {
      expect(codeOf(() => checkResource(resource, relay))).toBe("ERR_RESOURCE_INVALID");
    }
  });

  it("refuses the relay itself with ERR_RESOURCE_IS_RELAY", () => {
    expect(codeOf(() => checkResource("https://relay.test/v1/x", relay))).toBe(
      "ERR_RESOURCE_IS_RELAY",
    );
    expect(codeOf(() => checkResource(identity.did, relay))).toBe("ERR_RESOURCE_IS_RELAY");
  });
});
