import { createHash } from "node:crypto";
import { encodeBase64url } from "../encoding/base64url.ts";
import { isProtocolError, ProtocolError } from "../errors/protocol-error.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import { parseStrictJsonBytes } from "../json/strict-json.ts";
import { publicKeyFromJwk, publicKeyToJwk } from "../jwk/jwk.ts";
import { decodeSegment } from "../jws/segment.ts";
import { randomJti } from "../jws/sign-options.ts";
import { cachedThumbprint } from "../jws/verify-jws-signature.ts";
import { type Ed25519Signer, verifySignature } from "../keys/ed25519.ts";

/** `typ` of a DPoP proof (RFC 9449 section 4.2). */
export const DPOP_TYP = "dpop+jwt";
/** Largest proof accepted, in bytes. */
export const MAX_DPOP_PROOF_BYTES = 8192;

/** What a verified proof tells its verifier; replay of `jti` is the verifier's to check. */
export interface VerifiedDpopProof {
  /** RFC 7638 thumbprint of the proof's key: compare with the token's `cnf.jkt`. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  /** The server-provided nonce the proof carries (RFC 9449 section 8), if any. */
  readonly nonce?: string;
}

/** Inputs of {@link signDpopProof}. */
export interface DpopProofInput {
  /** HTTP method of the request. */
  htm: string;
  /** The request URI without query and fragment. */
  htu: string;
  /** The token the request presents; its hash becomes `ath`. */
  accessToken: string;
  iat?: number;
  jti?: string;
  /** The verifier's latest `DPoP-Nonce` (RFC 9449 section 8); omitted when none is known. */
  nonce?: string;
}

/** What the verifier expects of a proof (docs/spec/sessions.md 4.1). */
export interface VerifyDpopOptions {
  method: string;
  /** The request URI the verifier serves, without query and fragment. */
  url: string;
  /** The token presented with the proof. */
  accessToken: string;
  /** The token's `cnf.jkt`. */
  expectedThumbprint: string;
  now: number;
}

const HEADER_MEMBERS = ["typ", "alg", "jwk"];
const CLAIM_MEMBERS = ["jti", "htm", "htu", "iat", "ath"];
/** RFC 9449 section 8.1: a nonce is 1 or more NQCHAR (printable ASCII but `"` and `\`). */
const NONCE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

/**
 * `ath` of RFC 9449 section 4.2: SHA-256 of the token's ASCII bytes, base64url.
 *
 * @example
 * accessTokenHash(sessionToken); // "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
 */
export function accessTokenHash(token: string): string {
  return createHash("sha256").update(token, "ascii").digest("base64url");
}

/**
 * Signs a DPoP proof (RFC 9449 section 4.2) with a session key.
 *
 * @example
 * const proof = signDpopProof({ htm: "GET", htu, accessToken: session }, { signer: sessionKey });
 */
