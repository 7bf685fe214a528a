import { ProtocolError } from "../errors/protocol-error.ts";
import { type KelPlace, kelError, withinEvent } from "./kel-errors.ts";
import type { InceptionClaims, RotationClaims } from "./key-event-claims.ts";
import { DEFAULT_RECOVERY_WINDOW_SECONDS, MAX_KEY_EVENTS } from "./key-event-limits.ts";
import { buildKeyHistory, type KeyHistory, type VerifiedKeyEvent } from "./key-history.ts";
import { type OwnerCertificateClaims, verifyOwnerCertificate } from "./owner-certificate.ts";
import { type ParsedKeyEvent, parseKeyEvent, verifyKeyEventSignature } from "./parse-key-event.ts";
import { authorizeRotation } from "./rotation-authority.ts";

/** One entry of a key event log: the event and, for a guardian rotation, the approvals. */
export interface KeyEventRecord {
  /** The event's compact JWS, exactly as received. */
  readonly event: string;
  readonly approvals?: readonly string[];
}

/** Options for {@link verifyKeyEventLog}. */
export interface VerifyKeyEventLogOptions {
  /**
   * When the relay received each event, Unix seconds, one per event and never decreasing. These
   * are the only times that count: a time written by a signer proves nothing.
   */
  readonly receivedAt: readonly number[];
}

/** A verified key event log. */
export interface KeyEventLog extends KeyHistory {
  /** The agent's ID: the did:key of its inception key. */
  readonly agent: string;
  /** Declared instance count. */
  readonly instances: number;
  readonly owner?: OwnerCertificateClaims;
  /** Recovery window in seconds: the owner certificate's, else the default. */
  readonly window: number;
  readonly events: readonly VerifiedKeyEvent[];
  /** The next-key digest in force, if a next key is committed. */
  readonly nextKeyDigest?: string;
  /** Token hash of the last event, the `p` of the next one. */
  readonly head: string;
  /** Sequence number of the last event. */
  readonly sequence: number;
}

interface LogState {
  readonly agent: string;
  readonly instances: number;
  readonly owner: OwnerCertificateClaims | undefined;
  readonly window: number;
  readonly events: VerifiedKeyEvent[];
  readonly hashes: string[];
  /** Indices of the events still in force, in order. */
  live: number[];
  readonly keys: Set<string>;
}

/**
 * Verifies a whole key event log (docs/spec/key-events.md 4) and returns the key history by
 * receipt time. Pure: no clock, no I/O, the same answer for the same input. Throws
 * ProtocolError with ERR_KEL_MALFORMED, ERR_KEL_OUT_OF_ORDER, ERR_KEL_CHAIN_BROKEN,
 * ERR_KEL_SIGNATURE_INVALID, ERR_KEL_WRONG_SIGNER, ERR_KEL_DIGEST_MISMATCH,
 * ERR_KEL_THRESHOLD_NOT_MET, ERR_KEL_KEY_REUSED, ERR_KEL_AFTER_FINAL,
 * ERR_KEL_RANK_NOT_HIGHER or ERR_KEL_WINDOW_EXCEEDED; `details.index` names the event.
 *
 * @example
 * const log = verifyKeyEventLog([{ event: inception }, { event: rotation }], {
 *   receivedAt: [1767225600, 1767229200],
 * });
 * log.currentKey.kid; log.keyAt(1767225700)?.key === log.agent;
 */
export function verifyKeyEventLog(
  records: readonly KeyEventRecord[],
  options: VerifyKeyEventLogOptions,
): KeyEventLog {
  const receivedAt = checkInputs(records, options.receivedAt);
  const state = openLog(records[0]!, receivedAt[0]!);
  for (let index = 1; index < records.length; index++) {
    appendRotation(state, records[index]!, receivedAt[index]!, index);
  }
  return finish(state);
}

/**
 * Verifies events that follow a log {@link verifyKeyEventLog} (or this function) returned, as if
 * the whole log were verified again, without checking the earlier events a second time: a relay
 * that keeps an agent's verified log pays for each event once, not once per rotation. The log
 * passed in is left as it was. Throws the codes of {@link verifyKeyEventLog}, and
 * ERR_KEL_MALFORMED for a log this module did not return.
 *
 * @example
 * const longer = extendKeyEventLog(log, [{ event: rotation }], { receivedAt: [1767232800] });
 */
