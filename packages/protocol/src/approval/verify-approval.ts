import type { ApprovalRequirement } from "../delegation/delegation-claims.ts";
import {
  assertNotRevoked,
  resolveDidKey,
  resolveSignerKey,
  type VerificationHooks,
} from "../delegation/verification-hooks.ts";
import { assertTime } from "../delegation/verify-delegations.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { parseCompactJws } from "../jws/compact-jws.ts";
import { tokenHash } from "../jws/token-hash.ts";
import { APPROVAL_TYP, MAX_APPROVAL_BYTES } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import { type ApprovalClaims, readApprovalClaims } from "./approval-claims.ts";

/** Options for {@link verifyApproval}. */
export interface VerifyApprovalOptions extends Omit<VerificationHooks, "cache"> {
  /** Token hash of the invocation the approval must name. */
  invocationHash: string;
  /** Verifier's time, Unix seconds. */
  now: number;
}

/** A verified approval. */
export interface VerifiedApproval {
  readonly approver: string;
  readonly approvalHash: string;
  readonly claims: ApprovalClaims;
}

/**
 * Verifies an approval (spec 4.5): parsing, that it names this invocation, the approver's key
 * and signature, and revocation. Throws ProtocolError (ERR_APPROVAL_INVOCATION_MISMATCH, the
 * ERR_JWS_* codes, ERR_KEY_UNKNOWN, ERR_SIGNATURE_INVALID, ERR_REVOKED_*).
 *
 * @example
 * const { approver } = verifyApproval(approval, { invocationHash, now });
 */
export function verifyApproval(token: string, options: VerifyApprovalOptions): VerifiedApproval {
  assertTime(options.now);
  const jws = parseCompactJws(token, { typ: APPROVAL_TYP, maxBytes: MAX_APPROVAL_BYTES });
  const claims = readApprovalClaims(jws.payload);
  if (claims.inv !== options.invocationHash) {
    throw new ProtocolError("ERR_APPROVAL_INVOCATION_MISMATCH", "inv: names another invocation");
  }
  const approvalHash = tokenHash(token);
  const seenAt = options.firstSeen?.(approvalHash) ?? options.now;
  const key = resolveSignerKey(options.resolveKey ?? resolveDidKey, claims.iss, seenAt, jws.kid);
  verifyJwsSignature(jws, key);
  assertNotRevoked(options.isRevoked, {
    tokenHash: approvalHash,
    issuer: claims.iss,
    kid: jws.kid,
    seenAt,
    role: "approval",
  });
  return { approver: claims.iss, approvalHash, claims };
}

/**
 * True when every requirement is met: for each, at least `k` distinct approvers listed in its
 * `of` are among `approvers` (spec 2.3). Pass only approvers whose approvals verified.
 *
 * @example
 * approvalsMet(result.approvals, verified.map((a) => a.approver)); // true once enough signed
 */
export function approvalsMet(
  requirements: readonly ApprovalRequirement[],
  approvers: Iterable<string>,
): boolean {
  const present = new Set(approvers);
  return requirements.every(
    (requirement) => requirement.of.filter((did) => present.has(did)).length >= requirement.k,
  );
}
