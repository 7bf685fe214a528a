import { didFromPublicKey } from "../did/did-key.ts";
import type { JsonValue } from "../json/strict-json.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { DELEGATION_TYP } from "../jws/token-types.ts";
import { type ApprovalRequirement, readDelegationClaims } from "./delegation-claims.ts";

/** Claims for {@link signDelegation}; omitted ones get the documented defaults. */
export interface DelegationInput {
  /** Delegator; default the did:key of the signer. */
  iss?: string;
  aud: string;
  /** Principal; default `iss` (a root delegation). */
  sub?: string;
  cmd: string;
  /** Policy statements; default none. */
  pol?: readonly JsonValue[];
  exp: number;
  nbf?: number;
  /** Default the signing time. */
  iat?: number;
  /** Default 128 random bits. */
  jti?: string;
  /** Hash of the parent; absent on a root. Prefer {@link attenuate} to derive a child. */
  prf?: string;
  dpth?: number;
  apr?: ApprovalRequirement;
  lvl?: number;
}

/**
 * Signs a delegation (spec 2.1) after checking its claims with the verifier's own rules, so it
 * never produces a token a verifier refuses for its shape. Throws ERR_TOKEN_CLAIM_INVALID,
 * ERR_CMD_MALFORMED or a policy error.
 *
 * @example
 * const root = signDelegation(
 *   { aud: bobDid, cmd: "/twitter", exp: now + 3600, pol: [["<=", ".length", 280]] },
 *   { signer: alice },
 * );
 */
export function signDelegation(input: DelegationInput, options: SignTokenOptions): string {
  const iss = input.iss ?? didFromPublicKey(options.signer.publicKey);
  // Members in a fixed order; optional ones only when present.
  const claims = {
    iss,
    aud: input.aud,
    sub: input.sub ?? iss,
    cmd: input.cmd,
    pol: input.pol ?? [],
    exp: input.exp,
    nbf: input.nbf,
    iat: input.iat ?? issuedAt(options),
    jti: input.jti ?? randomJti(),
    prf: input.prf,
    dpth: input.dpth,
    apr: input.apr,
    lvl: input.lvl,
  };
  // JSON.stringify drops the undefined members, exactly as they will be signed.
  readDelegationClaims(JSON.parse(JSON.stringify(claims)));
  return signCompactJws(DELEGATION_TYP, claims, options.signer);
}
