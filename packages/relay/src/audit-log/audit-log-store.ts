import type { TileId } from "@ants/protocol";

/** One agent's last entry: where its per-agent chain continues. */
export interface LogHead {
  readonly agent: string;
  readonly index: number;
  readonly leafHash: Uint8Array;
}

/** A hash tile row: level L, index N, its hashes so far (width = bytes / 32). */
export interface TileRow {
  readonly level: number;
  readonly index: number;
  readonly hashes: Uint8Array;
}

/** The searchable facts of one entry, and what the instructor rule needs. */
export interface IndexRow {
  readonly index: number;
  readonly time: number;
  /** The agent whose chain holds the entry: a decision's actor, an event's subject. */
  readonly agent: string;
  readonly principal: string | null;
  readonly cmd: string | null;
  /** A decision's invocation hash (base64url), else null. */
  readonly invocation: string | null;
  /** The agent a decision's invocation was addressed to (its resource, when a DID), else null. */
  readonly addressee: string | null;
  /**
   * On PostgreSQL, the hand-off row the entry came from (postgres-log-queue.ts): the batch that
   * writes the entry marks that row sequenced in the same transaction. Not stored in the index.
   */
  readonly queueId?: number;
}

/** Everything one group commit writes, in one durable transaction. Tiles are of levels >= 1. */
export interface LogBatch {
  /** Entry bundles, each starting at `first` and never crossing a multiple of 256. */
  readonly bundles: readonly { first: number; bytes: Uint8Array }[];
  /** Tiles that changed, whole. */
  readonly tiles: readonly TileRow[];
  /** Heads to store: empty unless the stored heads are brought up to date with this batch. */
  readonly heads: readonly LogHead[];
  /** Set with `heads`: the stored heads are then exact for the entries [0, headsAt). */
  readonly headsAt: number | undefined;
  readonly index: readonly IndexRow[];
}

/** The last signed checkpoint. */
export interface StoredCheckpoint {
  readonly size: number;
  /** The signed note, exactly as served. */
  readonly note: string;
}

/** What a restart needs, read without scanning the entries. */
export interface StoredLogState {
  /** Number of entries written. */
  readonly size: number;
  readonly heads: readonly LogHead[];
  /** The stored heads are exact for the entries [0, headsAt); later entries are replayed. */
  readonly headsAt: number;
  /** The right-most stored tile of each tile level from 1 up, whose width may be below 256. */
  readonly edgeTiles: readonly TileRow[];
  readonly checkpoint: StoredCheckpoint | undefined;
}

/** A search over the index; every filter is optional and they combine with AND. */
export interface LogSearchQuery {
  readonly agent?: string;
  readonly principal?: string;
  readonly cmd?: string;
  /** Unix seconds, inclusive. */
  readonly since?: number;
  /** Unix seconds, inclusive. */
  readonly until?: number;
  /** Only entries with an index above this one (paging). */
  readonly after?: number;
  /** Only entries with an index below this one (what a checkpoint covers). */
  readonly before: number;
  readonly limit: number;
}

/**
 * Where the audit log keeps its data. Every method is async so a PostgreSQL store can implement
 * the same contract; `appendBatch` resolves only once its transaction is durable.
 */
export interface AuditLogStore {
  /**
   * True when batches are applied in the order `appendBatch` is called and each refuses, with
   * LOG_MOVED and nothing written, a batch that does not start at the stored end: the sequencer
   * may then send a batch before the previous one is durable. Otherwise one batch at a time.
   */
  readonly ordered?: boolean;
  loadState(): Promise<StoredLogState>;
  appendBatch(batch: LogBatch): Promise<void>;
  /** The hashes of tile `tile.level` (1 and up)/`tile.index` as stored (maybe wider than asked). */
  readTile(tile: TileId): Promise<Uint8Array | undefined>;
  /** Entries [begin, end), in order; fewer when the log is shorter. */
  readEntries(begin: number, end: number): Promise<Uint8Array[]>;
  /**
   * Indexes of decisions that may have logged the invocation `hash` addressed to `addressee`,
   * ascending; the caller confirms against the entries (the index keeps name keys only).
   */
  findInvocation(hash: string, addressee: string): Promise<number[]>;
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  /** The first index below `size` whose entry time is at least `time` (`size` if none). */
  firstIndexAt(time: number, size: number): Promise<number>;
  /**
   * Indexes of entries that may match, ascending; the caller confirms against the entries (the
   * index keeps name keys only).
   */
  search(query: LogSearchQuery): Promise<number[]>;
}
