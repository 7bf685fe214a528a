import {
  type KeyResolver,
  parseOutcome,
  parseVouch,
  tokenHash,
  type VouchClaims,
  verifyOutcome,
  verifyVouch,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { RevocationSet } from "../revocation/revocation-set.ts";
import type { LiveSession } from "../sessions/session-registry.ts";
import type { RelayStore } from "../store/relay-store.ts";
import type { StakeEvent } from "../store/trust-repository.ts";
import type { TrustService } from "./trust-service.ts";
import type { UptimeSummary } from "./uptime-window.ts";

/** What the trust submissions need from the relay. */
export interface SubmissionDeps {
  trust: TrustService;
  relayDid: string;
  store: Pick<RelayStore, "agents">;
  revocations: RevocationSet;
  operators: ReadonlySet<string>;
  now: () => number;
  /** The signer's key per its key event log (docs/spec/key-events.md 8.4); default its did:key. */
  resolveKey?: KeyResolver;
}

/** A vouch as the API answers it. */
export interface VouchView {
  hash: string;
  voucher: string;
  vouchee: string;
  level: number;
  issuedAt: number;
  expiresAt: number;
}

/**
 * `POST /v1/vouches` (docs/spec/trust.md 3.1, 3.3): verifies the statement, checks that both
 * agents are registered and the signer's key and the statement are not revoked, stores it and
 * adds it to the vouch graph. The same statement again answers `created: false`. Throws coded
 * errors.
 *
 * @example
 * const { vouch, created } = await submitVouch(deps, token);
 */
export async function submitVouch(
  deps: SubmissionDeps,
  token: string,
): Promise<{ vouch: VouchView; created: boolean }> {
  const now = deps.now();
  const parsed = parseVouch(token);
  const claims = verifyVouch(parsed, statementOptions(deps, now));
  assertKeyLive(deps, parsed.jws.kid, now);
  await knowAgent(deps, claims.iss, "iss");
  await knowAgent(deps, claims.sub, "sub");
  const hash = tokenHash(token);
  if (deps.revocations.revokedToken(hash) !== 0) {
    throw new RelayError("ERR_REVOKED_TOKEN", "vouch: revoked");
  }

  const vouch = viewOf(hash, claims);
  const record = { ...vouch, receivedAt: now, statement: token };
  const created = await deps.trust.deps.repository.putVouch(record);
  if (created && deps.trust.engine.addVouch(vouch)) await deps.trust.refresh();
  return { vouch, created };
}

/**
 * `POST /v1/outcomes` (docs/spec/trust.md 3.2 to 3.4): verifies the report, finds the action it
 * names among those the relay authorized for `sub`, checks the reporter was a party to it, and
 * counts it at the reporter's weight now. A report at weight 0 (an L0 reporter) changes nothing
 * and is not stored. Throws ERR_OUTCOME_ACTION_UNKNOWN, ERR_OUTCOME_NOT_PARTY,
 * ERR_TRUST_STATEMENT_REPLAYED and the verification codes.
 *
 * @example
 * const { counted, weight } = await submitOutcome(deps, token);
 */
export async function submitOutcome(
  deps: SubmissionDeps,
  token: string,
): Promise<{ counted: boolean; weight: number }> {
  const now = deps.now();
  const parsed = parseOutcome(token);
  const claims = verifyOutcome(parsed, statementOptions(deps, now));
  assertKeyLive(deps, parsed.jws.kid, now);
  const action = deps.trust.actions.find(claims.inv, now);
  if (action === undefined || action.actor !== claims.sub) {
    throw new RelayError("ERR_OUTCOME_ACTION_UNKNOWN", "inv: no recent action of sub allowed");
  }
  const pinned = deps.trust.deps.config.pinned[claims.iss] !== undefined;
  if (!pinned && !action.parties.includes(claims.iss)) {
    throw new RelayError("ERR_OUTCOME_NOT_PARTY", "iss: not a party to this action");
  }

  const weight = deps.trust.engine.reporterWeight(claims.iss);
  if (weight === 0) return { counted: false, weight };
  const outcome = {
    hash: tokenHash(token),
    subject: claims.sub,
    reporter: claims.iss,
    invocation: claims.inv,
    success: claims.res === "success",
    weight,
    at: now,
  };
  if (!(await deps.trust.deps.repository.putOutcome({ ...outcome, statement: token }))) {
    throw new RelayError("ERR_TRUST_STATEMENT_REPLAYED", "inv: already reported by iss");
  }
  deps.trust.engine.recordOutcome(outcome);
  await deps.trust.refresh();
  return { counted: true, weight };
}

/**
 * `POST /v1/heartbeats` (docs/spec/trust.md 3.5): the authenticated session's DPoP proof is the
 * signed heartbeat. Stores the slot when it is newly covered.
 *
 * @example
 * const { covered, uptime } = await recordHeartbeat(deps, session);
 */
export async function recordHeartbeat(
  deps: SubmissionDeps,
  session: LiveSession,
): Promise<{ slot: number; covered: boolean; uptime: UptimeSummary }> {
  const now = deps.now();
  const engine = deps.trust.engine;
  const slot = engine.uptime.slotOf(now);
  const covered = engine.recordHeartbeat(session.agent, now);
  if (covered) {
    await deps.trust.deps.repository.putHeartbeatSlot(session.agent, slot);
    await deps.trust.refresh();
  }
  const registeredAt = engine.state(session.agent).registeredAt ?? now;
  return { slot, covered, uptime: engine.uptime.summary(session.agent, registeredAt, now) };
}

/**
 * `POST /v1/agents/{id}/stake` (docs/spec/trust.md 3.6): an operator sets or slashes an agent's
 * stake. A slash lowers the level at once. Throws ERR_TRUST_NOT_OPERATOR or ERR_AGENT_NOT_FOUND.
 *
 * @example
 * await changeStake(deps, { operator, agent, action: "slash", amount: 500, reason: "fraud" });
 */
export async function changeStake(
  deps: SubmissionDeps,
  input: Omit<StakeEvent, "at">,
): Promise<{ agent: string; stake: number; level: number }> {
  if (!deps.operators.has(input.operator)) {
    throw new RelayError("ERR_TRUST_NOT_OPERATOR", "caller: not an operator of this relay");
  }
  await knowAgent(deps, input.agent, "id");
  const now = deps.now();
  const stake = await deps.trust.deps.repository.changeStake({ ...input, at: now });
  deps.trust.engine.setStake(input.agent, stake);
  await deps.trust.deps.audit?.appendEvent({
    event: "trust",
    action: input.action === "set" ? "stake-set" : "stake-slashed",
    subject: input.agent,
    actor: input.operator,
    data: { amount: input.amount, stake, reason: input.reason },
    time: now,
  });
  await deps.trust.refresh();
  return { agent: input.agent, stake, level: deps.trust.levelOf(input.agent) };
}

function viewOf(hash: string, claims: VouchClaims): VouchView {
  return {
    hash,
    voucher: claims.iss,
    vouchee: claims.sub,
    level: claims.lvl,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
  };
}

// A revoked key speaks for no one (as for revocation requests).
function assertKeyLive(deps: SubmissionDeps, kid: string, now: number): void {
  const seq = deps.revocations.revokedKey(kid, now);
  if (seq !== 0) {
    throw new RelayError("ERR_REVOKED_KEY", "statement: signed by a revoked key", {
      details: { seq },
    });
  }
}

async function knowAgent(deps: SubmissionDeps, agent: string, field: string): Promise<void> {
  const record = await deps.store.agents.get(agent);
  if (record === undefined) throw new RelayError("ERR_AGENT_NOT_FOUND", `${field}: not registered`);
  deps.trust.engine.know(agent, record.registeredAt, record.instances);
}

// A statement is seen now, so only the key current now signs for its issuer.
function statementOptions(deps: SubmissionDeps, now: number) {
  const resolve = deps.resolveKey === undefined ? {} : { resolveKey: deps.resolveKey };
  return { relay: deps.relayDid, now, ...resolve };
}
