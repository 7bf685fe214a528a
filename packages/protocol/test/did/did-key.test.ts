import { base58 } from "@scure/base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createSigner,
  didFromPublicKey,
  isProtocolError,
  publicKeyFromDid,
} from "../../src/index.ts";
import mustFail from "../vectors/did-key-must-fail.json" with { type: "json" };
import w3c from "../vectors/w3c-did-key-ed25519.json" with { type: "json" };

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

function codeOf(operation: () => unknown): string | undefined {
  try {
    operation();
  } catch (error) {
    return isProtocolError(error) ? error.code : `not a ProtocolError: ${String(error)}`;
  }
  return undefined;
}

describe("W3C did:key Ed25519 vectors", () => {
  it.each(w3c.cases)("$description encodes to $did and back", (vector) => {
    const { publicKey } = createSigner(hex(vector.seed));
    expect(base58.encode(publicKey)).toBe(vector.publicKeyBase58);
    expect(didFromPublicKey(publicKey)).toBe(vector.did);
    expect(publicKeyFromDid(vector.did)).toEqual(publicKey);
  });
});

describe("did:key must-fail vectors", () => {
  it.each(mustFail.cases)("refuses $description with $error", (vector) => {
    expect(codeOf(() => publicKeyFromDid(vector.did))).toBe(vector.error);
  });

  it("refuses input that is not a string, or too long, with ERR_DID_INVALID", () => {
    expect(codeOf(() => publicKeyFromDid(42 as unknown as string))).toBe("ERR_DID_INVALID");
    expect(codeOf(() => publicKeyFromDid(`did:key:z${"1".repeat(500)}`))).toBe("ERR_DID_INVALID");
  });

  it("refuses to encode a key that is not 32 bytes with ERR_KEY_INVALID", () => {
    expect(codeOf(() => didFromPublicKey(new Uint8Array(31)))).toBe("ERR_KEY_INVALID");
  });
});

describe("did:key round trip", () => {
  it("decodes what it encodes, for every key derived from a seed", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const { publicKey } = createSigner(seed);
        const did = didFromPublicKey(publicKey);
        expect(did.startsWith("did:key:z6Mk")).toBe(true);
        expect(publicKeyFromDid(did)).toEqual(publicKey);
      }),
      { numRuns: 200 },
    );
  });

  it("never throws anything but a ProtocolError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (suffix) => {
        const code = codeOf(() => publicKeyFromDid(`did:key:z${suffix}`));
        expect(code === undefined || !code.startsWith("not a ProtocolError")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
