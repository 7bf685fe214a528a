import { didFromPublicKey } from "../did/did-key.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import {
  assertOnlyMembers,
  type Claims,
  readDid,
  readInteger,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";
import { type ParsedJws, parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { VOUCH_TYP } from "../jws/token-types.ts";
import {
  checkTrustStatement,
  MAX_TRUST_STATEMENT_BYTES,
  statementInvalid,
  type VerifyTrustStatementOptions,
} from "./trust-statement.ts";

/** Longest life of a vouch: a year (docs/spec/trust.md 3.1). */
export const MAX_VOUCH_SECONDS = 365 * 86_400;

/** The claims of a vouch (`typ: ants-vouch+jwt`, docs/spec/trust.md 3.1). */
export interface VouchClaims {
  /** The voucher; its identity key signs. */
  readonly iss: string;
  /** The agent vouched for. */
  readonly sub: string;
  /** The relay's DID. */
  readonly aud: string;
  /** The level, 1 to 4, the voucher attests the agent deserves. */
  readonly lvl: number;
  readonly iat: number;
  /** Required: a vouch always expires, at most {@link MAX_VOUCH_SECONDS} after `iat`. */
  readonly exp: number;
  readonly jti: string;
}

/** A vouch that parsed, before its signature is checked. */
export interface ParsedVouch {
  readonly jws: ParsedJws;
  readonly claims: VouchClaims;
}

const MEMBERS = new Set(["iss", "sub", "aud", "lvl", "iat", "exp", "jti"]);

/**
 * Checks a vouch payload against the table of docs/spec/trust.md 3.1. Throws
 * ERR_TOKEN_CLAIM_INVALID for a malformed claim and ERR_TRUST_STATEMENT_INVALID for an `exp`
 * not after `iat` or too far after it.
 *
 * @example
 * const claims = readVouchClaims(jws.payload);
 */
export function readVouchClaims(payload: Claims): VouchClaims {
  assertOnlyMembers(payload, MEMBERS, "vouch");
  const claims: VouchClaims = {
    iss: readDid(payload.iss, "iss"),
    sub: readDid(payload.sub, "sub"),
    aud: readDid(payload.aud, "aud"),
    lvl: readInteger(payload.lvl, "lvl", 1, 4),
    iat: readTime(payload.iat, "iat"),
    exp: readTime(payload.exp, "exp"),
    jti: readJti(payload.jti),
  };
  if (claims.exp <= claims.iat) statementInvalid("exp: expected a time after iat");
  if (claims.exp - claims.iat > MAX_VOUCH_SECONDS) {
    statementInvalid(`exp: at most ${MAX_VOUCH_SECONDS} s after iat`);
  }
  return claims;
}

/** Inputs of {@link signVouch}: `iss` defaults to the signer's did:key. */
export type VouchInput = Omit<VouchClaims, "iss" | "iat" | "jti"> & {
  iss?: string;
  iat?: number;
  jti?: string;
};

/**
 * Signs a vouch with the voucher's identity key. Throws the codes of {@link readVouchClaims}.
 *
 * @example
 * const vouch = signVouch({ sub: bob, aud: relayDid, lvl: 2, exp: now + 86_400 }, { signer });
 */
export function signVouch(input: VouchInput, options: SignTokenOptions): string {
  const claims = {
    iss: input.iss ?? didFromPublicKey(options.signer.publicKey),
    sub: input.sub,
    aud: input.aud,
    lvl: input.lvl,
    iat: input.iat ?? issuedAt(options),
    exp: input.exp,
    jti: input.jti ?? randomJti(),
  };
  readVouchClaims(claims);
  return signCompactJws(VOUCH_TYP, claims, options.signer);
}

/**
 * Parses a vouch and its claims (docs/spec/trust.md 3.3 checks 1 and 2) without checking the
 * signature. Throws ERR_JWS_*, ERR_TOKEN_TOO_LARGE, ERR_TOKEN_CLAIM_INVALID or
 * ERR_TRUST_STATEMENT_INVALID.
 *
 * @example
 * const parsed = parseVouch(body.vouch);
 */
export function parseVouch(token: unknown): ParsedVouch {
  const jws = parseCompactJws(token, { typ: VOUCH_TYP, maxBytes: MAX_TRUST_STATEMENT_BYTES });
  return { jws, claims: readVouchClaims(jws.payload) };
}

/**
 * Verifies a parsed vouch (3.3 checks 3 to 7): the voucher's signature, `aud`, not a vouch for
 * oneself, `iat` not in the future, and not expired. Throws the codes of checkTrustStatement and
 * ERR_TOKEN_EXPIRED; returns the claims.
 *
 * @example
 * const claims = verifyVouch(parseVouch(token), { relay: relayDid, now });
 */
export function verifyVouch(
  parsed: ParsedVouch,
  options: VerifyTrustStatementOptions,
): VouchClaims {
  checkTrustStatement(parsed.jws, parsed.claims, options);
  if (parsed.claims.exp <= options.now) {
    throw new ProtocolError("ERR_TOKEN_EXPIRED", "exp: the vouch has expired");
  }
  return parsed.claims;
}
