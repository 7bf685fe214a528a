import {
  type HandleChallenge,
  type HandleStatementClaims,
  handleDifficulty,
  issueChallenge,
  publicKeyFromDid,
  validateHandle,
  verifySolution,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { HandleRegistry } from "./handle-registry.ts";
import type { HandleStatus } from "./handle-status.ts";
import { lostRace } from "./handle-writes.ts";

/** The answer to `POST /v1/handles/challenge`: the challenge and how its difficulty was set. */
export interface IssuedHandleChallenge {
  challenge: HandleChallenge;
  difficulty: {
    expectedHashes: number;
    lengthFactor: number;
    rateFactor: number;
    memoryHard: boolean;
    /** Claims the relay accepted in the last hour, which set `rateFactor`. */
    recentClaims: number;
  };
}

/**
 * Issues a stateless proof-of-work challenge for a handle and an agent (docs/spec/handles.md 8.1),
 * refusing early what a claim would refuse anyway: a reserved or invalid name, an unknown agent,
 * a name that is held or quarantined, an agent already at its limit. The difficulty follows the
 * name's length and the last hour's claims, and is published in the answer.
 *
 * @example
 * const { challenge } = await issueHandleChallenge(registry, { handle: "Kevin", agent });
 */
export async function issueHandleChallenge(
  registry: HandleRegistry,
  input: { handle: string; agent: string },
): Promise<IssuedHandleChallenge> {
  const { policy, deps } = registry;
  const now = deps.now();
  const handle = validateHandle(input.handle, { reserved: policy.reserved });
  publicKeyFromDid(input.agent);
  if ((await deps.store.agents.get(input.agent)) === undefined) {
    throw new RelayError("ERR_AGENT_NOT_FOUND", "agent: not registered at this relay");
  }
  assertClaimable(await registry.status(handle, now), handle);
  if ((await registry.handlesOf(input.agent, now)).length >= policy.maxPerAgent) {
    throw new RelayError(
      "ERR_HANDLE_LIMIT_REACHED",
      `agent: holds the most handles allowed (${policy.maxPerAgent})`,
    );
  }

  const recentClaims = await registry.recentClaims(now);
  const computed = handleDifficulty({
    handle,
    recentRegistrations: recentClaims,
    baselineRegistrations: policy.baselineClaimsPerHour,
    baseDifficulty: policy.baseDifficulty,
  });
  const expectedHashes = policy.fixedDifficulty ?? computed.difficulty;
  const challenge = issueChallenge({
    handle,
    agent: input.agent,
    difficulty: expectedHashes,
    expiresAt: now + policy.challengeLifetimeSeconds,
    secret: registry.secret,
  });
  const { lengthFactor, rateFactor, memoryHard } = computed;
  return {
    challenge,
    difficulty: { expectedHashes, lengthFactor, rateFactor, memoryHard, recentClaims },
  };
}

/** A claim whose statement the route has already verified against the caller's session. */
export interface ClaimInput {
  statement: string;
  claims: HandleStatementClaims;
  challenge: unknown;
  solution: unknown;
}

/**
 * Claims a handle (docs/spec/handles.md 8.4), cheapest check first: the statement names the
 * challenge's seed; the proof of work verifies for this handle and agent (one HMAC, 33 hashes,
 * scrypt for short names); the seed was never spent; the name is free; then one transaction
 * spends the seed, checks the agent's limit, writes the holding and records `claimed`.
 *
 * @example
 * const record = await claimHandle(registry, { statement, claims, challenge, solution });
 */
export async function claimHandle(registry: HandleRegistry, input: ClaimInput) {
  const { policy, deps } = registry;
  const now = deps.now();
  const agent = input.claims.iss;
  const handle = validateHandle(input.claims.handle, { reserved: policy.reserved });

  const seed = (input.challenge as { seed?: unknown } | null)?.seed;
  if (seed !== input.claims.seed) {
    throw new RelayError("ERR_HANDLE_STATEMENT_INVALID", "seed: not the challenge's seed");
  }

  const challenge = await verifySolution({
    challenge: input.challenge,
    solution: input.solution,
    handle,
    agent,
    secret: registry.secret,
    now,
  });

  if (await deps.store.handles.isSeedSpent(challenge.seed)) {
    throw new RelayError("ERR_POW_REPLAYED", "challenge.seed: this solution was already used");
  }

  const status = await settledStatus(registry, handle, now);
  assertClaimable(status, handle);
  await registry.settleIfReturning(agent, now);

  const next = {
    name: handle,
    agent,
    state: "held" as const,
    since: now,
    endedAt: null,
    endReason: null,
    quarantineUntil: null,
    offer: null,
    version: 0,
  };
  await registry.commit(
    {
      expectedVersion: status.record?.version ?? 0,
      next,
      seed: { seed: challenge.seed, expiresAt: challenge.expiresAt },
      limit: { agent, max: policy.maxPerAgent },
      event: {
        at: now,
        kind: "claimed",
        handle,
        agent,
        actor: agent,
        statement: input.statement,
        detail: JSON.stringify({ seed: challenge.seed, difficulty: challenge.difficulty }),
      },
    },
    () => lostRace(handle),
  );
  registry.activity.hold(agent, now);
  return next;
}

/**
 * The status of a name about to change hands. A lapse the sweep has not written yet is written
 * first, so the event log shows the old holder losing the name before the new one takes it.
 */
async function settledStatus(registry: HandleRegistry, handle: string, now: number) {
  const status = await registry.status(handle, now);
  if (status.kind === "held" || status.record?.state !== "held") return status;
  const holder = status.record.agent;
  await registry.settleLapses(holder, registry.activity.lastSeen(holder) ?? 0);
  return registry.status(handle, now);
}

/**
 * Throws ERR_HANDLE_TAKEN for a held name and ERR_HANDLE_QUARANTINED, with its end, for a name in
 * quarantine.
 *
 * @example
 * assertClaimable(await registry.status("kevin"), "kevin");
 */
export function assertClaimable(status: HandleStatus, handle: string): void {
  if (status.kind === "held") {
    throw new RelayError("ERR_HANDLE_TAKEN", `handle: "${handle}" is already held`, {
      details: { holder: status.record.agent },
    });
  }
  if (status.kind === "quarantined") {
    throw new RelayError(
      "ERR_HANDLE_QUARANTINED",
      `handle: "${handle}" is in quarantine until ${status.until}`,
      { details: { until: status.until } },
    );
  }
}
