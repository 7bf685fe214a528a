import type { ApprovalRequirement } from "@ants/protocol";

/** One approval requirement of a pending decision and who has met it so far. */
export interface ApprovalStatus {
  k: number;
  of: string[];
  approvedBy: string[];
}

/** The answer of `POST /v1/authorize` and `GET /v1/authorize/{hash}` (docs/spec/authorize.md 1.2). */
export interface DecisionAnswer {
  decision: "allow" | "pending" | "deny";
  invocationHash: string;
  auditIndex: number;
  actor: string;
  principal: string;
  command: string;
  reason?: string;
  detail?: string;
  accessToken?: string;
  accessTokenExpiresAt?: number;
  resource?: string;
  approvals?: ApprovalStatus[];
  expiresAt?: number;
}

/**
 * Lists each requirement with the approvers of it seen so far.
 *
 * @example
 * approvalStatus([{ k: 1, of: [kevin] }], [kevin]); // [{ k: 1, of: [kevin], approvedBy: [kevin] }]
 */
export function approvalStatus(
  requirements: readonly ApprovalRequirement[],
  approvers: readonly string[],
): ApprovalStatus[] {
  return requirements.map(({ k, of }) => ({
    k,
    of: [...of],
    approvedBy: of.filter((did) => approvers.includes(did)),
  }));
}
