import { type HandleStatementClaims, tokenHash } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { HandleOffer, HandleRecord } from "../store/handle-repository.ts";
import type { HandleRegistry } from "./handle-registry.ts";
import { endHolding, lostRace } from "./handle-writes.ts";

/** A lifecycle request whose statement the route has verified against the caller's session. */
export interface LifecycleInput {
  statement: string;
  claims: HandleStatementClaims;
}

/**
 * Offers a held handle to another registered agent (docs/spec/handles.md 8.6). Nothing moves
 * until the recipient accepts; a new offer replaces the previous one.
 *
 * @example
 * const offer = await offerTransfer(registry, { statement, claims });
 */
export async function offerTransfer(
  registry: HandleRegistry,
  input: LifecycleInput,
): Promise<HandleOffer> {
  const now = registry.deps.now();
  const to = input.claims.to!;
  const record = await heldByCaller(registry, input.claims, now);
  if ((await registry.deps.store.agents.get(to)) === undefined) {
    throw new RelayError("ERR_AGENT_NOT_FOUND", "to: not registered at this relay");
  }

  const offer: HandleOffer = {
    to,
    hash: tokenHash(input.statement),
    statement: input.statement,
    offeredAt: now,
    expiresAt: now + registry.policy.offerSeconds,
  };
  await registry.commit(
    {
      expectedVersion: record.version,
      next: { ...record, offer },
      event: event(record, now, "transfer-offered", input, {
        to,
        offer: offer.hash,
        expiresAt: offer.expiresAt,
      }),
    },
    () => notHolder(record.name),
  );
  return offer;
}

/**
 * Accepts the transfer offered to the caller: the statement must name the offer's hash, the
 * offer must be live and addressed to the caller, and the caller must have room under its limit.
 * The handle then moves, with a new `since`, and any pending offer is gone.
 *
 * @example
 * const record = await acceptTransfer(registry, { statement, claims });
 */
export async function acceptTransfer(
  registry: HandleRegistry,
  input: LifecycleInput,
): Promise<HandleRecord> {
  const now = registry.deps.now();
  const agent = input.claims.iss;
  const status = await registry.status(input.claims.handle, now);
  const offer = status.kind === "held" ? status.record.offer : null;
  if (
    status.kind !== "held" ||
    offer === null ||
    offer.to !== agent ||
    offer.hash !== input.claims.offer ||
    now >= offer.expiresAt
  ) {
    throw new RelayError(
      "ERR_HANDLE_TRANSFER_NOT_FOUND",
      "offer: no live transfer of this handle to you",
    );
  }
  await registry.settleIfReturning(agent, now);

  const record = status.record;
  const next: HandleRecord = { ...record, agent, since: now, offer: null };
  await registry.commit(
    {
      expectedVersion: record.version,
      next,
      limit: { agent, max: registry.policy.maxPerAgent },
      event: {
        ...event(record, now, "transferred", input, { from: record.agent, offer: offer.hash }),
        agent,
      },
    },
    () => lostRace(record.name),
  );
  registry.activity.hold(agent, now);
  await registry.forgetIfEmpty(record.agent);
  return next;
}

/**
 * Releases a handle the caller holds; it goes into quarantine.
 *
 * @example
 * const { quarantineUntil } = await releaseHandle(registry, { statement, claims });
 */
export async function releaseHandle(
  registry: HandleRegistry,
  input: LifecycleInput,
): Promise<{ quarantineUntil: number }> {
  const now = registry.deps.now();
  const record = await heldByCaller(registry, input.claims, now);
  const write = endHolding(record, now, "released", registry.policy, {
    actor: input.claims.iss,
    statement: input.statement,
  });
  await registry.commit(write, () => notHolder(record.name));
  await registry.forgetIfEmpty(record.agent);
  return { quarantineUntil: write.next.quarantineUntil! };
}

/**
 * Revokes a held handle on an operator's word: a revocation-log entry of kind `handle`, then
 * quarantine. Only DIDs listed in `handles.operators` may revoke.
 *
 * @example
 * const { seq } = await revokeHandle(registry, { statement, claims });
 */
export async function revokeHandle(
  registry: HandleRegistry,
  input: LifecycleInput,
): Promise<{ seq: number; holder: string; quarantineUntil: number }> {
  const now = registry.deps.now();
  const operator = input.claims.iss;
  if (!registry.policy.operators.has(operator)) {
    throw new RelayError(
      "ERR_HANDLE_NOT_OPERATOR",
      "revoke: only the relay's operators may revoke",
    );
  }
  const status = await registry.status(input.claims.handle, now);
  if (status.kind !== "held") {
    throw new RelayError("ERR_HANDLE_NOT_FOUND", `handle: "${input.claims.handle}" is not held`);
  }

  // The revocation log is the record; the registry follows it, so a revocation taken through
  // POST /v1/revocations or by another instance quarantines the handle the same way.
  const record = status.record;
  const entry = await registry.revocations.revoke(
    {
      kind: "handle",
      target: record.name,
      reason: input.claims.reason!,
      revoker: operator,
      at: now,
    },
    input.statement,
  );
  const quarantineUntil = entry.at + registry.policy.quarantineSeconds;
  return { seq: entry.seq, holder: record.agent, quarantineUntil };
}

/**
 * The live offer of a handle, for its holder or its recipient only.
 *
 * @example
 * const offer = await readOffer(registry, "kevin", callerDid);
 */
export async function readOffer(
  registry: HandleRegistry,
  name: string,
  caller: string,
): Promise<{ holder: string; offer: HandleOffer }> {
  const now = registry.deps.now();
  const status = await registry.status(name, now);
  const offer = status.kind === "held" ? status.record.offer : null;
  if (
    status.kind !== "held" ||
    offer === null ||
    now >= offer.expiresAt ||
    (caller !== offer.to && caller !== status.record.agent)
  ) {
    throw new RelayError(
      "ERR_HANDLE_TRANSFER_NOT_FOUND",
      "offer: no live transfer you are part of",
    );
  }
  return { holder: status.record.agent, offer };
}

async function heldByCaller(
  registry: HandleRegistry,
  claims: HandleStatementClaims,
  now: number,
): Promise<HandleRecord> {
  const status = await registry.status(claims.handle, now);
  if (status.kind !== "held") {
    throw new RelayError("ERR_HANDLE_NOT_FOUND", `handle: "${claims.handle}" is not held`);
  }
  if (status.record.agent !== claims.iss) throw notHolder(claims.handle);
  return status.record;
}

function notHolder(name: string): RelayError {
  return new RelayError("ERR_HANDLE_NOT_HOLDER", `handle: "${name}" is not held by you`);
}

function event(
  record: HandleRecord,
  at: number,
  kind: "transfer-offered" | "transferred",
  input: LifecycleInput,
  detail: object,
) {
  return {
    at,
    kind,
    handle: record.name,
    agent: record.agent,
    actor: input.claims.iss,
    statement: input.statement,
    detail: JSON.stringify(detail),
  };
}
