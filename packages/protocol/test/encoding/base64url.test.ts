import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64url, encodeBase64url, isProtocolError } from "../../src/index.ts";

function codeOf(operation: () => unknown): string | undefined {
  try {
    operation();
  } catch (error) {
    return isProtocolError(error) ? error.code : "not a ProtocolError";
  }
  return undefined;
}

describe("base64url", () => {
  it("encodes without padding (RFC 4648 section 5)", () => {
    expect(encodeBase64url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
    expect(encodeBase64url(new Uint8Array(0))).toBe("");
  });

  it("decodes what it encodes, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase64url(encodeBase64url(bytes))).toEqual(bytes);
      }),
    );
  });

  it.each([
    ["padding", "AQI="],
    ["standard alphabet +", "+_8"],
    ["standard alphabet /", "-/8"],
    ["whitespace", "AQ ID"],
    ["a newline", "AQID\n"],
    ["one leftover character", "AQIDB"],
    ["stray bits after the last byte (AQ and AR both look like 0x01)", "AR"],
    ["stray bits after two bytes", "AQJ"],
    ["non-ASCII letters", "AQÍD"],
  ])("refuses %s with ERR_BASE64URL_INVALID", (_label, text) => {
    expect(codeOf(() => decodeBase64url(text, "sig"))).toBe("ERR_BASE64URL_INVALID");
  });

  it("refuses a value that is not a string with ERR_BASE64URL_INVALID", () => {
    expect(codeOf(() => decodeBase64url(null as unknown as string))).toBe("ERR_BASE64URL_INVALID");
  });

  it("names the field in the message", () => {
    expect(() => decodeBase64url("AQI=", "jwk.x")).toThrow(/^jwk\.x: /);
  });

  it("accepts a string only when it is the one canonical spelling of its bytes", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,12}$/), (text) => {
        const code = codeOf(() => decodeBase64url(text));
        if (code === undefined) expect(encodeBase64url(decodeBase64url(text))).toBe(text);
        else expect(code).toBe("ERR_BASE64URL_INVALID");
      }),
    );
  });
});
