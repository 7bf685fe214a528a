import { jwkThumbprint, parseRevocationRequest, publicKeyFromDid } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import type { RevocationSet } from "../revocation/revocation-set.ts";
import type { SessionRegistry } from "../sessions/session-registry.ts";
import type { RevocationRecord } from "../store/relay-store.ts";
import type { BehaviourReaction } from "./agent-trust-state.ts";
import type { TrustService } from "./trust-service.ts";

/** What the reactions need from the relay. */
export interface ReactionDeps {
  trust: TrustService;
  relayDid: string;
  sessions: SessionRegistry;
  revocations: RevocationSet;
  operators: ReadonlySet<string>;
  now: () => number;
}

/**
 * The dependencies of the trust reactions, from the relay context.
 *
 * @example
 * await observeLogin(reactionDeps(context), { agent, registeredAt, declared: 1, live: 2 });
 */
export function reactionDeps(context: RelayContext): ReactionDeps {
  return {
    trust: context.trust,
    relayDid: context.identity.did,
    sessions: context.sessions,
    revocations: context.revocations,
    operators: context.revocation.operators,
    now: context.now,
  };
}

/**
 * A login attempt (docs/spec/trust.md 4.6): `live` counts the instances that would be live with
 * it. More than declared is a copied key: the agent drops to L0 at once, every live session of
 * it is revoked (a fresh identity login is required), and the drop is an audit entry. A restart
 * replaces its instance's session and never gets here with more than declared.
 *
 * @example
 * await observeLogin(deps, { agent, registeredAt, declared: 1, live: 2 });
 */
export async function observeLogin(
  deps: ReactionDeps,
  input: { agent: string; registeredAt: number; declared: number; live: number },
): Promise<BehaviourReaction> {
  deps.trust.engine.know(input.agent, input.registeredAt, input.declared);
  const reaction = deps.trust.engine.observeInstances(input.agent, input.declared, input.live);
  if (reaction === "drop") {
    await dropAgent(deps, input.agent, "instances-exceeded", {
      declared: input.declared,
      live: input.live,
    });
  }
  return reaction;
}

/**
 * One authorized call, for the behaviour profile. In memory and synchronous, so a drop applies
 * to this very call's trust gate; revoking sessions and the audit entries follow off the path.
 *
 * @example
 * observeCall(deps, { agent: actor, command, principal });
 */
export function observeCall(
  deps: ReactionDeps,
  call: { agent: string; command: string; principal: string },
): BehaviourReaction {
  const now = deps.now();
  const reaction = deps.trust.engine.observeCall(call.agent, call.command, call.principal, now);
  const summary = () => deps.trust.engine.behaviour.summary(call.agent, now);
  if (reaction === "relogin") {
    deps.trust.track(demandLogin(deps, call.agent, summary()));
  } else if (reaction === "drop") {
    deps.trust.track(dropAgent(deps, call.agent, "behaviour-deviation", { profile: summary() }));
  }
  return reaction;
}

/**
 * A revocation applied (docs/spec/trust.md 4.3): a revoked vouch statement leaves the graph,
 * and an operator's revocation of an agent's key or issuer epoch is misbehaviour: the agent
 * gets and passes no vouch credit, and its vouchers lose capacity for a while.
 *
 * @example
 * revocations.onApply((entry) => onRevocation(deps, entry));
 */
export function onRevocation(deps: ReactionDeps, entry: RevocationRecord): void {
  const engine = deps.trust.engine;
  if (entry.kind === "token" && engine.removeVouch(entry.target)) {
    deps.trust.track(deps.trust.refresh());
    return;
  }
  if (!deps.operators.has(entry.revoker)) return;
  const agent = misbehavingAgent(deps, entry);
  if (agent === undefined || agent === entry.revoker) return;
  const vouchers = engine.markMisbehaved(agent, deps.now());
  deps.trust.track(recordMisbehaviour(deps, agent, vouchers, entry));
}

async function recordMisbehaviour(
  deps: ReactionDeps,
  agent: string,
  vouchers: string[],
  entry: RevocationRecord,
): Promise<void> {
  for (const did of [agent, ...vouchers]) await deps.trust.save(did);
  await deps.trust.deps.audit?.appendEvent({
    event: "trust",
    action: "misbehaviour",
    subject: agent,
    actor: entry.revoker,
    data: { revocation: entry.seq, penalisedVouchers: vouchers },
    time: deps.now(),
  });
  await deps.trust.refresh();
}

function misbehavingAgent(deps: ReactionDeps, entry: RevocationRecord): string | undefined {
  if (entry.kind === "issuer-epoch") return entry.target;
  if (entry.kind !== "key") return undefined;
  if (entry.request !== null) {
    const sub = parseRevocationRequest(entry.request).claims.sub;
    if (sub !== undefined) return sub;
  }
  // Without a `sub`, the key is an agent's inception key: find it among the vouched agents.
  for (const agent of deps.trust.engine.graph.vouchees()) {
    if (agent.startsWith("did:key:") && jwkThumbprint(publicKeyFromDid(agent)) === entry.target) {
      return agent;
    }
  }
  return undefined;
}

async function demandLogin(deps: ReactionDeps, agent: string, profile: unknown): Promise<void> {
  const sessions = await revokeSessions(deps, agent, "trust: fresh identity login required");
  await deps.trust.save(agent);
  await deps.trust.deps.audit?.appendEvent({
    event: "trust",
    action: "login-demanded",
    subject: agent,
    actor: null,
    data: { reason: "behaviour-deviation", sessions, profile },
    time: deps.now(),
  });
}

async function dropAgent(
  deps: ReactionDeps,
  agent: string,
  reason: string,
  data: Record<string, unknown>,
): Promise<void> {
  const now = deps.now();
  const change = deps.trust.engine.hold(agent, reason, now);
  const sessions = await revokeSessions(deps, agent, `trust: ${reason}`);
  await deps.trust.save(agent);
  await deps.trust.deps.audit?.appendEvent({
    event: "trust",
    action: "dropped",
    subject: agent,
    actor: null,
    data: { ...data, reason, sessions, from: change?.from ?? 0 },
    time: now,
  });
}

// Revoking (not merely ending) the sessions refuses them on every relay instance at once.
async function revokeSessions(deps: ReactionDeps, agent: string, reason: string) {
  const now = deps.now();
  const ids = deps.sessions.liveOf(agent, now).map((session) => session.id);
  for (const id of ids) {
    await deps.revocations.revoke({
      kind: "session",
      target: id,
      reason,
      revoker: deps.relayDid,
      at: now,
    });
  }
  return ids;
}
