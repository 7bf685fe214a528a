/**
 * The audit log's tables (schema migration 2 of the SQLite store). Sizes matter here: the log's
 * own tables (entries, tiles, heads, checkpoint) cost the entry bytes plus a few bytes per entry;
 * `log_index` holds the search and instructor lookups, which are reported separately.
 *
 * - `log_entries`: the entries [first, first + n) of one written batch, as a C2SP entry bundle
 *   (each entry prefixed by its big-endian uint16 length). A row never crosses a multiple of 256,
 *   so the rows of one level-0 tile concatenate to its entry bundle byte for byte.
 * - `log_tiles`: C2SP hash tiles of tree levels 8, 16, ... (tile levels 1 and up); the right-most
 *   tile of each level is rewritten as it grows. Level-0 tiles are not stored: they are the leaf
 *   hashes of the entries, rehashed from `log_entries` when read (and cached once full), which
 *   saves 32 bytes per entry. Nodes between tile rows are rebuilt from their tile.
 * - `log_heads`, `log_state`: each agent's last entry as of entry `heads_at`, brought up to date
 *   about once a second, so the per-agent chains resume after a restart by replaying only the
 *   entries written since, never by scanning the log.
 * - `log_checkpoint`: the last checkpoint the relay signed; a new one must extend it.
 * - `log_index`: one row per entry for search and for the instructor lookup. Names (agents,
 *   principal, command, invocation hash) are stored as 53-bit keys from their SHA-256, so every
 *   index holds small integers; a reader confirms each match against the entry itself. Times
 *   never decrease along the log, so a time range is found by binary search on `idx`, without an
 *   index of its own; only invocations addressed to an agent are indexed by hash.
 */
export const AUDIT_LOG_MIGRATION = `
  CREATE TABLE log_entries (
    first INTEGER PRIMARY KEY,
    bundle BLOB NOT NULL
  ) STRICT;

  CREATE TABLE log_tiles (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hashes BLOB NOT NULL,
    PRIMARY KEY (level, idx)
  ) STRICT;

  CREATE TABLE log_heads (
    agent TEXT PRIMARY KEY,
    idx INTEGER NOT NULL,
    leaf_hash BLOB NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    heads_at INTEGER NOT NULL
  ) STRICT;
  INSERT INTO log_state (id, heads_at) VALUES (1, 0);

  CREATE TABLE log_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    note TEXT NOT NULL
  ) STRICT;

  CREATE TABLE log_index (
    idx INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    agent INTEGER NOT NULL,
    principal INTEGER,
    cmd INTEGER,
    invocation INTEGER,
    addressee INTEGER
  ) STRICT;
  CREATE INDEX log_index_by_agent ON log_index (agent);
  CREATE INDEX log_index_by_principal ON log_index (principal) WHERE principal IS NOT NULL;
  CREATE INDEX log_index_by_cmd ON log_index (cmd) WHERE cmd IS NOT NULL;
  CREATE INDEX log_index_by_invocation ON log_index (invocation) WHERE invocation IS NOT NULL;
`;