export function extendKeyEventLog(
  log: KeyEventLog,
  records: readonly KeyEventRecord[],
  options: VerifyKeyEventLogOptions,
): KeyEventLog {
  const kept = verifiedStates.get(log);
  if (kept === undefined) throw malformed("log: not a verified key event log");
  if (records.length === 0) return log;
  const receivedAt = checkInputs(records, options.receivedAt);
  if (receivedAt[0]! < kept.events[kept.events.length - 1]!.receivedAt) {
    throw malformed("receivedAt[0]: earlier than the event before it");
  }
  if (kept.events.length + records.length > MAX_KEY_EVENTS) {
    throw malformed(`events: expected 1 to ${MAX_KEY_EVENTS} events`);
  }
  // A copy: the events an override undoes are replaced, never changed in place.
  const state: LogState = {
    ...kept,
    events: [...kept.events],
    hashes: [...kept.hashes],
    live: [...kept.live],
    keys: new Set(kept.keys),
  };
  records.forEach((record, i) => {
    appendRotation(state, record, receivedAt[i]!, kept.events.length + i);
  });
  return finish(state);
}

// The state behind each log returned, so a later extension starts from it.
const verifiedStates = new WeakMap<KeyEventLog, LogState>();

function finish(state: LogState): KeyEventLog {
  const last = state.events[state.events.length - 1]!;
  const next = state.events[state.live[state.live.length - 1]!]!.nextKeyDigest;
  const log: KeyEventLog = {
    agent: state.agent,
    instances: state.instances,
    ...(state.owner === undefined ? {} : { owner: state.owner }),
    window: state.window,
    events: state.events,
    ...(next === undefined ? {} : { nextKeyDigest: next }),
    head: last.hash,
    sequence: last.index,
    ...buildKeyHistory(state.events, state.live),
  };
  verifiedStates.set(log, state);
  return log;
}

function malformed(message: string): ProtocolError {
  return new ProtocolError("ERR_KEL_MALFORMED", message);
}

