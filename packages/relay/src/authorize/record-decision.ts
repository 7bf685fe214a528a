import { buildDecisionEntry, type ChainVerification, tokenHash } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import type { BoundInvocation } from "./authorize-request.ts";

/** What a decision is about, for its audit entry. */
export interface DecisionSubject {
  bound: BoundInvocation;
  invocation: string;
  chain: readonly string[];
  /** The resource the access token is for; an agent's DID makes it the addressee. */
  resource: string | undefined;
  result?: ChainVerification;
}

/** The audited outcome of a decision. */
export interface RecordedDecision {
  auditIndex: number;
  invocationHash: string;
  /** SHA-256 of the canonical JSON of `args`, as the audit entry and the access token carry it. */
  argsHash: string;
}

/**
 * Appends a decision to the audit log and waits until it is durable (step 8), then counts it in
 * metrics. The entry holds the invocation with its `args` replaced by their hash.
 *
 * @example
 * const { auditIndex } = await recordDecision(context, subject, "deny", "ERR_CHAIN_CMD_WIDENED", now);
 */
export async function recordDecision(
  context: RelayContext,
  subject: DecisionSubject,
  decision: "allow" | "pending" | "deny",
  reason: string | null,
  now: number,
): Promise<RecordedDecision> {
  const { claims } = subject.bound;
  const entry = buildDecisionEntry({
    time: now,
    relay: context.identity.did,
    actor: claims.iss,
    cmd: claims.cmd,
    principal: subject.result?.principal ?? claims.sub,
    // The audit log sets the instructor from `cause` (docs/spec/audit-log.md 2.3).
    instructor: null,
    delegate: subject.result?.delegate ?? null,
    chain: subject.result?.tokenHashes ?? subject.chain.map(tokenHash),
    decision,
    reason,
    invocation: subject.invocation,
    // The claims bound to the session and the hash chain verification took, not a second parse.
    invocationParts: {
      payload: subject.bound.jws.payload,
      hash: subject.result?.invocationHash ?? tokenHash(subject.invocation),
    },
  });
  const { index } = await context.audit.append({ entry, resource: subject.resource ?? null });
  context.metrics.recordDecision(decision, reason ?? "none");
  return {
    auditIndex: index,
    invocationHash: entry.invocation.hash,
    argsHash: entry.invocation.argsHash ?? "",
  };
}

/**
 * Who instructed the actor, nearest first: the issuers of the delegations after the root (the
 * root's issuer is the principal, named by `sub` instead).
 *
 * @example
 * instructorsOf(result); // [kevin] for principal -> kevin -> stuart
 */
export function instructorsOf(result: ChainVerification): string[] {
  return result.links
    .slice(1)
    .map((link) => link.claims.iss)
    .reverse();
}
