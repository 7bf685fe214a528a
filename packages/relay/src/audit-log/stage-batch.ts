import {
  encodeBase64url,
  encodeEntryBundle,
  encodeLogEntry,
  entryAgent,
  type LogEntry,
  type LogEntryPrev,
  leafHash,
  type MerkleFrontier,
  TILE_HEIGHT,
  TILE_WIDTH,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { IndexRow, LogBatch, LogHead, TileRow } from "./audit-log-store.ts";
import type { TileEdge } from "./tile-edge.ts";

/** An entry waiting for its batch: built only once its place in the log is known. */
export interface QueuedEntry {
  /** The agent whose chain the entry joins. */
  readonly agent: string;
  /**
   * Builds the entry given the agent's previous entry (null for its first) and the log's last
   * entry time, below which the entry's time is raised so times never decrease along the log.
   */
  build(prev: LogEntryPrev | null, minTime: number): LogEntry;
  /** The index row's facts other than index, time and agent. */
  readonly facts: Omit<IndexRow, "index" | "agent" | "time">;
}

/** The committed state every batch advances. */
export interface SequencerState {
  readonly frontier: MerkleFrontier;
  readonly edge: TileEdge;
  /** Every agent's last entry. */
  readonly heads: Map<string, LogHead>;
  /** Heads changed since the stored heads were last brought up to date. */
  readonly dirtyHeads: Map<string, LogHead>;
  /** The stored heads are exact for the entries [0, headsAt). */
  readonly headsAt: number;
  /** Time of the last entry. */
  readonly lastTime: number;
}

/**
 * What a batch is placed on: the committed state, or the state a batch still being written will
 * leave (the sequencer may stage the next batch before the previous one is durable).
 */
export interface StageBase {
  readonly frontier: MerkleFrontier;
  readonly edge: TileEdge;
  readonly lastTime: number;
  /** The agent's last entry, committed or staged. */
  headOf(agent: string): LogHead | undefined;
  /**
   * Heads changed since the stored heads were last brought up to date, including those of the
   * batches in flight, in order (written with `writeHeads`).
   */
  dirtyHeads(): ReadonlyMap<string, LogHead>;
}

/** One entry placed in the batch. */
export interface PlacedEntry<W> {
  readonly waiter: W;
  readonly index: number;
  readonly leafHash: Uint8Array;
  readonly bytes: Uint8Array;
}

/** A batch ready to write, and the state once it is durable. */
export interface StagedBatch<W> {
  readonly batch: LogBatch;
  readonly placed: PlacedEntry<W>[];
  /** Heads changed by this batch, to merge into the state on commit. */
  readonly heads: Map<string, LogHead>;
  readonly frontier: MerkleFrontier;
  readonly edge: TileEdge;
  readonly lastTime: number;
}

/**
 * Places queued entries on a copy of the base's tree: indexes, `prev` links, entry bytes, leaf hashes,
 * the tiles they complete and the index rows. An entry that cannot be encoded (too large,
 * invalid) goes to `refuse` alone and takes no index. With `writeHeads`, the batch also brings
 * the stored heads up to date (every head changed since the last time, plus this batch's).
 *
 * @example
 * const staged = stageBatch(base, waiters, (w) => w.entry, (w, e) => w.reject(e), false);
 */
export function stageBatch<W>(
  state: StageBase,
  waiters: readonly W[],
  entryOf: (waiter: W) => QueuedEntry,
  refuse: (waiter: W, error: unknown) => void,
  writeHeads: boolean,
): StagedBatch<W> {
  const frontier = state.frontier.clone();
  const edge = state.edge.clone();
  const first = frontier.size;
  const heads = new Map<string, LogHead>();
  const tiles = new Map<string, TileRow>();
  const touched = new Set<number>();
  const entries: Uint8Array[] = [];
  const index: IndexRow[] = [];
  const placed: PlacedEntry<W>[] = [];
  let lastTime = state.lastTime;
  for (const waiter of waiters) {
    const queued = entryOf(waiter);
    const head = heads.get(queued.agent) ?? state.headOf(queued.agent);
    const encoded = encode(queued, head, lastTime);
    if (encoded instanceof Error) {
      refuse(waiter, encoded);
      continue;
    }
    const leaf = leafHash(encoded.bytes);
    const at = frontier.size;
    const nodes = frontier.append(leaf);
    // Level-0 tiles are the entries' leaf hashes and are not stored (see log-migration.ts).
    for (const tile of edge.add(nodes)) {
      if (tile.level > 0) tiles.set(`${tile.level}/${tile.index}`, tile);
    }
    for (const node of nodes) {
      if (node.level > 0 && node.level % TILE_HEIGHT === 0) touched.add(node.level / TILE_HEIGHT);
    }
    heads.set(queued.agent, { agent: queued.agent, index: at, leafHash: leaf });
    lastTime = encoded.time;
    entries.push(encoded.bytes);
    index.push({ ...queued.facts, index: at, time: encoded.time, agent: queued.agent });
    placed.push({ waiter, index: at, leafHash: leaf, bytes: encoded.bytes });
  }
  // Each touched level's edge tile as the batch leaves it (a filled one is already in the map).
  for (const level of touched) {
    const tile = edge.tile(level);
    if (tile !== undefined && tile.hashes.length > 0)
      tiles.set(`${tile.level}/${tile.index}`, tile);
  }
  const batch: LogBatch = {
    bundles: bundlesOf(first, entries),
    tiles: [...tiles.values()],
    heads: writeHeads ? [...new Map([...state.dirtyHeads(), ...heads]).values()] : [],
    headsAt: writeHeads ? frontier.size : undefined,
    index,
  };
  return { batch, placed, heads, frontier, edge, lastTime };
}

function encode(
  queued: QueuedEntry,
  head: LogHead | undefined,
  minTime: number,
): { bytes: Uint8Array; time: number } | Error {
  const prev =
    head === undefined ? null : { index: head.index, leafHash: encodeBase64url(head.leafHash) };
  try {
    const entry = queued.build(prev, minTime);
    if (entryAgent(entry) !== queued.agent) {
      throw new RelayError("ERR_INTERNAL", "audit log: entry belongs to another agent");
    }
    return { bytes: encodeLogEntry(entry), time: entry.time };
  } catch (error) {
    return error instanceof Error ? error : new RelayError("ERR_INTERNAL", "audit log: entry");
  }
}

/** Splits consecutive entries into C2SP bundles that never cross a multiple of 256. */
function bundlesOf(first: number, entries: Uint8Array[]): LogBatch["bundles"] {
  const bundles: { first: number; bytes: Uint8Array }[] = [];
  let start = 0;
  while (start < entries.length) {
    const at = first + start;
    const end = Math.min(entries.length, start + TILE_WIDTH - (at % TILE_WIDTH));
    bundles.push({ first: at, bytes: encodeEntryBundle(entries.slice(start, end)) });
    start = end;
  }
  return bundles;
}
