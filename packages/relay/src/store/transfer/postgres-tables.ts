import type pg from "pg";
import { RelayError } from "../../errors/relay-error.ts";
import { type Queryable, run } from "../postgres/pg-pool.ts";

/** A relay table in PostgreSQL: its columns in order, with their SQL types. */
export interface PostgresTable {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

/**
 * Tables a backup, restore or migration never copies: the schema version (each store keeps its
 * own), sessions, which are bound to the instance that issued them and expire within hours
 * (agents log in again after a move), and the audit log's transient hand-off rows.
 */
export const SKIPPED_TABLES: ReadonlySet<string> = new Set([
  "ants_schema",
  "sessions",
  "log_queue",
]);

/** Rows per INSERT statement at most (PostgreSQL takes at most 65,535 parameters). */
const ROWS_PER_INSERT = 500;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The relay's tables in `schema`, by name, with their columns; `sessions` and the schema
 * version table are left out (SKIPPED_TABLES).
 *
 * @example
 * const tables = await listPostgresTables(pool, "public");
 */
export async function listPostgresTables(
  db: Queryable,
  schema: string,
): Promise<Map<string, PostgresTable>> {
  const { rows } = await run<{ table_name: string; column_name: string; data_type: string }>(
    db,
    `SELECT c.table_name, c.column_name, c.data_type
     FROM information_schema.columns c JOIN information_schema.tables t
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const tables = new Map<string, { name: string; type: string }[]>();
  for (const row of rows) {
    if (SKIPPED_TABLES.has(row.table_name)) continue;
    const columns = tables.get(row.table_name) ?? [];
    columns.push({ name: row.column_name, type: row.data_type });
    tables.set(row.table_name, columns);
  }
  return new Map([...tables].map(([name, columns]) => [name, { name, columns }]));
}

/**
 * Quotes a table or column name after checking it is a plain lower-case identifier: names come
 * from catalogs and from backup files, and a backup file is input like any other.
 */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new RelayError(
      "ERR_BACKUP_INVALID",
      `backup: table or column name ${JSON.stringify(name)}`,
    );
  }
  return `"${name}"`;
}

/** Names of the tables among `tables` that hold at least one row. */
export async function nonEmptyTables(
  db: Queryable,
  tables: Iterable<PostgresTable>,
): Promise<string[]> {
  const found: string[] = [];
  for (const table of tables) {
    // The relay writes its handle secret at its first start, whether or not it then holds data.
    if (table.name === "handle_secret") continue;
    // log_state is seeded with its one row by the migration itself.
    const where = table.name === "log_state" ? " WHERE heads_at <> 0" : "";
    const { rows } = await run(db, `SELECT 1 FROM ${quoteIdentifier(table.name)}${where} LIMIT 1`);
    if (rows.length > 0) found.push(table.name);
  }
  return found;
}

/**
 * Refuses a target that holds data (ERR_STORE_NOT_EMPTY) unless `force`; then empties every
 * table among `tables`, so the copy is the whole content. Runs inside the caller's transaction.
 */
export async function prepareTarget(
  client: pg.PoolClient,
  tables: Map<string, PostgresTable>,
  force: boolean,
): Promise<void> {
  if (!force) {
    const full = await nonEmptyTables(client, tables.values());
    if (full.length > 0) {
      throw new RelayError(
        "ERR_STORE_NOT_EMPTY",
        `target store: holds data (${full.join(", ")}); pass --force to replace it`,
      );
    }
  }
  for (const table of tables.values()) {
    await run(client, `DELETE FROM ${quoteIdentifier(table.name)}`);
  }
}

/** Inserts `rows` (values in the order of `columns`) into `table`, in statements of 500 rows. */
export async function insertRows(
  client: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  const names = columns.map(quoteIdentifier).join(", ");
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const slots = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${slots.join(", ")})`;
    });
    await run(
      client,
      `INSERT INTO ${quoteIdentifier(table)} (${names}) VALUES ${tuples.join(", ")}`,
      values,
    );
  }
}

/**
 * Moves every serial column's sequence past the largest copied value, so rows the relay inserts
 * after a restore or migration do not collide with copied ones.
 */
export async function resetSequences(client: Queryable, schema: string): Promise<void> {
  const { rows } = await run<{ table_name: string; column_name: string }>(
    client,
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = $1 AND column_default LIKE 'nextval(%'`,
    [schema],
  );
  for (const { table_name: table, column_name: column } of rows) {
    const qualified = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
    await run(
      client,
      `SELECT setval(pg_get_serial_sequence($1, $2),
         coalesce((SELECT max(${quoteIdentifier(column)}) FROM ${qualified}), 0) + 1, false)`,
      [qualified, column],
    );
  }
}

/**
 * Reads `table` whole inside the caller's (snapshot) transaction, `batch` rows at a time, through
 * a server-side cursor so a large log never sits in memory at once.
 */
export async function* readRows(
  client: Queryable,
  table: PostgresTable,
  batch = 1000,
): AsyncGenerator<unknown[][]> {
  const names = table.columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const cursor = `dump_${table.name}`;
  await run(
    client,
    `DECLARE ${quoteIdentifier(cursor)} NO SCROLL CURSOR FOR
    SELECT ${names} FROM ${quoteIdentifier(table.name)}`,
  );
  for (;;) {
    const { rows } = await run<Record<string, unknown>>(
      client,
      `FETCH ${batch} FROM ${quoteIdentifier(cursor)}`,
    );
    if (rows.length === 0) break;
    yield rows.map((row) => table.columns.map((column) => row[column.name]));
  }
  await run(client, `CLOSE ${quoteIdentifier(cursor)}`);
}
