import {
  decodeLogEntry,
  type EntryBundleId,
  encodeEntryBundle,
  entryAgent,
  isTileWithinTree,
  type LogEntry,
  TILE_WIDTH,
  type TileId,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { AuditLogStore, LogSearchQuery } from "./audit-log-store.ts";
import type { LogCheckpointer, SignedCheckpoint } from "./log-checkpointer.ts";
import type { LogTreeReader } from "./log-tree-reader.ts";

/** An entry with its inclusion proof at a signed checkpoint: verifiable offline. */
export interface EntryBundle {
  readonly index: number;
  readonly entry: Uint8Array;
  readonly size: number;
  readonly proof: Uint8Array[];
  /** The signed note of the checkpoint of `size`. */
  readonly checkpoint: string;
}

/** A search query as the route reads it; `before` is set from the checkpoint. */
export type SearchQuery = Omit<LogSearchQuery, "before">;

/** A page of search results. */
export interface SearchResult {
  readonly checkpoint: SignedCheckpoint;
  readonly results: EntryBundle[];
  /** Pass as `after` for the next page; null when this page is the last. */
  readonly next: number | null;
}

function matches(entry: LogEntry, query: SearchQuery): boolean {
  const decision = entry.type === "decision" ? entry : undefined;
  return (
    (query.agent === undefined || entryAgent(entry) === query.agent) &&
    (query.principal === undefined || decision?.principal === query.principal) &&
    (query.cmd === undefined || decision?.cmd === query.cmd) &&
    (query.since === undefined || entry.time >= query.since) &&
    (query.until === undefined || entry.time <= query.until)
  );
}

/**
 * What the log serves to readers: entries, tiles, entry bundles, proofs and search. Entries are
 * readable as soon as they are durable; bundles and search results wait for (at most one
 * interval) and carry a signed checkpoint that covers them, so every proof they hold verifies
 * against a signature.
 *
 * @example
 * const bundle = await audit.reads.bundle(7);
 */
export class LogReads {
  constructor(
    readonly store: AuditLogStore,
    readonly tree: LogTreeReader,
    readonly sequencer: { readonly size: number },
    readonly checkpointer: LogCheckpointer,
  ) {}

  /** The latest signed checkpoint (the first is signed on demand). */
  checkpoint(): Promise<SignedCheckpoint> {
    return this.checkpointer.latest();
  }

  /** The exact bytes of entry `index`. Throws ERR_LOG_INDEX_OUT_OF_RANGE. */
  async entry(index: number): Promise<Uint8Array> {
    this.#assertIndex(index, this.sequencer.size);
    const [entry] = await this.store.readEntries(index, index + 1);
    if (entry === undefined) throw outOfRange("index", index);
    return entry;
  }

  /** A hash tile's body. Throws ERR_LOG_INDEX_OUT_OF_RANGE beyond the tree. */
  async tile(tile: TileId): Promise<Uint8Array> {
    return this.tree.tile(tile);
  }

  /** An entry bundle (C2SP tlog-tiles `tile/entries/N`). Throws ERR_LOG_INDEX_OUT_OF_RANGE. */
  async entryBundle(bundle: EntryBundleId): Promise<Uint8Array> {
    const size = this.sequencer.size;
    if (!isTileWithinTree({ level: 0, ...bundle }, size)) throw outOfRange("tile", bundle.index);
    const first = bundle.index * TILE_WIDTH;
    const entries = await this.store.readEntries(first, first + bundle.width);
    if (entries.length !== bundle.width) {
      throw new RelayError("ERR_LOG_HASH_MISSING", "entries: not stored");
    }
    return encodeEntryBundle(entries);
  }

  /** The entry with its inclusion proof at a signed checkpoint that covers it. */
  async bundle(index: number): Promise<EntryBundle> {
    this.#assertIndex(index, this.sequencer.size);
    await this.checkpointer.waitFor(index + 1);
    const checkpoint = await this.checkpointer.latest();
    const entry = await this.entry(index);
    const { proof } = await this.tree.inclusionProof(index, checkpoint.size);
    return { index, entry, size: checkpoint.size, proof, checkpoint: checkpoint.note };
  }

  /**
   * Entries covered by the latest checkpoint that match every filter, each with its inclusion
   * proof at that checkpoint. `next` is the cursor (`after`) for the following page, or null.
   */
  async search(query: SearchQuery): Promise<SearchResult> {
    const checkpoint = await this.checkpointer.latest();
    const candidates = await this.store.search({ ...query, before: checkpoint.size });
    const results: EntryBundle[] = [];
    for (const index of candidates) {
      const entry = await this.entry(index);
      // The index holds name keys; the entry itself decides.
      if (!matches(decodeLogEntry(entry), query)) continue;
      const { proof } = await this.tree.inclusionProof(index, checkpoint.size);
      results.push({ index, entry, size: checkpoint.size, proof, checkpoint: checkpoint.note });
    }
    const next = candidates.length === query.limit ? candidates[candidates.length - 1]! : null;
    return { checkpoint, results, next };
  }

  #assertIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw outOfRange("index", index);
  }
}

function outOfRange(field: string, value: number): RelayError {
  return new RelayError("ERR_LOG_INDEX_OUT_OF_RANGE", `${field}: not in the log`, {
    details: { [field]: value },
  });
}
