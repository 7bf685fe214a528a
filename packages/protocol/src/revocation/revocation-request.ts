import {
  type KeyResolver,
  resolveDidKey,
  resolveSignerKey,
} from "../delegation/verification-hooks.ts";
import { didFromPublicKey } from "../did/did-key.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import { type ParsedJws, parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { REVOCATION_TYP } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import { type RevocationRequestClaims, readRevocationClaims } from "./revocation-claims.ts";

/** A revocation request is a few hundred bytes; 4 KiB bounds the parse. */
export const MAX_REVOCATION_REQUEST_BYTES = 4096;

/** Inputs of {@link signRevocationRequest}: `iss` defaults to the signer's did:key. */
export type RevocationRequestInput = Omit<RevocationRequestClaims, "iss" | "iat" | "jti"> & {
  iss?: string;
  iat?: number;
  jti?: string;
};

/** A revocation request that parsed, before its signature is checked. */
export interface ParsedRevocationRequest {
  readonly jws: ParsedJws;
  readonly claims: RevocationRequestClaims;
}

/** What a relay expects of a request (docs/spec/revocation.md 2.3). */
export interface VerifyRevocationRequestOptions {
  /** The relay's DID, required in `aud`. */
  relay: string;
  /** The verifier's time, Unix seconds. */
  now: number;
  /** The revoker's key for the header's `kid`; default the key its did:key encodes. */
  resolveKey?: KeyResolver;
}

/**
 * Signs a revocation request with the revoker's key (docs/spec/revocation.md 2). Throws
 * ERR_REVOCATION_INVALID or ERR_TOKEN_CLAIM_INVALID for claims a relay would refuse.
 *
 * @example
 * const request = signRevocationRequest(
 *   { aud: relayDid, kind: "token", target: tokenHash(delegation), reason: "leaked" },
 *   { signer: identity },
 * );
 */
export function signRevocationRequest(
  input: RevocationRequestInput,
  options: SignTokenOptions,
): string {
  const claims = {
    ...input,
    iss: input.iss ?? didFromPublicKey(options.signer.publicKey),
    iat: input.iat ?? issuedAt(options),
    jti: input.jti ?? randomJti(),
  };
  readRevocationClaims(claims);
  return signCompactJws(REVOCATION_TYP, claims, options.signer);
}

/**
 * Parses a revocation request and its claims (2.3 checks 1 and 2), without checking the
 * signature. Throws ERR_JWS_*, ERR_TOKEN_TOO_LARGE, ERR_TOKEN_CLAIM_INVALID or
 * ERR_REVOCATION_INVALID.
 *
 * @example
 * const parsed = parseRevocationRequest(body.request);
 */
export function parseRevocationRequest(token: unknown): ParsedRevocationRequest {
  const jws = parseCompactJws(token, {
    typ: REVOCATION_TYP,
    maxBytes: MAX_REVOCATION_REQUEST_BYTES,
  });
  return { jws, claims: readRevocationClaims(jws.payload) };
}

/**
 * Checks a parsed request (2.3 checks 3 to 5): signed by a key of `iss`, addressed to this
 * relay, issued within 60 s of now. Replay of `jti` and whether the revoker may revoke the
 * target are the relay's to check. Throws ERR_KEY_UNKNOWN, ERR_JWS_KID_MISMATCH,
 * ERR_SIGNATURE_INVALID or ERR_REVOCATION_INVALID; returns the claims.
 *
 * @example
 * const claims = verifyRevocationRequest(parsed, { relay: relayDid, now });
 */
export function verifyRevocationRequest(
  parsed: ParsedRevocationRequest,
  options: VerifyRevocationRequestOptions,
): RevocationRequestClaims {
  const { claims, jws } = parsed;
  const key = resolveSignerKey(
    options.resolveKey ?? resolveDidKey,
    claims.iss,
    options.now,
    jws.kid,
  );
  verifyJwsSignature(jws, key);

  if (claims.aud !== options.relay) mismatch("aud: not this relay");

  if (Math.abs(options.now - claims.iat) > MAX_CLOCK_SKEW_SECONDS) {
    mismatch(`iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`);
  }

  // An epoch in the future would refuse tokens the issuer has not even signed yet.
  if (claims.epoch !== undefined && claims.epoch > options.now + MAX_CLOCK_SKEW_SECONDS) {
    mismatch("epoch: later than now");
  }
  return claims;
}

function mismatch(message: string): never {
  throw new ProtocolError("ERR_REVOCATION_INVALID", message);
}