export function signDpopProof(
  input: DpopProofInput,
  options: { signer: Ed25519Signer; now?: number },
): string {
  const { kty, crv, x } = publicKeyToJwk(options.signer.publicKey);
  const header = { typ: DPOP_TYP, alg: "EdDSA", jwk: { kty, crv, x } };
  const claims = {
    jti: input.jti ?? randomJti(),
    htm: input.htm,
    htu: input.htu,
    iat: input.iat ?? options.now ?? Math.floor(Date.now() / 1000),
    ath: accessTokenHash(input.accessToken),
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
  };
  const encode = (value: object) => encodeBase64url(Buffer.from(JSON.stringify(value)));
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${encodeBase64url(options.signer.sign(Buffer.from(signingInput, "ascii")))}`;
}

/**
 * Verifies a DPoP proof in the order of docs/spec/sessions.md 4.1, checks 4 to 10, and returns
 * its optional `nonce` for the verifier to check (check 11). Throws
 * ERR_DPOP_INVALID, ERR_DPOP_KEY_MISMATCH, ERR_DPOP_METHOD_MISMATCH, ERR_DPOP_URL_MISMATCH,
 * ERR_DPOP_CLOCK_SKEW or ERR_DPOP_TOKEN_MISMATCH. Replay of `jti` is left to the caller, which
 * holds the state.
 *
 * @example
 * const { jti } = verifyDpopProof(proof, { method: "GET", url, accessToken, expectedThumbprint, now });
 */
export function verifyDpopProof(proof: unknown, options: VerifyDpopOptions): VerifiedDpopProof {
  const { key, claims, signingInput, signature } = parseDpopProof(proof);
  if (!verifySignature(signature, signingInput, key)) invalidProof("signature invalid");

  const jkt = cachedThumbprint(key);
  if (jkt !== options.expectedThumbprint) {
    throw new ProtocolError("ERR_DPOP_KEY_MISMATCH", "dpop.jwk: not the token's cnf.jkt");
  }
  if (claims.htm !== options.method) {
    throw new ProtocolError("ERR_DPOP_METHOD_MISMATCH", `dpop.htm: expected ${options.method}`);
  }
  if (claims.htu !== options.url) {
    throw new ProtocolError("ERR_DPOP_URL_MISMATCH", "dpop.htu: not this request's URI");
  }
  if (Math.abs(options.now - claims.iat) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ProtocolError(
      "ERR_DPOP_CLOCK_SKEW",
      `dpop.iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`,
    );
  }
  if (claims.ath !== accessTokenHash(options.accessToken)) {
    throw new ProtocolError("ERR_DPOP_TOKEN_MISMATCH", "dpop.ath: not the presented token's hash");
  }
  return {
    jkt,
    jti: claims.jti,
    iat: claims.iat,
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
  };
}

interface DpopClaims {
  jti: string;
  htm: string;
  htu: string;
  iat: number;
  ath: string;
  nonce?: string;
}

function parseDpopProof(proof: unknown) {
  if (typeof proof !== "string" || proof.length > MAX_DPOP_PROOF_BYTES) {
    invalidProof(`expected a compact JWS of at most ${MAX_DPOP_PROOF_BYTES} bytes`);
  }
  const parts = proof.split(".");
  if (parts.length !== 3) invalidProof("expected header.payload.signature");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart, "header", HEADER_MEMBERS);
  if (header.typ !== DPOP_TYP) invalidProof(`header.typ: expected ${DPOP_TYP}`);
  // RFC 9864 names the same algorithm "Ed25519"; independent clients (oauth4webapi) send it.
  if (header.alg !== "EdDSA" && header.alg !== "Ed25519") {
    invalidProof("header.alg: expected EdDSA or Ed25519");
  }
  const key = decodeKey(header.jwk);
  const claims = readClaims(
    decodeJsonObject(payloadPart, "payload", CLAIM_MEMBERS, { optional: ["nonce"] }),
  );
  const signature = rethrowAsInvalid(() => decodeSegment(signaturePart, "signature"));
  return {
    key,
    claims,
    signingInput: Buffer.from(`${headerPart}.${payloadPart}`, "ascii"),
    signature,
  };
}

function readClaims(payload: Record<string, unknown>): DpopClaims {
  const { jti, htm, htu, iat, ath, nonce } = payload;
  if (typeof jti !== "string" || jti.length < 1 || jti.length > 64)
    invalidProof("jti: 1 to 64 characters");
  if (typeof htm !== "string" || !/^[A-Z]{1,16}$/.test(htm)) invalidProof("htm: an HTTP method");
  if (typeof htu !== "string" || htu.length < 1 || htu.length > 2048) invalidProof("htu: a URI");
  if (!Number.isSafeInteger(iat) || (iat as number) < 0) invalidProof("iat: an integer time");
  if (typeof ath !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(ath))
    invalidProof("ath: a SHA-256 hash");
  if (nonce === undefined) return { jti, htm, htu, iat: iat as number, ath };
  if (typeof nonce !== "string" || !NONCE_PATTERN.test(nonce))
    invalidProof("nonce: 1 to 256 printable ASCII characters");
  return { jti, htm, htu, iat: iat as number, ath, nonce };
}

function decodeJsonObject(
  part: string,
  field: string,
  members: readonly string[],
  { optional = [] as readonly string[] } = {},
) {
  const value = rethrowAsInvalid(() => parseStrictJsonBytes(decodeSegment(part, field), { field }));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    invalidProof(`${field}: expected a JSON object`);
  }
  const names = Object.keys(value);
  const required = names.filter((name) => members.includes(name)).length === members.length;
  const known = names.every((name) => members.includes(name) || optional.includes(name));
  if (!required || !known) {
    const extra = optional.length === 0 ? "" : ` (and optionally ${optional.join(", ")})`;
    invalidProof(`${field}: expected exactly ${members.join(", ")}${extra}`);
  }
  return value as Record<string, unknown>;
}

function decodeKey(jwk: unknown): Uint8Array {
  return rethrowAsInvalid(() => publicKeyFromJwk(jwk));
}

// Every parse failure of a proof is one code, so a client learns one thing: the proof is bad.
function rethrowAsInvalid<T>(operation: () => T): T {
  try {
    return operation();
  } catch (cause) {
    if (isProtocolError(cause))
      throw new ProtocolError("ERR_DPOP_INVALID", `dpop: ${cause.message}`, { cause });
    throw cause;
  }
}

function invalidProof(message: string): never {
  throw new ProtocolError("ERR_DPOP_INVALID", `dpop: ${message}`);
}
