import { ProtocolError } from "../errors/protocol-error.ts";
import { commandCovers } from "./command.ts";
import type { ApprovalRequirement, DelegationClaims } from "./delegation-claims.ts";

/** Most delegations in one chain (spec 4.1). */
export const MAX_CHAIN_LENGTH = 8;
/** Hops allowed after a root without `dpth`: the rest of the chain cap. */
const DEFAULT_ROOT_DEPTH = MAX_CHAIN_LENGTH - 1;

/**
 * Spec 4.4 step 4.2: a root has no `prf` and is issued by the principal. Returns the root's
 * effective depth E(0). Throws ERR_CHAIN_PROOF_MISMATCH or ERR_CHAIN_ROOT_NOT_PRINCIPAL.
 *
 * @example
 * const depth = checkRoot(rootClaims); // 7 when the root has no dpth
 */
export function checkRoot(root: DelegationClaims): number {
  if (root.prf !== undefined) {
    throw new ProtocolError("ERR_CHAIN_PROOF_MISMATCH", "prf: a root delegation has no parent");
  }
  if (root.iss !== root.sub) {
    throw new ProtocolError("ERR_CHAIN_ROOT_NOT_PRINCIPAL", "iss: the root must be issued by sub");
  }
  return Math.min(root.dpth ?? DEFAULT_ROOT_DEPTH, DEFAULT_ROOT_DEPTH);
}

/** The parent side of a link check: its claims, token hash and effective depth E(i-1). */
export interface ParentLink {
  readonly claims: DelegationClaims;
  readonly hash: string;
  readonly depth: number;
}

/**
 * Spec 4.4 step 4.3: the rules between a delegation and its parent, in order, so a child can
 * only narrow. Returns the child's effective depth E(i). Throws the code of the first rule
 * broken (ERR_CHAIN_PROOF_MISMATCH, ERR_CHAIN_LINK_MISMATCH, ERR_CHAIN_SUBJECT_CHANGED,
 * ERR_CHAIN_CMD_WIDENED, ERR_CHAIN_OUTLIVES_PARENT, ERR_CHAIN_DEPTH_EXHAUSTED,
 * ERR_CHAIN_DEPTH_WIDENED, ERR_CHAIN_APPROVAL_DROPPED, ERR_CHAIN_LEVEL_LOWERED).
 *
 * @example
 * const childDepth = checkChild({ claims: root, hash: tokenHash(rootToken), depth: 7 }, child);
 */
export function checkChild(parent: ParentLink, child: DelegationClaims): number {
  const p = parent.claims;
  if (child.prf !== parent.hash) {
    throw new ProtocolError("ERR_CHAIN_PROOF_MISMATCH", "prf: not the hash of the parent");
  }
  if (child.iss !== p.aud) {
    throw new ProtocolError("ERR_CHAIN_LINK_MISMATCH", "iss: expected the parent's aud");
  }
  if (child.sub !== p.sub) {
    throw new ProtocolError("ERR_CHAIN_SUBJECT_CHANGED", "sub: expected the parent's sub");
  }
  if (!commandCovers(p.cmd, child.cmd)) {
    throw new ProtocolError("ERR_CHAIN_CMD_WIDENED", `cmd: ${child.cmd} is not under ${p.cmd}`);
  }
  checkValidity(p, child);
  const depth = checkDepth(parent.depth, child.dpth);
  if (p.apr !== undefined && !isAsStrict(child.apr, p.apr)) {
    throw new ProtocolError("ERR_CHAIN_APPROVAL_DROPPED", "apr: weaker than the parent's");
  }
  if (p.lvl !== undefined && (child.lvl === undefined || child.lvl < p.lvl)) {
    throw new ProtocolError("ERR_CHAIN_LEVEL_LOWERED", "lvl: lower than the parent's");
  }
  return depth;
}

// A child that outlives its parent is rejected, never clamped (DESIGN section 5).
function checkValidity(parent: DelegationClaims, child: DelegationClaims): void {
  if (child.exp > parent.exp) {
    throw new ProtocolError("ERR_CHAIN_OUTLIVES_PARENT", "exp: later than the parent's");
  }
  if (parent.nbf !== undefined && (child.nbf === undefined || child.nbf < parent.nbf)) {
    throw new ProtocolError("ERR_CHAIN_OUTLIVES_PARENT", "nbf: earlier than the parent's");
  }
}

function checkDepth(parentDepth: number, dpth: number | undefined): number {
  if (parentDepth < 1) {
    throw new ProtocolError("ERR_CHAIN_DEPTH_EXHAUSTED", "dpth: the parent allows no further hop");
  }
  if (dpth !== undefined && dpth >= parentDepth) {
    throw new ProtocolError("ERR_CHAIN_DEPTH_WIDENED", `dpth: expected below ${parentDepth}`);
  }
  return dpth ?? parentDepth - 1;
}

// Any approver set meeting the child's requirement then meets the parent's: the child's
// approvers are a subset of the parent's and it asks for at least as many.
function isAsStrict(child: ApprovalRequirement | undefined, parent: ApprovalRequirement): boolean {
  if (child === undefined || child.k < parent.k) return false;
  return child.of.every((did) => parent.of.includes(did));
}
