import { didFromPublicKey } from "../did/did-key.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import { publicKeyFromJwk, publicKeyToJwk } from "../jwk/jwk.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readDid,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";
import { type ParsedJws, parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { LOGIN_TYP, MAX_DELEGATION_BYTES } from "../jws/token-types.ts";
import { cachedThumbprint, verifyJwsSignature } from "../jws/verify-jws-signature.ts";

/** The claims of a login statement (docs/spec/sessions.md 3.2), with the session key decoded. */
export interface LoginClaims {
  readonly iss: string;
  readonly aud: string;
  readonly origin: string;
  readonly nonce: string;
  readonly instance: string;
  readonly iat: number;
  readonly jti: string;
  /** The session public key from `cnf.jwk`. */
  readonly sessionKey: Uint8Array;
  /** Its RFC 7638 thumbprint, the session token's `cnf.jkt`. */
  readonly sessionKeyThumbprint: string;
}

/** A login statement that parsed, before its signature is checked. */
export interface ParsedLogin {
  readonly jws: ParsedJws;
  readonly claims: LoginClaims;
}

/** Claims for {@link signLoginStatement}; `iss` defaults to the signer's did:key. */
export interface LoginInput {
  iss?: string;
  /** The relay's DID. */
  aud: string;
  /** The relay's origin as published in `/.well-known/ants-relay`. */
  origin: string;
  nonce: string;
  /** The ephemeral session public key. */
  sessionKey: Uint8Array;
  instance: string;
  iat?: number;
  jti?: string;
}

const MEMBERS = new Set(["iss", "aud", "origin", "nonce", "cnf", "instance", "iat", "jti"]);
const INSTANCE_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_ORIGIN_LENGTH = 2048;

/**
 * Signs a login statement with the agent's identity key.
 *
 * @example
 * const login = signLoginStatement({ aud, origin, nonce, sessionKey, instance: "w1" }, { signer });
 */
export function signLoginStatement(input: LoginInput, options: SignTokenOptions): string {
  const { kty, crv, x } = publicKeyToJwk(input.sessionKey);
  const claims = {
    iss: input.iss ?? didFromPublicKey(options.signer.publicKey),
    aud: input.aud,
    origin: input.origin,
    nonce: input.nonce,
    cnf: { jwk: { kty, crv, x } },
    instance: input.instance,
    iat: input.iat ?? issuedAt(options),
    jti: input.jti ?? randomJti(),
  };
  readLoginClaims(claims);
  return signCompactJws(LOGIN_TYP, claims, options.signer);
}

/**
 * Checks a login payload against the table of docs/spec/sessions.md 3.2, in order. Throws
 * ERR_TOKEN_CLAIM_INVALID, or ERR_JWK_INVALID and key codes for a bad session key.
 *
 * @example
 * const claims = readLoginClaims(jws.payload);
 */
export function readLoginClaims(payload: Claims): LoginClaims {
  assertOnlyMembers(payload, MEMBERS, "login");
  const iss = readDid(payload.iss, "iss");
  const aud = readDid(payload.aud, "aud");
  const origin = payload.origin;
  if (typeof origin !== "string" || origin.length < 1 || origin.length > MAX_ORIGIN_LENGTH) {
    claimInvalid("origin", "the relay's origin URL");
  }
  const nonce = payload.nonce;
  if (typeof nonce !== "string" || !NONCE_PATTERN.test(nonce)) claimInvalid("nonce", "a nonce");
  const sessionKey = readConfirmationKey(payload.cnf);
  const instance = payload.instance;
  if (typeof instance !== "string" || !INSTANCE_PATTERN.test(instance)) {
    claimInvalid("instance", "1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  return {
    iss,
    aud,
    origin,
    nonce,
    sessionKey,
    sessionKeyThumbprint: cachedThumbprint(sessionKey),
    instance,
    iat: readTime(payload.iat, "iat"),
    jti: readJti(payload.jti),
  };
}

// RFC 7800 section 3.2: the confirmation key as a JWK.
function readConfirmationKey(cnf: Claims[string] | undefined): Uint8Array {
  if (cnf === null || typeof cnf !== "object" || Array.isArray(cnf))
    claimInvalid("cnf", "an object");
  const members = Object.keys(cnf);
  if (members.length !== 1 || members[0] !== "jwk") claimInvalid("cnf", "exactly {jwk}");
  return publicKeyFromJwk((cnf as Claims).jwk);
}

/**
 * Parses a login statement and its claims (docs/spec/sessions.md 3.2, check 1), so the relay
 * can look the agent up before checking the signature.
 *
 * @example
 * const { claims } = parseLoginStatement(token);
 */
export function parseLoginStatement(token: unknown): ParsedLogin {
  const jws = parseCompactJws(token, { typ: LOGIN_TYP, maxBytes: MAX_DELEGATION_BYTES });
  return { jws, claims: readLoginClaims(jws.payload) };
}

/**
 * Checks a parsed login's signature under the agent's current key, then `aud`, `origin` and
 * `iat` (docs/spec/sessions.md 3.2, checks 3 and 4). The nonce is the relay's to check. Throws
 * ERR_JWS_KID_MISMATCH, ERR_SIGNATURE_INVALID, ERR_KEY_* or ERR_LOGIN_INVALID.
 *
 * @example
 * verifyLoginStatement(parsed, { agentKey, relay: relayDid, origin, now });
 */
export function verifyLoginStatement(
  parsed: ParsedLogin,
  options: { agentKey: Uint8Array; relay: string; origin: string; now: number },
): LoginClaims {
  verifyJwsSignature(parsed.jws, options.agentKey);
  const { claims } = parsed;

  if (claims.aud !== options.relay)
    throw new ProtocolError("ERR_LOGIN_INVALID", "aud: not this relay");
  if (claims.origin !== options.origin) {
    throw new ProtocolError("ERR_LOGIN_INVALID", "origin: not this relay's origin");
  }
  if (Math.abs(options.now - claims.iat) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ProtocolError(
      "ERR_LOGIN_INVALID",
      `iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`,
    );
  }
  return claims;
}
