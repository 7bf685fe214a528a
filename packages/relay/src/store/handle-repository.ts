/**
 * Handles in the relay's store (docs/spec/handles.md section 8). A name has at most one row: held
 * by an agent, or quarantined after it left its holder. Every change is a compare-and-set on the
 * row's `version` and appends one event in the same transaction, so a lifecycle event is recorded
 * exactly when its change is. Times are Unix seconds.
 */

/** A transfer the holder offered and the recipient has not yet accepted. */
export interface HandleOffer {
  /** The agent the handle is offered to. */
  to: string;
  /** Token hash of the holder's transfer statement; the acceptance names it. */
  hash: string;
  /** The holder's transfer statement, exactly as received. */
  statement: string;
  offeredAt: number;
  expiresAt: number;
}

/** Why a handle left its holder. */
export type HandleEndReason = "released" | "revoked" | "lapsed";

/** One handle's row. */
export interface HandleRecord {
  /** The canonical name. */
  name: string;
  /** The holder, or the last holder when quarantined. */
  agent: string;
  state: "held" | "quarantined";
  /** When the holder took it (claim or accepted transfer). */
  since: number;
  /** Set when quarantined: when it left the holder, why, and until when nobody may claim it. */
  endedAt: number | null;
  endReason: HandleEndReason | null;
  quarantineUntil: number | null;
  offer: HandleOffer | null;
  /** Incremented by every write; 0 means "no row". */
  version: number;
}

/** What happened to a handle, as recorded beside the change and sent to the audit log. */
export type HandleEventKind =
  | "claimed"
  | "transfer-offered"
  | "transferred"
  | "released"
  | "revoked"
  | "lapsed";

/** One lifecycle event. */
export interface HandleEventRecord {
  /** Sequence number assigned by the store, from 1. */
  seq: number;
  at: number;
  kind: HandleEventKind;
  handle: string;
  /** The agent the event is about: the holder (the new holder for a transfer). */
  agent: string;
  /** Who caused it: the agent itself, the previous holder, an operator, or null (the relay). */
  actor: string | null;
  /** The signed statement behind it, exactly as received, when there is one. */
  statement: string | null;
  /** Event facts as JSON text (seed, recipient, offer hash, reason, quarantine end). */
  detail: string;
}

/** One compare-and-set write of a handle (see {@link HandleRepository.write}). */
export interface HandleWrite {
  /** The version the caller read: 0 when it saw no row. */
  expectedVersion: number;
  /** The row to write (its `version` is ignored: the store sets expected + 1). */
  next: HandleRecord;
  event: Omit<HandleEventRecord, "seq">;
  /** A proof-of-work seed to spend in the same transaction; refused when already spent. */
  seed?: { seed: string; expiresAt: number };
  /** Refuse when `agent` already holds `max` other handles. */
  limit?: { agent: string; max: number };
}

/** The result of a write; `seq` is the event's sequence number. */
export type HandleWriteResult =
  | { outcome: "written"; seq: number }
  | { outcome: "conflict" | "seed-used" | "limit" };

/** Handles, their events, spent seeds, holder activity and the challenge secret. */
export interface HandleRepository {
  get(name: string): Promise<HandleRecord | undefined>;
  /** The handles `agent` holds, by name (indexed; never a scan). */
  listHeldBy(agent: string): Promise<HandleRecord[]>;
  /**
   * Every agent holding a handle, with its last recorded activity: the later of its stored
   * activity and the time it took its newest handle (taking a handle is a call too). At start.
   */
  listHolders(): Promise<{ agent: string; lastSeen: number }[]>;
  /** The compare-and-set write described on {@link HandleWrite}, in one transaction. */
  write(change: HandleWrite): Promise<HandleWriteResult>;
  /** Claims recorded at or after `since`, for the registration-rate part of the difficulty. */
  countClaimsSince(since: number): Promise<number>;
  /** Events after `seq`, in order: the outbox an audit sequencer can drain. */
  listEventsSince(seq: number, limit: number): Promise<HandleEventRecord[]>;
  /** Stores each agent's latest activity when later than what is stored. */
  saveActivity(entries: { agent: string; lastSeen: number }[]): Promise<void>;
  /** An agent's last stored activity. */
  lastSeen(agent: string): Promise<number | undefined>;
  /** True when a claim already spent this proof-of-work seed. */
  isSeedSpent(seed: string): Promise<boolean>;
  /** Forgets spent seeds whose challenge expired before `now`; resolves how many. */
  purgeSeeds(now: number): Promise<number>;
  /**
   * The challenge secret: `candidate` is stored on first use and the stored one returned ever
   * after, so every instance sharing the store issues challenges the others accept.
   */
  challengeSecret(candidate: Uint8Array): Promise<Uint8Array>;
}
