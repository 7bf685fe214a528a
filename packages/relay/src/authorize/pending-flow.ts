import {
  APPROVAL_TYP,
  type ApprovalRequirement,
  approvalsMet,
  decodeBase64url,
  INVOCATION_TYP,
  MAX_APPROVAL_BYTES,
  MAX_INVOCATION_BYTES,
  parseCompactJws,
  readApprovalClaims,
  readInvocationClaims,
  verifyApproval,
} from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import { keyEventBookOf } from "../key-events/key-event-book.ts";
import type { LiveSession } from "../sessions/session-registry.ts";
import type { PendingRecord } from "../store/relay-store.ts";
import { allow, deny, type StoredRequest, trustGate } from "./authorize-invocation.ts";
import { AUTHORIZE_PATH } from "./authorize-request.ts";
import { approvalStatus, type DecisionAnswer } from "./decision-answer.ts";
import type { DecisionSubject } from "./record-decision.ts";
import { verifyForDecision } from "./verify-for-decision.ts";

/** The answer of `POST /v1/approvals`. */
export interface ApprovalAnswer {
  invocationHash: string;
  approvedBy: string[];
  satisfied: boolean;
}

/**
 * `POST /v1/approvals`: records one approval of a pending invocation (docs/spec/authorize.md 2).
 * Throws ERR_PENDING_NOT_FOUND, ERR_APPROVAL_NOT_NEEDED, ERR_PENDING_EXPIRED, the approval's
 * verification codes, or ERR_APPROVER_NOT_LISTED.
 *
 * @example
 * const { satisfied } = await approveInvocation(context, approvalToken);
 */
export async function approveInvocation(
  context: RelayContext,
  token: string,
): Promise<ApprovalAnswer> {
  const now = context.now();
  const claims = readApprovalClaims(
    parseCompactJws(token, { typ: APPROVAL_TYP, maxBytes: MAX_APPROVAL_BYTES }).payload,
  );
  const pending = await context.store.pending.get(claims.inv);
  if (pending === undefined) throw notFound();
  if (pending.status !== "pending") {
    throw new RelayError("ERR_APPROVAL_NOT_NEEDED", "approval: the invocation was already decided");
  }
  if (now >= pending.expiresAt)
    throw new RelayError("ERR_PENDING_EXPIRED", "approval: the invocation waited too long");
  const verified = verifyApproval(token, {
    invocationHash: pending.hash,
    now,
    resolveKey: keyEventBookOf(context).resolveKey,
    isRevoked: context.revocations.check,
  });
  const requirements = requirementsOf(pending);
  if (!requirements.some((requirement) => requirement.of.includes(verified.approver))) {
    throw new RelayError(
      "ERR_APPROVER_NOT_LISTED",
      "approval: the approver is not listed by the chain",
    );
  }
  const approvedBy = await context.store.pending.addApproval(
    pending.hash,
    verified.approver,
    verified.approvalHash,
    now,
  );
  return {
    invocationHash: pending.hash,
    approvedBy,
    satisfied: approvalsMet(requirements, approvedBy),
  };
}

// Two requests by the actor at once must not decide (and audit) the same invocation twice.
const inFlight = new WeakMap<RelayContext, Map<string, Promise<DecisionAnswer>>>();

/**
 * `GET /v1/authorize/{hash}`: the current decision of a pending invocation, decided again once
 * its approvals are met (docs/spec/authorize.md 2). Only the actor gets an access token; listed
 * approvers see the status; anyone else gets ERR_PENDING_NOT_FOUND.
 *
 * @example
 * const answer = await resolvePending(context, session, hash);
 */
