import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import type pg from "pg";
import { RelayError } from "../../errors/relay-error.ts";
import { run } from "../postgres/pg-pool.ts";
import { POSTGRES_MIGRATIONS } from "../postgres/postgres-migrations.ts";
import { openPostgresStore } from "../postgres/postgres-store.ts";
import {
  DUMP_FORMAT,
  DUMP_VERSION,
  type DumpLine,
  decodeValue,
  encodeValue,
  parseDumpLine,
} from "./dump-format.ts";
import {
  insertRows,
  listPostgresTables,
  type PostgresTable,
  prepareTarget,
  readRows,
  resetSequences,
} from "./postgres-tables.ts";

/** What a backup or restore copied. */
export interface TransferSummary {
  /** Rows copied per table. */
  readonly rows: Record<string, number>;
}

/**
 * Writes a logical dump of the relay's PostgreSQL tables at `url` to `out` (the format of
 * dump-format.ts), read in one REPEATABLE READ snapshot, so the dump is consistent while relays
 * keep running. The file appears under its name only once whole.
 *
 * @example
 * await dumpPostgresStore("postgres://postgres@127.0.0.1:5432/ants", "relay.dump");
 */
export async function dumpPostgresStore(url: string, out: string): Promise<TransferSummary> {
  const store = await openPostgresStore(url);
  const partial = `${out}.partial`;
  const file = createWriteStream(partial, { mode: 0o600 });
  const write = async (line: DumpLine) => {
    if (!file.write(`${JSON.stringify(line)}\n`)) await once(file, "drain");
  };
  const rows: Record<string, number> = {};
  const client = await store.pool.connect();
  try {
    await run(client, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const version = await run<{ version: number }>(client, "SELECT version FROM ants_schema");
    const schemaVersion = version.rows[0]?.version ?? 0;
    await write({ format: DUMP_FORMAT, version: DUMP_VERSION, schemaVersion, createdAt: now() });
    const tables = await listPostgresTables(client, store.schema);
    for (const table of tables.values()) {
      const columns = table.columns.map((column) => column.name);
      await write({ table: table.name, columns, types: table.columns.map((c) => c.type) });
      let count = 0;
      for await (const batch of readRows(client, table)) {
        for (const row of batch) await write({ row: row.map(encodeValue) });
        count += batch.length;
      }
      await write({ end: table.name, rows: count });
      rows[table.name] = count;
    }
    await write({ done: true, tables: tables.size });
    await run(client, "COMMIT");
    file.end();
    await once(file, "finish");
    renameSync(partial, out);
    return { rows };
  } catch (error) {
    file.destroy();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    client.release();
    await store.close();
  }
}

/**
 * Restores a dump written by {@link dumpPostgresStore} into the PostgreSQL store at `url`, in one
 * transaction: nothing of a refused or truncated dump stays. The target is migrated to this
 * relay's schema first; the dump must be of the same schema version (else ERR_NOT_SUPPORTED).
 * A target holding data is refused (ERR_STORE_NOT_EMPTY) unless `force`, which replaces it.
 *
 * @example
 * await restorePostgresStore(url, "relay.dump", { force: false });
 */
export async function restorePostgresStore(
  url: string,
  from: string,
  options: { force: boolean },
): Promise<TransferSummary> {
  if (!existsSync(from)) throw new RelayError("ERR_BACKUP_INVALID", "backup: file not found");
  const store = await openPostgresStore(url);
  const client = await store.pool.connect();
  const lines = createInterface({
    input: createReadStream(from),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  // Taken at once: the iterator queues lines until they are read, so none is emitted unseen.
  const iterator = lines[Symbol.asyncIterator]();
  try {
    await run(client, "BEGIN");
    const tables = await listPostgresTables(client, store.schema);
    await prepareTarget(client, tables, options.force);
    const rows = await loadDump(client, iterator, tables);
    await resetSequences(client, store.schema);
    await run(client, "COMMIT");
    return { rows };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw asBackupError(error);
  } finally {
    lines.close();
    client.release();
    await store.close();
  }
}

/** Reads the dump's lines in order and inserts its rows; refuses anything out of place. */
async function loadDump(
  client: pg.PoolClient,
  lines: AsyncIterator<string>,
  tables: Map<string, PostgresTable>,
): Promise<Record<string, number>> {
  let number = 0;
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new RelayError("ERR_BACKUP_INVALID", "backup: truncated (no final line)");
    number++;
    return parseDumpLine(value, number);
  };
  checkHeader(await next());
  const rows: Record<string, number> = {};
  for (;;) {
    const line = await next();
    if (line.done === true) {
      if (line.tables !== Object.keys(rows).length) {
        throw new RelayError("ERR_BACKUP_INVALID", "backup: table count does not match");
      }
      return rows;
    }
    const table = tableOf(line, tables);
    rows[table.name] = await loadTable(client, table, line.columns as string[], next);
  }
}

function checkHeader(line: Record<string, unknown>): void {
  if (line.format !== DUMP_FORMAT || line.version !== DUMP_VERSION) {
    throw new RelayError("ERR_BACKUP_INVALID", `backup: not an ${DUMP_FORMAT} v${DUMP_VERSION}`);
  }
  if (line.schemaVersion !== POSTGRES_MIGRATIONS.length) {
    throw new RelayError(
      "ERR_NOT_SUPPORTED",
      `restore: dump of schema version ${String(line.schemaVersion)}, this relay has ` +
        `${POSTGRES_MIGRATIONS.length}; restore with the relay version that wrote it`,
    );
  }
}

/** The target table a table line names, once its columns are known there. */
function tableOf(line: Record<string, unknown>, tables: Map<string, PostgresTable>): PostgresTable {
  const name = line.table;
  const table = typeof name === "string" ? tables.get(name) : undefined;
  if (table === undefined) {
    throw new RelayError("ERR_BACKUP_INVALID", `backup: unknown table ${JSON.stringify(name)}`);
  }
  const columns = line.columns;
  const known = new Set(table.columns.map((column) => column.name));
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string" && known.has(c))) {
    throw new RelayError("ERR_BACKUP_INVALID", `backup: columns of ${table.name}`);
  }
  return table;
}

async function loadTable(
  client: pg.PoolClient,
  table: PostgresTable,
  columns: string[],
  next: () => Promise<Record<string, unknown>>,
): Promise<number> {
  const types = columns.map((name) => table.columns.find((c) => c.name === name)!.type);
  let batch: unknown[][] = [];
  let count = 0;
  for (;;) {
    const line = await next();
    if (line.end !== undefined) {
      if (line.end !== table.name || line.rows !== count + batch.length) {
        throw new RelayError("ERR_BACKUP_INVALID", `backup: row count of ${table.name}`);
      }
      await insertRows(client, table.name, columns, batch);
      return count + batch.length;
    }
    const row = line.row;
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new RelayError("ERR_BACKUP_INVALID", `backup: a row of ${table.name}`);
    }
    batch.push(row.map((value, i) => decodeValue(value, types[i]!, `${table.name}.${columns[i]}`)));
    if (batch.length === 500) {
      await insertRows(client, table.name, columns, batch);
      count += batch.length;
      batch = [];
    }
  }
}

/**
 * A row PostgreSQL refuses (SQLSTATE class 22, data exception, or 23, integrity violation) is a
 * fault of the dump, not of the store.
 */
function asBackupError(error: unknown): unknown {
  const cause = error instanceof RelayError ? error.cause : undefined;
  const state = (cause as { code?: unknown } | undefined)?.code;
  if (typeof state === "string" && /^2[23]/.test(state)) {
    return new RelayError("ERR_BACKUP_INVALID", "backup: a row is refused by the schema", {
      cause,
    });
  }
  if ((error as { code?: unknown }).code === "ENOENT") {
    return new RelayError("ERR_BACKUP_INVALID", "backup: file not found", { cause: error });
  }
  return error;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
