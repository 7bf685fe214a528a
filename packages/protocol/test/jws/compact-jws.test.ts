import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DELEGATION_TYP,
  isProtocolError,
  parseCompactJws,
  signCompactJws,
  tokenHash,
  verifyJwsSignature,
} from "../../src/index.ts";
import { testAgent } from "../support/agents.ts";

const alice = testAgent("alice");
const options = { typ: DELEGATION_TYP, maxBytes: 8192 } as const;

function codeOf(run: () => unknown): string {
  try {
    run();
    return "none";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe("compact JWS", () => {
  it("signs with alg EdDSA, the typ and the signer's thumbprint as kid", () => {
    const token = signCompactJws(DELEGATION_TYP, { a: 1 }, alice.signer);
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toEqual({ alg: "EdDSA", typ: DELEGATION_TYP, kid: alice.kid });
    const jws = parseCompactJws(token, options);
    expect(jws.payload).toEqual({ a: 1 });
    expect(jws.kid).toBe(alice.kid);
    expect(() => verifyJwsSignature(jws, alice.signer.publicKey)).not.toThrow();
  });

  it("refuses the key of another signer with ERR_JWS_KID_MISMATCH", () => {
    const jws = parseCompactJws(signCompactJws(DELEGATION_TYP, {}, alice.signer), options);
    const run = () => verifyJwsSignature(jws, testAgent("bob").signer.publicKey);
    expect(codeOf(run)).toBe("ERR_JWS_KID_MISMATCH");
  });

  it("counts the size limit in bytes, not characters", () => {
    const token = signCompactJws(DELEGATION_TYP, {}, alice.signer);
    const padded = `${token}${"é".repeat(10)}`;
    expect(codeOf(() => parseCompactJws(padded, { ...options, maxBytes: token.length + 15 }))).toBe(
      "ERR_TOKEN_TOO_LARGE",
    );
  });

  it("reports the same code for the same bad header every time", () => {
    const bad = `${Buffer.from('{"alg":"none"}').toString("base64url")}.e30.`;
    expect(codeOf(() => parseCompactJws(bad, options))).toBe("ERR_JWS_ALG_UNSUPPORTED");
    expect(codeOf(() => parseCompactJws(bad, options))).toBe("ERR_JWS_ALG_UNSUPPORTED");
  });

  it("refuses input that is not a string", () => {
    expect(codeOf(() => parseCompactJws({}, options))).toBe("ERR_JWS_MALFORMED");
  });
});

describe("tokenHash", () => {
  it("is SHA-256 of the exact bytes, base64url without padding", () => {
    const expected = createHash("sha256").update("a.b.c").digest("base64url");
    expect(tokenHash("a.b.c")).toBe(expected);
    expect(tokenHash("a.b.c")).toHaveLength(43);
    expect(tokenHash("a.b.c ")).not.toBe(expected);
  });
});