// Spec 4.2: the shape of the input itself.
function checkInputs(records: unknown, receivedAt: unknown): readonly number[] {
  if (!Array.isArray(records) || records.length < 1 || records.length > MAX_KEY_EVENTS) {
    throw malformed(`events: expected 1 to ${MAX_KEY_EVENTS} events`);
  }
  if (!Array.isArray(receivedAt) || receivedAt.length !== records.length) {
    throw malformed("receivedAt: expected one receipt time per event");
  }
  receivedAt.forEach((time, index) => {
    if (!Number.isSafeInteger(time) || time < 0) {
      throw malformed(`receivedAt[${index}]: expected an integer time`);
    }
    if (index > 0 && time < receivedAt[index - 1]) {
      throw malformed(`receivedAt[${index}]: earlier than the event before it`);
    }
  });
  records.forEach((record, index) => {
    const approvals = (record as KeyEventRecord | null)?.approvals;
    if (record === null || typeof record !== "object" || typeof record.event !== "string") {
      throw malformed(`events[${index}]: expected {event, approvals?}`);
    }
    if (approvals !== undefined && !(Array.isArray(approvals) && approvals.every(isString))) {
      throw malformed(`events[${index}].approvals: expected an array of strings`);
    }
  });
  return receivedAt;
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

// Spec 4.3: the inception opens the log, signed by the key whose did:key is the agent ID.
function openLog(record: KeyEventRecord, receivedAt: number): LogState {
  const place = { index: 0, field: "events[0]" };
  const event = parseKeyEvent(record.event, place);
  const claims = event.claims;
  if (claims.t !== "icp") throw kelError("ERR_KEL_MALFORMED", place, "t: expected icp first");
  if ((record.approvals ?? []).length > 0) {
    throw kelError("ERR_KEL_MALFORMED", place, "approvals: an inception has none");
  }
  verifyKeyEventSignature(event, claims.k, place);
  const owner = claims.own === undefined ? undefined : readOwner(claims, place);
  const state: LogState = {
    agent: claims.iss,
    instances: claims.ins,
    owner,
    window: owner?.win ?? DEFAULT_RECOVERY_WINDOW_SECONDS,
    events: [verified(event, 0, receivedAt, { signers: [claims.k] })],
    hashes: [event.hash],
    live: [0],
    keys: new Set([claims.k]),
  };
  return state;
}

function readOwner(claims: InceptionClaims, place: KelPlace): OwnerCertificateClaims {
  const ownerPlace = { ...place, field: `${place.field}.own` };
  const { claims: owner } = withinEvent(ownerPlace, () => verifyOwnerCertificate(claims.own));
  if (owner.sub !== claims.iss) {
    throw kelError("ERR_KEL_MALFORMED", ownerPlace, "sub: certifies another agent");
  }
  return owner;
}

// Spec 4.4, steps in order.
function appendRotation(state: LogState, record: KeyEventRecord, time: number, index: number) {
  const place = { index, field: `events[${index}]` };
  const event = parseKeyEvent(record.event, place);
  if (event.claims.t !== "rot") throw kelError("ERR_KEL_MALFORMED", place, "t: expected rot");
  const claims = event.claims;
  if (claims.iss !== state.agent) {
    throw kelError("ERR_KEL_MALFORMED", place, "iss: not this log's agent");
  }
  if (claims.s !== index) {
    throw kelError("ERR_KEL_OUT_OF_ORDER", place, `s: expected ${index}, got ${claims.s}`);
  }
  if (claims.p !== state.hashes[index - 1]) {
    throw kelError("ERR_KEL_CHAIN_BROKEN", place, "p: not the hash of the previous event");
  }
  const next = state.events[state.live[state.live.length - 1]!]!.nextKeyDigest;
  const context = { agent: state.agent, owner: state.owner, next, place };
  const { rank, signers } = authorizeRotation(event, record.approvals ?? [], context);
  if (state.keys.has(claims.k)) {
    throw kelError("ERR_KEL_KEY_REUSED", place, "k: this log already used that key");
  }
  const overrides =
    claims.ovr === undefined ? undefined : checkOverride(state, claims, rank, time, place);
  if (overrides !== undefined) undo(state, overrides, index);
  state.events.push(verified(event, index, time, { rank, signers, overrides }));
  state.hashes.push(event.hash);
  state.live.push(index);
  state.keys.add(claims.k);
}

// Spec 4.5: an override names the earliest event it undoes; it must outrank every event still
// in force from there on and arrive within the window, by receipt times only.
function checkOverride(
  state: LogState,
  claims: RotationClaims,
  rank: number,
  time: number,
  place: KelPlace,
): number {
  const target = state.hashes.indexOf(claims.ovr!);
  if (target < 0) throw kelError("ERR_KEL_MALFORMED", place, "ovr: names no event of this log");
  if (target === 0) throw kelError("ERR_KEL_MALFORMED", place, "ovr: names the inception");
  const named = state.events[target]!;
  if (named.undoneBy !== undefined) {
    throw kelError("ERR_KEL_AFTER_FINAL", place, `ovr: events[${target}] is already undone`);
  }
  for (const index of state.live.filter((live) => live >= target)) {
    if (state.events[index]!.rank! >= rank) {
      throw kelError("ERR_KEL_RANK_NOT_HIGHER", place, `auth: does not outrank events[${index}]`);
    }
  }
  if (time - named.receivedAt >= state.window) {
    throw kelError("ERR_KEL_WINDOW_EXCEEDED", place, `ovr: events[${target}] is final`);
  }
  return target;
}

function undo(state: LogState, target: number, override: number): void {
  for (const index of state.live.filter((live) => live >= target)) {
    state.events[index] = { ...state.events[index]!, undoneBy: override };
  }
  state.live = state.live.filter((live) => live < target);
}

function verified(
  event: ParsedKeyEvent,
  index: number,
  receivedAt: number,
  extra: { rank?: number; signers: readonly string[]; overrides?: number | undefined },
): VerifiedKeyEvent {
  const claims = event.claims as InceptionClaims | RotationClaims;
  const rotation = claims.t === "rot" ? claims : undefined;
  return {
    index,
    hash: event.hash,
    kind: claims.t === "icp" ? "inception" : "rotation",
    receivedAt,
    key: claims.k,
    ...(claims.n === undefined ? {} : { nextKeyDigest: claims.n }),
    ...(rotation === undefined ? {} : { authority: rotation.auth, reason: rotation.rsn }),
    ...(extra.rank === undefined ? {} : { rank: extra.rank }),
    signers: extra.signers,
    ...(rotation?.cmp === undefined ? {} : { compromisedSince: rotation.cmp }),
    ...(extra.overrides === undefined ? {} : { overrides: extra.overrides }),
  };
}
