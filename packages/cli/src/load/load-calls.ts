import { type Decision, isClientError, prepareRotation, withApprovals } from "@ants/client";
import { createSigner, generateKeyPair, signOutcome, signRevocationRequest } from "@ants/protocol";
import {
  hashOf,
  type Lane,
  LOAD_COMMAND,
  type LoadFixture,
  newLeaf,
  type Rotator,
} from "./load-fixtures.ts";
import type { LoadKind, LoadStats } from "./load-stats.ts";

/** A decision the relay acknowledged: its audit entry must hold exactly this. */
export interface AckedDecision {
  auditIndex: number;
  invocationHash: string;
  actor: string;
  command: string;
  decision: Decision["decision"];
  reason: string | null;
}

/** What the relay acknowledged during a run; a crash must lose none of it. */
export interface LoadLedger {
  decisions: AckedDecision[];
  revocations: { seq: number; target: string }[];
  keyEvents: { agent: string; seq: number; event: string }[];
  /** Chains whose leaf revocation was acknowledged: every later use must be denied. */
  revokedChains: { lane: Lane; chain: string[] }[];
}

/** The state one run's calls share. */
export interface LoadContext {
  readonly fixture: LoadFixture;
  readonly stats: LoadStats;
  readonly ledger: LoadLedger;
  /** Allowed invocations not yet reported on, newest last. */
  readonly allows: { lane: Lane; hash: string }[];
  readonly resource: string;
  /** Told when each call starts and ends, e.g. to act while a revocation is in flight. */
  readonly onCall?: ((kind: LoadKind, phase: "start" | "end") => void) | undefined;
  sequence: number;
}

const MAX_PENDING_ALLOWS = 1024;
const newSigner = () => createSigner(generateKeyPair().seed);

/** Runs one step, recording its latency from `since` and its error code if it throws. */
async function step<T>(
  context: LoadContext,
  kind: LoadKind,
  since: number,
  call: () => Promise<T>,
): Promise<T | undefined> {
  context.onCall?.(kind, "start");
  try {
    const answer = await call();
    context.stats.record(kind, performance.now() - since);
    return answer;
  } catch (error) {
    const code = isClientError(error) ? error.code : "ERR_INTERNAL";
    context.stats.fail(kind, code, performance.now() - since);
    return undefined;
  } finally {
    context.onCall?.(kind, "end");
  }
}

function expectDecision(
  context: LoadContext,
  kind: LoadKind,
  decision: Decision,
  expected: Decision["decision"],
): boolean {
  context.ledger.decisions.push(toAcked(decision));
  if (decision.decision === expected) return true;
  const got = `${decision.decision}${decision.reason === undefined ? "" : ` ${decision.reason}`}`;
  context.stats.mismatch({ kind, expected, got });
  return false;
}

function invoke(context: LoadContext, lane: Lane, chain: string[]): Promise<Decision> {
  return lane.actor.agent.invoke({
    cmd: LOAD_COMMAND,
    args: { n: context.sequence++ },
    chain,
    ...(lane.approval ? {} : { resource: context.resource }),
  });
}

/**
 * `POST /v1/authorize` on a lane: `allow` expected, unless a revocation of its leaf was in flight
 * at some point between the call and its answer.
 */
export async function callAuthorize(context: LoadContext, lane: Lane, since: number) {
  const leaf = lane.leaf;
  const uncertainBefore = lane.revoking;
  const decision = await step(context, "authorize", since, () =>
    invoke(context, lane, [lane.root, leaf]),
  );
  if (decision === undefined) return;
  if (uncertainBefore || lane.revoking || lane.leaf !== leaf) {
    context.ledger.decisions.push(toAcked(decision));
    return;
  }
  if (!expectDecision(context, "authorize", decision, "allow")) return;
  context.allows.push({ lane, hash: decision.invocationHash });
  if (context.allows.length > MAX_PENDING_ALLOWS) context.allows.shift();
}

function toAcked(decision: Decision): AckedDecision {
  const { auditIndex, invocationHash, actor, command } = decision;
  const reason = decision.reason ?? null;
  return { auditIndex, invocationHash, actor, command, decision: decision.decision, reason };
}

