import { buildDecisionEntry, jwkThumbprint, tokenHash } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { trustGate } from "../authorize/authorize-invocation.ts";
import { RelayError, type RelayErrorCode } from "../errors/relay-error.ts";
import { sandboxGate } from "../trust/sandbox-gate.ts";
import { observeCall, reactionDeps } from "../trust/trust-reactions.ts";
import type { VerifiedAssertion } from "./client-assertion.ts";

/** What a grant established before the decision: who acts, for whom, and what it asks. */
export interface GrantSubject {
  /** The authenticated agent's assertion: its key and the bytes the audit entry names. */
  assertion: VerifiedAssertion;
  /** On whose behalf: the agent itself, or the delegation chain's `sub`. */
  principal: string;
  /** The command the scope names. */
  command: string;
  /** Delegation token hashes, root first (empty without a chain). */
  chain: readonly string[];
  /** The chain's delegate and highest `lvl`, when there is a chain. */
  delegate: string | null;
  minLevel: number;
}

/** An audited `allow`: the audit entry's index. */
export interface GrantAllowed {
  auditIndex: number;
}

/**
 * Decides an OAuth grant with the steps of `POST /v1/authorize` that apply once the caller and
 * any chain are verified (docs/oauth.md 2.5): revocation of the agent's key and epoch (step 4),
 * the behaviour profile, the trust gate and the sandbox (step 6, docs/spec/trust.md 8), then the
 * audit entry (step 8), written for a refusal too. Throws the refusal's code (ERR_REVOKED_KEY,
 * ERR_REVOKED_EPOCH, ERR_REVOKED_TOKEN, ERR_TRUST_LEVEL_TOO_LOW, ERR_SANDBOX_RATE_LIMITED or
 * ERR_APPROVAL_REQUIRED) once it is audited.
 *
 * @example
 * const { auditIndex } = await decideGrant(context, subject, now);
 */
export async function decideGrant(
  context: RelayContext,
  subject: GrantSubject,
  now: number,
): Promise<GrantAllowed> {
  const refusal = revocationOf(context, subject.assertion, now) ?? gatesOf(context, subject, now);
  const index = await audit(context, subject, refusal?.code ?? null, now);
  if (refusal !== undefined) {
    throw new RelayError(refusal.code, refusal.message, { details: { auditIndex: index } });
  }
  return { auditIndex: index };
}

// The gates a low-trust agent meets on /v1/authorize, in the same order, so a token is never an
// easier way around the sandbox than an invocation.
function gatesOf(
  context: RelayContext,
  subject: GrantSubject,
  now: number,
): RelayError | undefined {
  const actor = subject.assertion.agent;
  observeCall(reactionDeps(context), {
    agent: actor,
    command: subject.command,
    principal: subject.principal,
  });
  const gate = trustGate(context, { actor, command: subject.command, minLevel: subject.minLevel });
  if (gate !== undefined) return gate;
  const invocationHash = tokenHash(subject.assertion.compact);
  const sandbox = sandboxGate(context, { actor, command: subject.command, invocationHash }, now);
  if ("refusal" in sandbox) return sandbox.refusal;
  // A token request cannot wait for approvers: the agent asks /v1/authorize, which can.
  if (sandbox.approvals.length > 0) {
    return new RelayError("ERR_APPROVAL_REQUIRED", "sandbox: approvals need /v1/authorize");
  }
  return undefined;
}

function revocationOf(
  context: RelayContext,
  assertion: VerifiedAssertion,
  now: number,
): RelayError | undefined {
  const found = context.revocations.check({
    tokenHash: tokenHash(assertion.compact),
    issuer: assertion.agent,
    kid: jwkThumbprint(assertion.agentKey),
    seenAt: now,
    role: "invocation",
  });
  if (found === false || found === null || found === undefined) return undefined;
  const kind = typeof found === "object" ? found.kind : found;
  // An unknown answer counts as revoked: fail closed.
  const code: RelayErrorCode =
    kind === "key"
      ? "ERR_REVOKED_KEY"
      : kind === "epoch"
        ? "ERR_REVOKED_EPOCH"
        : "ERR_REVOKED_TOKEN";
  return new RelayError(code, "client: revoked");
}

async function audit(
  context: RelayContext,
  subject: GrantSubject,
  reason: string | null,
  now: number,
): Promise<number> {
  const decision = reason === null ? "allow" : "deny";
  const entry = buildDecisionEntry({
    time: now,
    relay: context.identity.did,
    actor: subject.assertion.agent,
    cmd: subject.command,
    principal: subject.principal,
    instructor: null,
    delegate: subject.delegate,
    chain: subject.chain,
    decision,
    reason,
    // The assertion is what the agent signed for this grant: its hash names it in the log.
    invocation: subject.assertion.compact,
  });
  const { index } = await context.audit.append({ entry });
  context.metrics.recordDecision(decision, reason ?? "none");
  return index;
}
