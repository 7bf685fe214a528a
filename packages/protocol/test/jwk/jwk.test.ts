import { describe, expect, it } from "vitest";
import {
  createSigner,
  isProtocolError,
  jwkThumbprint,
  publicKeyFromJwk,
  publicKeyToJwk,
} from "../../src/index.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
/** RFC 8037 appendix A.1/A.3: the RFC 8032 TEST 1 key and its RFC 7638 thumbprint. */
const RFC8037_PUBLIC_KEY = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

function codeOf(operation: () => unknown): string | undefined {
  try {
    operation();
  } catch (error) {
    return isProtocolError(error) ? error.code : "not a ProtocolError";
  }
  return undefined;
}

describe("JWK export", () => {
  it("matches RFC 8037 appendix A.3 (thumbprint) for the RFC 8032 TEST 1 key", () => {
    expect(jwkThumbprint(RFC8037_PUBLIC_KEY)).toBe(RFC8037_THUMBPRINT);
    expect(publicKeyToJwk(RFC8037_PUBLIC_KEY)).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x: RFC8037_X,
      kid: RFC8037_THUMBPRINT,
    });
  });

  it("imports what it exports", () => {
    const { publicKey } = createSigner(new Uint8Array(32).fill(9));
    expect(publicKeyFromJwk(publicKeyToJwk(publicKey))).toEqual(publicKey);
  });

  it("imports a JWK without kid", () => {
    expect(publicKeyFromJwk({ kty: "OKP", crv: "Ed25519", x: RFC8037_X })).toEqual(
      RFC8037_PUBLIC_KEY,
    );
  });
});

describe("JWK import refusals", () => {
  const base = { kty: "OKP", crv: "Ed25519", x: RFC8037_X };
  it.each([
    ["null", null, "ERR_JWK_INVALID"],
    ["an array", [base], "ERR_JWK_INVALID"],
    ["a string", "{}", "ERR_JWK_INVALID"],
    ["kty EC", { ...base, kty: "EC" }, "ERR_JWK_INVALID"],
    ["crv X25519", { ...base, crv: "X25519" }, "ERR_JWK_INVALID"],
    ["crv Ed448", { ...base, crv: "Ed448" }, "ERR_JWK_INVALID"],
    [
      "a private member d",
      { ...base, d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A" },
      "ERR_JWK_INVALID",
    ],
    ["x missing", { kty: "OKP", crv: "Ed25519" }, "ERR_JWK_INVALID"],
    ["x a number", { ...base, x: 7 }, "ERR_JWK_INVALID"],
    ["a kid that is not the thumbprint", { ...base, kid: "key-1" }, "ERR_JWK_INVALID"],
    ["x padded", { ...base, x: `${RFC8037_X}=` }, "ERR_BASE64URL_INVALID"],
    [
      "x in standard base64",
      { ...base, x: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo" },
      "ERR_BASE64URL_INVALID",
    ],
    [
      "x of 31 bytes",
      { ...base, x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUQ" },
      "ERR_KEY_INVALID",
    ],
    [
      "x a small-order point",
      { ...base, x: "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      "ERR_KEY_SMALL_ORDER",
    ],
  ])("refuses %s with %s", (_label, jwk, code) => {
    expect(codeOf(() => publicKeyFromJwk(jwk))).toBe(code);
  });

  it("refuses a non-canonical key (y = p) with ERR_KEY_NON_CANONICAL", () => {
    const yIsP = hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    const x = Buffer.from(yIsP).toString("base64url");
    expect(codeOf(() => publicKeyFromJwk({ kty: "OKP", crv: "Ed25519", x }))).toBe(
      "ERR_KEY_NON_CANONICAL",
    );
  });
});
