import type { JsonValue } from "../json/strict-json.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  isDid,
  readDid,
  readHash,
  readInteger,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";
import { type CompiledPolicy, compilePolicy } from "../policy/compile-policy.ts";
import { readCommand } from "./command.ts";

/** `apr`: K distinct approvers out of `of` must approve each invocation (spec 2.1). */
export interface ApprovalRequirement {
  readonly k: number;
  readonly of: readonly string[];
}

/** The claims of a delegation (spec 2.1). */
export interface DelegationClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly cmd: string;
  readonly exp: number;
  readonly nbf?: number;
  readonly iat: number;
  readonly jti: string;
  readonly prf?: string;
  readonly dpth?: number;
  readonly apr?: ApprovalRequirement;
  readonly lvl?: number;
  readonly pol: readonly JsonValue[];
}

/** Delegation claims that passed every rule of spec 2.1, with their compiled policy. */
export interface CheckedDelegationClaims {
  readonly claims: DelegationClaims;
  readonly policy: CompiledPolicy;
}

const MEMBERS = new Set([
  "iss",
  "aud",
  "sub",
  "cmd",
  "pol",
  "exp",
  "nbf",
  "iat",
  "jti",
  "prf",
  "dpth",
  "apr",
  "lvl",
]);
/** Most approvers one `apr` may name (spec 4.1). */
export const MAX_APPROVERS = 16;
/** Highest trust level, L4 (DESIGN section 7). */
export const MAX_LEVEL = 4;
const MAX_DPTH = 255;

/**
 * Checks a delegation payload in the order of the table in spec 2.1 and returns typed claims.
 * Throws ERR_TOKEN_CLAIM_INVALID, ERR_CMD_MALFORMED or a policy error.
 *
 * @example
 * const { claims, policy } = readDelegationClaims(parsedJws.payload);
 */
export function readDelegationClaims(payload: Claims): CheckedDelegationClaims {
  assertOnlyMembers(payload, MEMBERS, "delegation");
  const iss = readDid(payload.iss, "iss");
  const aud = readDid(payload.aud, "aud");
  const sub = readDid(payload.sub, "sub");
  const cmd = readCommand(payload.cmd);
  const exp = readTime(payload.exp, "exp");
  const nbf = payload.nbf === undefined ? undefined : readTime(payload.nbf, "nbf");
  if (nbf !== undefined && nbf >= exp) claimInvalid("nbf", "a time below exp");
  const iat = readTime(payload.iat, "iat");
  const jti = readJti(payload.jti);
  const prf = payload.prf === undefined ? undefined : readHash(payload.prf, "prf");
  const dpth =
    payload.dpth === undefined ? undefined : readInteger(payload.dpth, "dpth", 0, MAX_DPTH);
  const apr = payload.apr === undefined ? undefined : readApprovalRequirement(payload.apr);
  const lvl = payload.lvl === undefined ? undefined : readInteger(payload.lvl, "lvl", 0, MAX_LEVEL);
  const policy = compilePolicy(payload.pol);
  const claims: DelegationClaims = {
    iss,
    aud,
    sub,
    cmd,
    exp,
    iat,
    jti,
    pol: policy.source,
    ...(nbf !== undefined && { nbf }),
    ...(prf !== undefined && { prf }),
    ...(dpth !== undefined && { dpth }),
    ...(apr !== undefined && { apr }),
    ...(lvl !== undefined && { lvl }),
  };
  return { claims, policy };
}

/**
 * Checks an `apr` value: exactly `k` and `of`, 1 to 16 distinct DIDs, `k` from 1 to their
 * number. Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * readApprovalRequirement({ k: 1, of: ["did:key:z6Mk..."] });
 */
export function readApprovalRequirement(value: unknown): ApprovalRequirement {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return claimInvalid("apr", "an object {k, of}");
  }
  assertOnlyMembers(value as Claims, new Set(["k", "of"]), "apr");
  const { k, of } = value as { k?: unknown; of?: unknown };
  if (!Array.isArray(of) || of.length < 1 || of.length > MAX_APPROVERS) {
    return claimInvalid("apr.of", `an array of 1 to ${MAX_APPROVERS} DIDs`);
  }
  if (!of.every(isDid) || new Set(of).size !== of.length) {
    return claimInvalid("apr.of", "distinct DIDs");
  }
  return { k: readInteger(k, "apr.k", 1, of.length), of: of as string[] };
}
