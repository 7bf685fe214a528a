import {
  assertOnlyMembers,
  type Claims,
  readDid,
  readHash,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";

/** The claims of an approval (spec 2.3). */
export interface ApprovalClaims {
  /** The approver. */
  readonly iss: string;
  /** Token hash of the invocation approved. */
  readonly inv: string;
  readonly iat: number;
  readonly jti: string;
}

const MEMBERS = new Set(["iss", "inv", "iat", "jti"]);

/**
 * Checks an approval payload in the order of the table in spec 2.3. Throws
 * ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const claims = readApprovalClaims(parsedJws.payload);
 */
export function readApprovalClaims(payload: Claims): ApprovalClaims {
  assertOnlyMembers(payload, MEMBERS, "approval");
  return {
    iss: readDid(payload.iss, "iss"),
    inv: readHash(payload.inv, "inv"),
    iat: readTime(payload.iat, "iat"),
    jti: readJti(payload.jti),
  };
}