/** `POST /v1/authorize` with a chain whose revocation was acknowledged: `deny` expected. */
export async function callRevokedChain(
  context: LoadContext,
  revoked: { lane: Lane; chain: string[] },
  since: number,
) {
  const decision = await step(context, "authorize", since, () =>
    invoke(context, revoked.lane, revoked.chain),
  );
  if (decision === undefined) return;
  if (expectDecision(context, "authorize", decision, "deny")) {
    if (decision.reason === "ERR_REVOKED_TOKEN") return;
    const got = `deny ${decision.reason}`;
    context.stats.mismatch({ kind: "authorize", expected: "deny ERR_REVOKED_TOKEN", got });
  }
}

/**
 * An approval lane: authorize (`pending`), the delegator approves, the actor asks again
 * (`allow`). Each step is timed on its own.
 */
export async function callApproval(context: LoadContext, lane: Lane, since: number) {
  const pending = await step(context, "authorize", since, () =>
    invoke(context, lane, [lane.root, lane.leaf]),
  );
  if (pending === undefined || lane.revoking) return;
  if (!expectDecision(context, "authorize", pending, "pending")) return;
  const hash = pending.invocationHash;
  const approved = await step(context, "approve", performance.now(), () =>
    lane.delegator.agent.approve(hash),
  );
  if (approved === undefined) return;
  if (!approved.satisfied) {
    context.stats.mismatch({ kind: "approve", expected: "satisfied", got: "not satisfied" });
    return;
  }
  const decided = await step(context, "pending", performance.now(), () =>
    lane.actor.agent.pending(hash),
  );
  if (decided !== undefined) expectDecision(context, "pending", decided, "allow");
}

/** `POST /v1/outcomes`: the delegator reports an allowed action of its actor. */
export async function callOutcome(
  context: LoadContext,
  allowed: { lane: Lane; hash: string },
  since: number,
) {
  const { lane, hash } = allowed;
  const outcome = signOutcome(
    { sub: lane.actor.did, aud: context.fixture.relayDid, inv: hash, res: "success" },
    { signer: lane.delegator.signer },
  );
  await step(context, "outcome", since, () =>
    context.fixture.relay.request("POST", "/v1/outcomes", { body: { outcome } }),
  );
}

/**
 * `POST /v1/revocations` of a lane's leaf by its delegator. Once acknowledged, the old chain is
 * kept for calls that must be denied, and the lane gets a fresh leaf.
 */
export async function callRevoke(context: LoadContext, lane: Lane, since: number) {
  const chain = [lane.root, lane.leaf];
  const request = signRevocationRequest(
    { aud: context.fixture.relayDid, kind: "token", target: hashOf(lane.leaf), reason: "load" },
    { signer: lane.delegator.signer },
  );
  lane.revoking = true;
  const answer = await step(context, "revoke", since, () =>
    context.fixture.relay.request<{ entry: { seq: number; target: string } }>(
      "POST",
      "/v1/revocations",
      // The leaf goes along: the relay may not have seen it in a chain yet.
      { body: { request, token: lane.leaf } },
    ),
  );
  if (answer === undefined) return; // the lane stays uncertain: it may or may not be revoked
  context.ledger.revocations.push({ seq: answer.entry.seq, target: answer.entry.target });
  context.ledger.revokedChains.push({ lane, chain });
  lane.leaf = newLeaf(lane);
  lane.revoking = false;
}

/** `POST /v1/agents/{id}/events`: a routine rotation signed by the committed next key. */
export async function callRotate(context: LoadContext, rotator: Rotator, since: number) {
  const fresh = newSigner();
  const event = prepareRotation(rotator.document, {
    signer: rotator.next,
    auth: "next",
    newPublicKey: rotator.next.publicKey,
    nextPublicKey: fresh.publicKey,
  });
  rotator.busy = true;
  const path = `/v1/agents/${encodeURIComponent(rotator.did)}/events`;
  const answer = await step(context, "rotate", since, () =>
    context.fixture.relay.request<{ seq: number; receivedAt: number }>("POST", path, {
      body: { event },
    }),
  );
  if (answer === undefined) return; // unknown whether it landed: this rotator stays busy
  context.ledger.keyEvents.push({ agent: rotator.did, seq: answer.seq, event });
  rotator.document = withApprovals(rotator.document, event, [], answer.receivedAt);
  rotator.next = fresh;
  rotator.busy = false;
}
