import { publicKeyFromDid } from "../did/did-key.ts";
import { type KelPlace, kelError } from "./kel-errors.ts";
import type { RotationClaims } from "./key-event-claims.ts";
import { MAX_GUARDIANS } from "./key-event-limits.ts";
import { nextKeyDigest } from "./next-key-digest.ts";
import type { OwnerCertificateClaims } from "./owner-certificate.ts";
import { type ParsedKeyEvent, parseKeyEvent, verifyKeyEventSignature } from "./parse-key-event.ts";

/** Rank of a rotation signed by the pre-committed next key, the lowest (spec 3.1). */
export const RANK_NEXT = 0;
/** Rank of a rotation signed by a guardian quorum. */
export const RANK_GUARDIANS = 1;

/** What a rotation's authority check needs from the log so far. */
export interface AuthorityContext {
  readonly agent: string;
  readonly owner: OwnerCertificateClaims | undefined;
  /** The next-key digest in force before this rotation. */
  readonly next: string | undefined;
  readonly place: KelPlace;
}

/** A rotation whose signer was entitled to sign it, with the rank it carries. */
export interface AuthorizedRotation {
  readonly rank: number;
  /** Every key that signed for the rotation: `by`, then each distinct approving guardian. */
  readonly signers: readonly string[];
}

/**
 * Checks that a rotation is signed by the authority its `auth` names, in the order of
 * docs/spec/key-events.md 4.4 steps 5 to 7, and returns its rank: 0 for the next key, 1 for
 * guardians, 2 and up for owner recovery keys (the first listed ranks highest). Throws
 * ERR_KEL_WRONG_SIGNER, ERR_KEL_DIGEST_MISMATCH, ERR_KEL_SIGNATURE_INVALID,
 * ERR_KEL_THRESHOLD_NOT_MET or ERR_KEL_MALFORMED.
 *
 * @example
 * const { rank } = authorizeRotation(event, approvals, { agent, owner, next, place });
 */
export function authorizeRotation(
  event: ParsedKeyEvent,
  approvals: readonly string[],
  context: AuthorityContext,
): AuthorizedRotation {
  const claims = event.claims as RotationClaims;
  const { place } = context;
  if (approvals.length > 0 && claims.auth !== "guardians") {
    throw kelError("ERR_KEL_MALFORMED", place, "approvals: only a guardian rotation has any");
  }
  if (claims.auth === "next") return authorizeNext(event, claims, context);
  if (claims.auth === "owner") return authorizeOwner(event, claims, context);
  return authorizeGuardians(event, claims, approvals, context);
}

function authorizeNext(event: ParsedKeyEvent, claims: RotationClaims, context: AuthorityContext) {
  if (context.next === undefined) {
    throw kelError("ERR_KEL_WRONG_SIGNER", context.place, "auth: no next key is committed");
  }
  // Spec 1.3: the signer reveals the next key; its thumbprint must be the committed digest.
  if (nextKeyDigest(publicKeyFromDid(claims.by)) !== context.next) {
    throw kelError("ERR_KEL_DIGEST_MISMATCH", context.place, "by: not the committed next key");
  }
  verifyKeyEventSignature(event, claims.by, context.place);
  return { rank: RANK_NEXT, signers: [claims.by] };
}

function authorizeOwner(event: ParsedKeyEvent, claims: RotationClaims, context: AuthorityContext) {
  const rec = context.owner?.rec;
  if (rec === undefined) {
    throw kelError("ERR_KEL_WRONG_SIGNER", context.place, "auth: the log has no owner");
  }
  const position = rec.indexOf(claims.by);
  if (position < 0) {
    throw kelError("ERR_KEL_WRONG_SIGNER", context.place, "by: not an owner recovery key");
  }
  verifyKeyEventSignature(event, claims.by, context.place);
  return { rank: RANK_GUARDIANS + rec.length - position, signers: [claims.by] };
}

function authorizeGuardians(
  event: ParsedKeyEvent,
  claims: RotationClaims,
  approvals: readonly string[],
  context: AuthorityContext,
): AuthorizedRotation {
  const quorum = context.owner?.grd;
  const { place } = context;
  if (quorum === undefined) throw kelError("ERR_KEL_WRONG_SIGNER", place, "auth: no guardians");
  if (!quorum.of.includes(claims.by)) {
    throw kelError("ERR_KEL_WRONG_SIGNER", place, "by: not a guardian");
  }
  verifyKeyEventSignature(event, claims.by, place);
  if (approvals.length > MAX_GUARDIANS) {
    throw kelError("ERR_KEL_MALFORMED", place, `approvals: at most ${MAX_GUARDIANS}`);
  }
  const signers = new Set([claims.by]);
  approvals.forEach((approval, position) => {
    const field = `${place.field}.approvals[${position}]`;
    signers.add(checkApproval(approval, event, quorum.of, context, { ...place, field }));
  });
  if (signers.size < quorum.k) {
    const message = `approvals: ${signers.size} of ${quorum.of.length} guardians signed, ${quorum.k} needed`;
    throw kelError("ERR_KEL_THRESHOLD_NOT_MET", place, message);
  }
  return { rank: RANK_GUARDIANS, signers: [...signers] };
}

// Spec 2.4: an approval names the rotation's token hash, so it approves those bytes only.
function checkApproval(
  token: string,
  event: ParsedKeyEvent,
  guardians: readonly string[],
  context: AuthorityContext,
  place: KelPlace,
): string {
  const approval = parseKeyEvent(token, place);
  const claims = approval.claims;
  if (claims.t !== "apv") throw kelError("ERR_KEL_MALFORMED", place, "t: expected apv");
  if (claims.iss !== context.agent) {
    throw kelError("ERR_KEL_MALFORMED", place, "iss: not this log's agent");
  }
  if (claims.evt !== event.hash) {
    throw kelError("ERR_KEL_MALFORMED", place, "evt: names another event");
  }
  if (!guardians.includes(claims.by)) {
    throw kelError("ERR_KEL_WRONG_SIGNER", place, "by: not a guardian");
  }
  verifyKeyEventSignature(approval, claims.by, place);
  return claims.by;
}