export async function resolvePending(
  context: RelayContext,
  caller: LiveSession,
  hash: string,
): Promise<DecisionAnswer> {
  const pending = await context.store.pending.get(hash);
  const requirements = pending === undefined ? [] : requirementsOf(pending);
  const isActor = pending?.actor === caller.agent;
  if (
    pending === undefined ||
    (!isActor && !requirements.some((r) => r.of.includes(caller.agent)))
  ) {
    throw notFound();
  }
  if (pending.status !== "pending")
    return forCaller(JSON.parse(pending.outcome!) as DecisionAnswer, isActor);
  const approvers = await context.store.pending.listApprovers(hash);
  if (!isActor || !approvalsMet(requirements, approvers)) {
    return pendingView(pending, requirements, approvers);
  }
  let decisions = inFlight.get(context);
  if (decisions === undefined) {
    decisions = new Map();
    inFlight.set(context, decisions);
  }
  let decision = decisions.get(hash);
  if (decision === undefined) {
    const running = decisions;
    decision = decideAgain(context, caller, pending).finally(() => running.delete(hash));
    decisions.set(hash, decision);
  }
  return decision;
}

// The chain is verified as at the original request, then checked again at the current time.
async function decideAgain(
  context: RelayContext,
  caller: LiveSession,
  pending: PendingRecord,
): Promise<DecisionAnswer> {
  const now = context.now();
  const request = JSON.parse(pending.request) as StoredRequest;
  const jws = parseCompactJws(request.invocation, {
    typ: INVOCATION_TYP,
    maxBytes: MAX_INVOCATION_BYTES,
  });
  const subject: DecisionSubject = {
    bound: { jws, claims: readInvocationClaims(jws.payload) },
    invocation: request.invocation,
    chain: request.chain,
    resource: pending.resource || undefined,
  };
  const outcome = verifyForDecision(context, {
    ...subject,
    now: pending.createdAt,
    url: context.publicUrl + AUTHORIZE_PATH,
    sessionKey: decodeBase64url(request.sessionKey, "session key"),
    jkt: request.jkt,
  });
  let answer: DecisionAnswer;
  if ("refusal" in outcome) {
    answer = await deny(context, subject, outcome.refusal.code, outcome.refusal.message, now);
  } else {
    subject.result = outcome.result;
    const refusal =
      now >= outcome.result.expiresAt
        ? new RelayError("ERR_TOKEN_EXPIRED", "chain: expired while waiting for approvals")
        : now >= pending.expiresAt
          ? new RelayError("ERR_PENDING_EXPIRED", "approval: the invocation waited too long")
          : trustGate(context, outcome.result);
    answer =
      refusal === undefined
        ? await allow(context, subject, outcome.result, {
            resource: pending.resource || undefined,
            jkt: caller.jkt,
            now,
          })
        : await deny(context, subject, refusal.code, refusal.message, now);
  }
  await context.store.pending.decide(
    pending.hash,
    answer.decision === "allow" ? "allowed" : "denied",
    JSON.stringify(answer),
  );
  return answer;
}

function pendingView(
  pending: PendingRecord,
  requirements: ApprovalRequirement[],
  approvers: string[],
): DecisionAnswer {
  const request = JSON.parse(pending.request) as StoredRequest;
  return {
    decision: "pending",
    invocationHash: pending.hash,
    auditIndex: request.auditIndex,
    actor: pending.actor,
    principal: pending.principal,
    command: pending.command,
    approvals: approvalStatus(requirements, approvers),
    expiresAt: pending.expiresAt,
  };
}

// The access token is the actor's alone: approvers learn the decision, not the credential.
function forCaller(answer: DecisionAnswer, isActor: boolean): DecisionAnswer {
  if (isActor) return answer;
  const { accessToken: _token, accessTokenExpiresAt: _expires, ...rest } = answer;
  return rest;
}

function requirementsOf(pending: PendingRecord): ApprovalRequirement[] {
  return JSON.parse(pending.requirements) as ApprovalRequirement[];
}

function notFound(): RelayError {
  return new RelayError("ERR_PENDING_NOT_FOUND", "invocation: no pending decision with this hash");
}
