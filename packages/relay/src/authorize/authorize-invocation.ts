import type { ChainVerification } from "@ants/protocol";
import { REPLAY_WINDOW_SECONDS } from "../app/create-context.ts";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import type { LiveSession } from "../sessions/session-registry.ts";
import { partiesOf, sandboxGate } from "../trust/sandbox-gate.ts";
import { observeCall, reactionDeps } from "../trust/trust-reactions.ts";
import { signAccessToken } from "./access-token.ts";
import {
  AUTHORIZE_PATH,
  type AuthorizeBody,
  bindInvocation,
  checkResource,
} from "./authorize-request.ts";
import { approvalStatus, type DecisionAnswer } from "./decision-answer.ts";
import { type DecisionSubject, instructorsOf, recordDecision } from "./record-decision.ts";
import { verifyForDecision } from "./verify-for-decision.ts";

/** How long a pending invocation waits for approvals at most. */
export const PENDING_TTL_SECONDS = 3600;

/**
 * `POST /v1/authorize`: the decision of docs/spec/authorize.md section 1.1, in order. Refusals
 * before the caller is authenticated throw (problem details, never audited); every other answer
 * is audited before it is returned.
 *
 * @example
 * const answer = await authorizeInvocation(context, session, body);
 */
export async function authorizeInvocation(
  context: RelayContext,
  session: LiveSession,
  body: AuthorizeBody,
): Promise<DecisionAnswer> {
  const now = context.now();
  if (body.resource !== undefined)
    checkResource(body.resource, { publicUrl: context.publicUrl, did: context.identity.did });
  const url = context.publicUrl + AUTHORIZE_PATH;
  const bound = bindInvocation(body.invocation, session, { url, now });
  const inputs = {
    bound,
    invocation: body.invocation,
    chain: body.chain,
    now,
    url,
    sessionKey: session.publicKey,
    jkt: session.jkt,
  };
  const outcome = verifyForDecision(context, inputs);
  await rememberInvocation(context, bound.claims.iss, bound.claims.jti, now);
  const subject: DecisionSubject = {
    bound,
    invocation: body.invocation,
    chain: body.chain,
    resource: body.resource,
  };
  if ("refusal" in outcome) {
    return deny(context, subject, outcome.refusal.code, outcome.refusal.message, now);
  }

  const result = outcome.result;
  subject.result = result;
  // The behaviour profile sees every verified call; a drop applies to this call's gate.
  observeCall(reactionDeps(context), {
    agent: result.actor,
    command: result.command,
    principal: result.principal,
  });
  const gate = trustGate(context, result);
  if (gate !== undefined) return deny(context, subject, gate.code, gate.message, now);
  const sandbox = sandboxGate(context, result, now);
  if ("refusal" in sandbox) {
    return deny(context, subject, sandbox.refusal.code, sandbox.refusal.message, now);
  }
  const approvals = [...result.approvals, ...sandbox.approvals];
  if (approvals.length > 0) {
    return pend(context, subject, { ...result, approvals }, body, session, now);
  }
  return allow(context, subject, result, { resource: body.resource, jkt: session.jkt, now });
}

// Step 5: an invocation is accepted once per actor and `jti` within its window: in memory, and
// on a store shared by several instances also in the store (docs/spec/sessions.md 5.3).
async function rememberInvocation(
  context: RelayContext,
  actor: string,
  jti: string,
  now: number,
): Promise<void> {
  const key = `${actor}:${jti}`;
  const fresh =
    context.invocationReplay.checkAndRemember(key, now) &&
    (!context.claimInvocationsInStore ||
      (await context.store.replay.claimInvocation(key, now + REPLAY_WINDOW_SECONDS, now)));
  if (!fresh) {
    throw new RelayError("ERR_INVOCATION_REPLAYED", "jti: this invocation was already submitted");
  }
}

/**
 * Step 6: the level the command needs (relay policy, and the chain's highest `lvl`) against the
 * caller's level. Returns the refusal, or undefined when the gate opens.
 */
