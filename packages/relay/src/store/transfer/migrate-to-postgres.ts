import { join } from "node:path";
import { encodeBase64url, leafHash, MerkleFrontier } from "@ants/protocol";
import type Database from "better-sqlite3";
import type { AuditLogStore } from "../../audit-log/audit-log-store.ts";
import { restoreSequencerState } from "../../audit-log/restore-sequencer-state.ts";
import { createSqliteLogStore } from "../../audit-log/sqlite-log-store.ts";
import { RelayError } from "../../errors/relay-error.ts";
import { run } from "../postgres/pg-pool.ts";
import { openPostgresStore, type PostgresRelayStore } from "../postgres/postgres-store.ts";
import { openSqliteStore, SQLITE_FILE_NAME } from "../sqlite/sqlite-store.ts";
import {
  insertRows,
  listPostgresTables,
  type PostgresTable,
  prepareTarget,
  quoteIdentifier,
  resetSequences,
} from "./postgres-tables.ts";
import { listSqliteTables, openSqliteSource } from "./sqlite-backup.ts";

/** Rows read from SQLite and written to PostgreSQL at a time. */
const BATCH_ROWS = 1000;

/** What a migration copied, and the log it checked on both sides. */
export interface MigrationSummary {
  /** Rows copied per table. */
  readonly rows: Record<string, number>;
  /** The audit log's size and root (base64url), equal in the source and the target. */
  readonly log: { readonly size: number; readonly root: string };
}

/**
 * Copies the relay's SQLite store in `dataDir` to the PostgreSQL store at `url` (docs/operations.md
 * "Moving from SQLite to PostgreSQL"): every table but sessions, in batches, in one PostgreSQL
 * transaction, so a failed migration leaves nothing behind. Then checks the copy: the row count of
 * every table, and the audit log's root at its size rebuilt from each store's tiles, which must be
 * equal (else ERR_LOG_INCONSISTENT). The relay must be stopped while it runs. A target holding
 * data is refused (ERR_STORE_NOT_EMPTY) unless `force`; a source table without a PostgreSQL
 * counterpart that holds rows is refused (ERR_NOT_SUPPORTED) rather than dropped.
 *
 * @example
 * const { log } = await migrateSqliteToPostgres(".ants-data", url, { force: false });
 */
export async function migrateSqliteToPostgres(
  dataDir: string,
  url: string,
  options: { force: boolean },
): Promise<MigrationSummary> {
  // Brings the source to this relay's schema first, as a start of the relay would.
  await openSqliteStore(join(dataDir, SQLITE_FILE_NAME)).close();
  const source = openSqliteSource(dataDir);
  let target: PostgresRelayStore | undefined;
  try {
    target = await openPostgresStore(url);
    const targetTables = await listPostgresTables(target.pool, target.schema);
    const plan = planCopy(source, targetTables);
    source.exec("BEGIN");
    const rows = await copyTables(source, target, targetTables, plan, options.force);
    const log = await compareLogs(createSqliteLogStore(source), target.log);
    source.exec("COMMIT");
    return { rows, log };
  } finally {
    if (source.inTransaction) source.exec("ROLLBACK");
    source.close();
    await target?.close();
  }
}

/** Each source table to copy with its columns, once every one has somewhere to go. */
function planCopy(
  source: Database.Database,
  targetTables: Map<string, PostgresTable>,
): Map<string, string[]> {
  const plan = new Map<string, string[]>();
  for (const [table, columns] of listSqliteTables(source)) {
    const target = targetTables.get(table);
    if (target === undefined) {
      if (source.prepare(`SELECT 1 FROM ${quoteIdentifier(table)}`).get() === undefined) continue;
      throw new RelayError(
        "ERR_NOT_SUPPORTED",
        `migrate: table ${table} has no PostgreSQL counterpart in this relay version`,
      );
    }
    const known = new Set(target.columns.map((column) => column.name));
    const missing = columns.filter((column) => !known.has(column));
    if (missing.length > 0) {
      throw new RelayError(
        "ERR_NOT_SUPPORTED",
        `migrate: ${table}.${missing.join(", ")} has no PostgreSQL counterpart`,
      );
    }
    plan.set(table, columns);
  }
  return plan;
}

async function copyTables(
  source: Database.Database,
  target: PostgresRelayStore,
  targetTables: Map<string, PostgresTable>,
  plan: Map<string, string[]>,
  force: boolean,
): Promise<Record<string, number>> {
  const client = await target.pool.connect();
  try {
    await run(client, "BEGIN");
    await prepareTarget(client, targetTables, force);
    const rows: Record<string, number> = {};
    for (const [table, columns] of plan) {
      const names = columns.map(quoteIdentifier).join(", ");
      const select = source.prepare(`SELECT ${names} FROM ${quoteIdentifier(table)}`).raw(true);
      let batch: unknown[][] = [];
      let count = 0;
      for (const row of select.iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length < BATCH_ROWS) continue;
        await insertRows(client, table, columns, batch);
        count += batch.length;
        batch = [];
      }
      await insertRows(client, table, columns, batch);
      rows[table] = count + batch.length;
      const copied = await run<{ n: number }>(
        client,
        `SELECT count(*)::int8 AS n FROM ${quoteIdentifier(table)}`,
      );
      if (copied.rows[0]!.n !== rows[table]) {
        throw new RelayError("ERR_STORE_FAILED", `migrate: ${table} row count differs`);
      }
    }
    await resetSequences(client, target.schema);
    await run(client, "COMMIT");
    return rows;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The audit log's size and root in both stores, rebuilt from each one's stored tiles as a relay
 * starting on it would, and the target's root also recomputed from its entries alone (every leaf
 * hashed again); ERR_LOG_INCONSISTENT when any of them differ.
 *
 * @example
 * const { size, root } = await compareLogs(sqliteLog, postgresLog);
 */
export async function compareLogs(
  source: AuditLogStore,
  target: AuditLogStore,
): Promise<{ size: number; root: string }> {
  const before = (await restoreSequencerState(source)).state.frontier;
  const after = (await restoreSequencerState(target)).state.frontier;
  const root = encodeBase64url(before.root());
  const rehashed = await rootFromEntries(target, after.size);
  const roots = [after.root(), rehashed].map(encodeBase64url);
  if (before.size !== after.size || roots.some((other) => other !== root)) {
    throw new RelayError(
      "ERR_LOG_INCONSISTENT",
      `migrate: the copied log (size ${after.size}) differs from the source (size ${before.size})`,
    );
  }
  return { size: before.size, root };
}

/** The root of the first `size` entries of `store`, hashing every entry. */
async function rootFromEntries(store: AuditLogStore, size: number): Promise<Uint8Array> {
  const frontier = new MerkleFrontier();
  for (let begin = 0; begin < size; begin += 4096) {
    for (const entry of await store.readEntries(begin, Math.min(size, begin + 4096))) {
      frontier.append(leafHash(entry));
    }
  }
  if (frontier.size !== size) {
    throw new RelayError("ERR_LOG_INCONSISTENT", "migrate: the copied log is missing entries");
  }
  return frontier.root();
}
