// Edits a stopped relay's audit log directly in its SQLite file, the way someone with write
// access to the disk could: flip bytes, drop an entry, or rewrite history with every stored hash
// recomputed so the relay itself finds nothing wrong.
import {
  decodeEntryBundle,
  encodeEntryBundle,
  leafHash,
  MemoryHashStore,
  MerkleFrontier,
  TILE_HEIGHT,
  TILE_WIDTH,
} from "@ants/protocol";
import Database from "better-sqlite3";

/** Every entry of the log, in order. */
export function readEntries(path: string): Uint8Array[] {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare("SELECT bundle FROM log_entries ORDER BY first").all() as {
    bundle: Buffer;
  }[];
  db.close();
  return rows.flatMap((row) => decodeEntryBundle(row.bundle).map((e) => new Uint8Array(e)));
}

/** Replaces `from` by `to` (same length) in the stored bytes of entry `index`, nothing else. */
export function flipEntryBytes(path: string, index: number, from: string, to: string): void {
  const db = new Database(path);
  const row = db
    .prepare("SELECT first, bundle FROM log_entries WHERE first <= ? ORDER BY first DESC LIMIT 1")
    .get(index) as { first: number; bundle: Buffer };
  const entries = decodeEntryBundle(row.bundle).map((e) => Buffer.from(e));
  const text = entries[index - row.first]!.toString("utf8");
  if (!text.includes(from) || from.length !== to.length) throw new Error("nothing to flip");
  entries[index - row.first] = Buffer.from(text.replace(from, to), "utf8");
  db.prepare("UPDATE log_entries SET bundle = ? WHERE first = ?").run(
    encodeEntryBundle(entries),
    row.first,
  );
  db.close();
}

/**
 * Replaces the whole log by `entries`: bundles, hash tiles of every level recomputed, chain heads
 * left for the relay to replay, the search index emptied. With `keepCheckpoint` false the last
 * signed checkpoint is deleted too, so the relay signs the new history as if it were the old.
 */
export function rewriteLog(path: string, entries: Uint8Array[], keepCheckpoint = false): void {
  const frontier = new MerkleFrontier();
  const hashes = new MemoryHashStore({ keepLevel: (l) => l > 0 && l % TILE_HEIGHT === 0 });
  for (const entry of entries) hashes.putAll(frontier.append(leafHash(entry)));
  const db = new Database(path);
  db.transaction(() => {
    db.exec("DELETE FROM log_entries; DELETE FROM log_tiles; DELETE FROM log_heads;");
    db.exec("DELETE FROM log_index; UPDATE log_state SET heads_at = 0;");
    if (!keepCheckpoint) db.exec("DELETE FROM log_checkpoint;");
    const bundle = db.prepare("INSERT INTO log_entries (first, bundle) VALUES (?, ?)");
    for (let first = 0; first < entries.length; first += TILE_WIDTH) {
      bundle.run(first, encodeEntryBundle(entries.slice(first, first + TILE_WIDTH)));
    }
    const tile = db.prepare("INSERT INTO log_tiles (level, idx, hashes) VALUES (?, ?, ?)");
    for (let level = 1; hashes.count(level * TILE_HEIGHT) > 0; level++) {
      const count = hashes.count(level * TILE_HEIGHT);
      for (let index = 0; index * TILE_WIDTH < count; index++) {
        const end = Math.min(count, (index + 1) * TILE_WIDTH);
        tile.run(level, index, hashes.readRange(level * TILE_HEIGHT, index * TILE_WIDTH, end));
      }
    }
  })();
  db.close();
}
