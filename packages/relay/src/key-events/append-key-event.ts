import {
  encodeBase64url,
  extendKeyEventLog,
  type KeyEventLog,
  type KeyEventRecord,
  type KeyPeriod,
  publicKeyFromDid,
  type VerifiedKeyEvent,
} from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import type { KeyEventRepository } from "../store/key-event-repository.ts";
import { keyEventBookOf } from "./key-event-book.ts";

/** What `POST /v1/agents/{id}/events` answers. */
export interface AppendedKeyEvent {
  id: string;
  seq: number;
  receivedAt: number;
  /** The agent's current key after the event, as a did:key. */
  currentKey: string;
  /** Sequence numbers of the revocation entries the event wrote. */
  revocations: number[];
}

/**
 * Appends a rotation or override to an agent's key event log (docs/spec/key-events.md 8.2):
 * verifies the stored log plus the event with receipt time = the relay's clock, stores it with
 * the new current key, then revokes every key the event retired (with the compromise time, or
 * from installation for an overridden key), ends the agent's live sessions, and writes an audit
 * entry. Throws ERR_AGENT_NOT_FOUND, ERR_NOT_SUPPORTED, ERR_KEL_* codes.
 *
 * @example
 * const answer = await appendKeyEvent(app.relay, agent, { event: rotation });
 */
export async function appendKeyEvent(
  context: RelayContext,
  agent: string,
  record: KeyEventRecord,
): Promise<AppendedKeyEvent> {
  const repository = keyEventsOf(context);
  const stored = await repository.list(agent);
  if (stored.length === 0) await refuseWithoutLog(context, agent);
  const book = keyEventBookOf(context);
  const before = book.verify(stored);
  // The relay's clock decides receipt times; it never runs backwards within one log.
  const receivedAt = Math.max(context.now(), stored[stored.length - 1]!.receivedAt);
  const entry = { agent, seq: stored.length, event: record.event, receivedAt };
  const approvals = record.approvals === undefined ? null : [...record.approvals];
  const log = extendKeyEventLog(
    before,
    [{ event: record.event, ...(approvals === null ? {} : { approvals }) }],
    { receivedAt: [receivedAt] },
  );
  const currentKey = encodeBase64url(publicKeyFromDid(log.currentKey.key));
  if (!(await repository.append({ ...entry, approvals }, currentKey))) {
    throw new RelayError("ERR_KEL_OUT_OF_ORDER", `s: event ${entry.seq} is already taken`);
  }
  book.set(log);
  const event = log.events[entry.seq]!;
  const revocations = await revokeRetiredKeys(context, before, log, event);
  await endSessions(context, agent, receivedAt);
  await logKeyEvent(context, log, event, revocations);
  return { id: agent, seq: entry.seq, receivedAt, currentKey: log.currentKey.key, revocations };
}

/**
 * The store's key event logs, or ERR_NOT_SUPPORTED when the store keeps none.
 *
 * @example
 * const repository = keyEventsOf(app.relay);
 */
export function keyEventsOf(context: RelayContext): KeyEventRepository {
  const repository = context.store.keyEvents;
  if (repository === undefined) {
    throw new RelayError("ERR_NOT_SUPPORTED", "key events: this store keeps no key event logs");
  }
  return repository;
}

async function refuseWithoutLog(context: RelayContext, agent: string): Promise<never> {
  if ((await context.store.agents.get(agent)) === undefined) {
    throw new RelayError("ERR_AGENT_NOT_FOUND", "agent: not registered");
  }
  throw new RelayError(
    "ERR_NOT_SUPPORTED",
    "key events: the agent registered without an inception, so it has no log to rotate",
  );
}

// The keys this event revoked: those revoked now that were not before (the replaced key, or
// every key an override undid).
async function revokeRetiredKeys(
  context: RelayContext,
  before: KeyEventLog,
  after: KeyEventLog,
  event: VerifiedKeyEvent,
): Promise<number[]> {
  const known = new Set(before.revokedKeys.map((period) => period.installedBy));
  const retired = after.revokedKeys.filter((period) => !known.has(period.installedBy));
  const seqs: number[] = [];
  for (const period of retired) {
    const entry = await context.revocations.revoke(revocationOf(after.agent, period, event));
    seqs.push(entry.seq);
  }
  return seqs;
}

function revocationOf(agent: string, period: KeyPeriod, event: VerifiedKeyEvent) {
  const revocation = period.revocation!;
  return {
    kind: "key" as const,
    target: period.kid,
    reason: `key event ${event.index}: ${revocation.reason}`,
    revoker: agent,
    at: event.receivedAt,
    // Without a stated compromise the cutoff is the rotation itself: what the relay saw before
    // stays valid (docs/spec/revocation.md 3).
    compromisedSince: revocation.compromisedSince ?? null,
  };
}

// Every live session was opened with a key this event replaced: a new one needs the new key.
async function endSessions(context: RelayContext, agent: string, now: number): Promise<void> {
  for (const session of context.sessions.liveOf(agent, now)) {
    await context.sessions.end(session.id, now);
  }
}

function logKeyEvent(
  context: RelayContext,
  log: KeyEventLog,
  event: VerifiedKeyEvent,
  revocations: number[],
) {
  return context.auditLog.appendEvent({
    event: "identity",
    action: event.overrides === undefined ? "key-rotated" : "key-overridden",
    subject: log.agent,
    actor: event.signers[0] ?? null,
    data: {
      seq: event.index,
      event: event.hash,
      key: log.currentKey.kid,
      authority: event.authority ?? null,
      reason: event.reason ?? null,
      signers: [...event.signers],
      ...(event.compromisedSince === undefined ? {} : { compromisedSince: event.compromisedSince }),
      ...(event.overrides === undefined ? {} : { overrides: event.overrides }),
      revocations,
    },
    time: event.receivedAt,
  });
}