export function trustGate(
  context: RelayContext,
  result: Pick<ChainVerification, "actor" | "command" | "minLevel">,
): RelayError | undefined {
  const needed = Math.max(context.policy.levelFor(result.command), result.minLevel);
  const level = context.trustLevelOf(result.actor);
  if (level >= needed) return undefined;
  return new RelayError(
    "ERR_TRUST_LEVEL_TOO_LOW",
    `level: ${result.command} needs L${needed}, the actor is L${level}`,
  );
}

/** Audits and answers a `deny`. */
export async function deny(
  context: RelayContext,
  subject: DecisionSubject,
  reason: string,
  detail: string,
  now: number,
): Promise<DecisionAnswer> {
  const recorded = await recordDecision(context, subject, "deny", reason, now);
  const { claims } = subject.bound;
  return {
    decision: "deny",
    ...pick(recorded),
    actor: claims.iss,
    principal: subject.result?.principal ?? claims.sub,
    command: claims.cmd,
    reason,
    detail,
  };
}

/** Audits an `allow` and signs the access token when a resource was named. */
export async function allow(
  context: RelayContext,
  subject: DecisionSubject,
  result: ChainVerification,
  target: { resource: string | undefined; jkt: string; now: number },
): Promise<DecisionAnswer> {
  const recorded = await recordDecision(context, subject, "allow", null, target.now);
  // Its outcome may now be reported by the parties (docs/spec/trust.md 3.4).
  context.trust.actions.remember(result.invocationHash, {
    actor: result.actor,
    parties: partiesOf(result),
    at: target.now,
  });
  const answer: DecisionAnswer = {
    decision: "allow",
    ...pick(recorded),
    actor: result.actor,
    principal: result.principal,
    command: result.command,
  };
  if (target.resource === undefined) return answer;
  const { token, expiresAt } = signAccessToken(context.identity, {
    issuer: context.publicUrl,
    resource: target.resource,
    principal: result.principal,
    actor: result.actor,
    instructors: instructorsOf(result),
    command: result.command,
    argsHash: recorded.argsHash,
    invocationHash: recorded.invocationHash,
    jkt: target.jkt,
    auditIndex: recorded.auditIndex,
    now: target.now,
    notAfter: result.expiresAt,
  });
  return {
    ...answer,
    accessToken: token,
    accessTokenExpiresAt: expiresAt,
    resource: target.resource,
  };
}

// Step 7: the chain asks for approvals; keep the request so it is decided again without resending.
async function pend(
  context: RelayContext,
  subject: DecisionSubject,
  result: ChainVerification,
  body: AuthorizeBody,
  session: LiveSession,
  now: number,
): Promise<DecisionAnswer> {
  const requirements = result.approvals.map(({ k, of }) => ({ k, of: [...of] }));
  const expiresAt = Math.min(now + PENDING_TTL_SECONDS, result.expiresAt);
  const recorded = await recordDecision(context, subject, "pending", "ERR_APPROVAL_REQUIRED", now);
  const answer: DecisionAnswer = {
    decision: "pending",
    ...pick(recorded),
    actor: result.actor,
    principal: result.principal,
    command: result.command,
    approvals: approvalStatus(requirements, []),
    expiresAt,
  };
  const request: StoredRequest = {
    invocation: body.invocation,
    chain: body.chain,
    sessionKey: Buffer.from(session.publicKey).toString("base64url"),
    jkt: session.jkt,
    auditIndex: recorded.auditIndex,
  };
  await context.store.pending.put({
    hash: result.invocationHash,
    actor: result.actor,
    principal: result.principal,
    command: result.command,
    resource: body.resource ?? "",
    request: JSON.stringify(request),
    requirements: JSON.stringify(requirements),
    createdAt: now,
    expiresAt,
    status: "pending",
    outcome: null,
  });
  return answer;
}

/** What a pending record keeps of its request, to decide it again later. */
export interface StoredRequest {
  invocation: string;
  chain: string[];
  /** The session key that signed the invocation, base64url, and its thumbprint. */
  sessionKey: string;
  jkt: string;
  /** Audit index of the `pending` decision. */
  auditIndex: number;
}

function pick(recorded: { auditIndex: number; invocationHash: string }) {
  return { invocationHash: recorded.invocationHash, auditIndex: recorded.auditIndex };
}
