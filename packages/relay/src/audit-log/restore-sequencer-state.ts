import {
  decodeLogEntry,
  entryAgent,
  frontierNodes,
  leafHash,
  MerkleFrontier,
  readHashes,
  TILE_WIDTH,
  tilesForNodes,
} from "@ants/protocol";
import type { AuditLogStore, LogHead, StoredLogState } from "./audit-log-store.ts";
import type { SequencerState } from "./log-sequencer.ts";
import { LogTreeReader, leafHashesOf } from "./log-tree-reader.ts";
import { TileEdge } from "./tile-edge.ts";

/**
 * Rebuilds the sequencer's state from the store without scanning the log: the frontier from the
 * stored tiles, the right-most tiles, and the agents' heads (stored heads plus the entries
 * written since). Used at start, and by a relay sharing its store with others whenever another
 * instance appended first.
 *
 * @example
 * const { stored, state } = await restoreSequencerState(store.log);
 */
export async function restoreSequencerState(
  store: AuditLogStore,
): Promise<{ stored: StoredLogState; state: SequencerState }> {
  const stored = await store.loadState();
  const leafEdge = stored.size - (stored.size % TILE_WIDTH);
  const leaves = await leafHashesOf(store, leafEdge, stored.size);
  const edge = TileEdge.restore([
    ...(leaves.length > 0 ? [{ level: 0, index: leafEdge / TILE_WIDTH, hashes: leaves }] : []),
    ...stored.edgeTiles,
  ]);
  const tree = { size: stored.size, edgeTile: (level: number) => edge.tile(level) };
  const reader = new LogTreeReader(store, tree);
  const nodes = frontierNodes(stored.size);
  const hashes = readHashes(
    nodes,
    await reader.readerFor(tilesForNodes(nodes, stored.size), stored.size),
  );
  const state: SequencerState = {
    frontier: MerkleFrontier.restore(stored.size, hashes),
    edge,
    ...(await replayHeads(store, stored)),
  };
  return { stored, state };
}

/**
 * The agents' heads as of the last entry: the stored heads (exact up to `headsAt`) with the
 * entries written since replayed over them, and the last entry's time.
 */
async function replayHeads(
  store: AuditLogStore,
  state: StoredLogState,
): Promise<Pick<SequencerState, "heads" | "dirtyHeads" | "headsAt" | "lastTime">> {
  const heads = new Map(state.heads.map((head) => [head.agent, head]));
  const dirtyHeads = new Map<string, LogHead>();
  let lastTime = 0;
  const from = Math.max(0, Math.min(state.headsAt, state.size - 1));
  const entries = await store.readEntries(from, state.size);
  entries.forEach((bytes, i) => {
    const entry = decodeLogEntry(bytes);
    lastTime = entry.time;
    if (from + i < state.headsAt) return;
    const head = { agent: entryAgent(entry), index: from + i, leafHash: leafHash(bytes) };
    heads.set(head.agent, head);
    dirtyHeads.set(head.agent, head);
  });
  return { heads, dirtyHeads, headsAt: state.headsAt, lastTime };
}
