import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertValidPublicKey,
  createSigner,
  generateKeyPair,
  isProtocolError,
  verifySignature,
} from "../../src/index.ts";
import mustFail from "../vectors/ed25519-must-fail.json" with { type: "json" };
import rfc8032 from "../vectors/rfc8032-ed25519.json" with { type: "json" };
import wycheproof from "../vectors/wycheproof-ed25519.json" with { type: "json" };

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
/** RFC 8032 5.1: the order L of the prime-order subgroup. */
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

describe("RFC 8032 section 7.1 vectors", () => {
  it.each(rfc8032.cases)("$description: derives, signs and verifies", (vector) => {
    const signer = createSigner(hex(vector.seed));
    expect(toHex(signer.publicKey)).toBe(vector.publicKey);
    expect(toHex(signer.sign(hex(vector.message)))).toBe(vector.signature);
    expect(verifySignature(hex(vector.signature), hex(vector.message), hex(vector.publicKey))).toBe(
      vector.valid,
    );
  });
});

describe("Wycheproof EdDSA vectors", () => {
  const publicKey = hex(wycheproof.publicKey);
  it.each(wycheproof.cases)("tcId $tcId ($description)", (vector) => {
    expect(verifySignature(hex(vector.signature), hex(vector.message), publicKey)).toBe(
      vector.valid,
    );
  });
});

describe("must-fail public keys", () => {
  it.each(mustFail.keys)("refuses $description with $error", (vector) => {
    const publicKey = hex(vector.publicKey);
    let caught: unknown;
    try {
      assertValidPublicKey(publicKey);
    } catch (error) {
      caught = error;
    }
    expect(isProtocolError(caught) && caught.code).toBe(vector.error);
    // A key that cannot be imported never verifies anything either.
    expect(verifySignature(new Uint8Array(64), new Uint8Array(0), publicKey)).toBe(false);
  });
});

describe("must-fail signatures", () => {
  it.each(mustFail.signatures)("returns false for $description", (vector) => {
    expect(verifySignature(hex(vector.signature), hex(vector.message), hex(vector.publicKey))).toBe(
      vector.valid,
    );
  });

  it("builds the S + L case from RFC 8032 TEST 1 by adding L to S and nothing else", () => {
    const [malleated] = mustFail.signatures;
    const [original] = rfc8032.cases;
    const scalar = (signature: string) => BigInt(`0x${toHex(hex(signature.slice(64)).reverse())}`);
    expect(malleated!.signature.slice(0, 64)).toBe(original!.signature.slice(0, 64));
    expect(scalar(malleated!.signature) - scalar(original!.signature)).toBe(GROUP_ORDER);
  });
});

describe("sign and verify", () => {
  it("round-trips for any seed and message", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 256 }),
        (seed, message) => {
          const signer = createSigner(seed);
          const signature = signer.sign(message);
          expect(verifySignature(signature, message, signer.publicKey)).toBe(true);
          // node:crypto and the pure-JS implementation agree (DESIGN.md section 3).
          expect(ed25519.verify(signature, message, signer.publicKey, { zip215: false })).toBe(
            true,
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects any single flipped bit in the signature or the message", () => {
    const { seed } = generateKeyPair();
    const signer = createSigner(seed);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (message, position) => {
        const signature = signer.sign(message);
        const badSignature = signature.slice();
        badSignature[position % 64]! ^= 1 << (position % 8);
        expect(verifySignature(badSignature, message, signer.publicKey)).toBe(false);
        const badMessage = message.slice();
        badMessage[position % message.length]! ^= 1;
        expect(verifySignature(signature, badMessage, signer.publicKey)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses a seed that is not 32 bytes with ERR_KEY_INVALID", () => {
    expect(() => createSigner(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: "ERR_KEY_INVALID" }),
    );
  });

  it("returns false, never throws, for inputs of the wrong type", () => {
    const bogus = "not bytes" as unknown as Uint8Array;
    expect(verifySignature(bogus, new Uint8Array(0), new Uint8Array(32))).toBe(false);
    expect(verifySignature(new Uint8Array(64), new Uint8Array(0), bogus)).toBe(false);
  });
});
