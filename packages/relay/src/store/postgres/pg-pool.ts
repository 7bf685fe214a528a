import pg from "pg";
import { RelayError } from "../../errors/relay-error.ts";

/** A query runner: the pool itself, or one client inside a transaction. */
export interface Queryable {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<Row>>;
}

/** OIDs of int8 and numeric columns, which `pg` returns as strings by default. */
const INT8_OID = 20;

/**
 * Every integer the relay stores (Unix seconds, sequence numbers, indexes) is a safe integer, so
 * int8 columns are read back as numbers rather than strings; the parser is set per pool, never
 * globally, so other users of `pg` in the process are unaffected.
 */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (text: string) => Number(text)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Options for {@link createPgPool}. */
export interface PgPoolOptions {
  /** The schema every table lives in (its `search_path`); default `public`. */
  schema?: string;
  /** Connections at most; default 10. */
  max?: number;
}

/**
 * Opens a connection pool on `url` whose connections use `schema` as their search path.
 *
 * @example
 * const pool = createPgPool("postgres://postgres@127.0.0.1:5432/ants", { schema: "ants" });
 */
export function createPgPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  const schema = options.schema ?? "public";
  if (!/^[a-z_][a-z0-9_]{0,49}$/.test(schema)) {
    throw new RelayError("ERR_CONFIG_INVALID", "database schema: expected a lower-case identifier");
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types,
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5000,
  });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

/**
 * Runs one statement, turning any driver failure into ERR_STORE_FAILED (the message never holds
 * the statement's values).
 *
 * @example
 * const { rows } = await run(pool, "SELECT id FROM agents WHERE id = $1", [id]);
 */
export async function run<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<Row>> {
  try {
    return await db.query<Row>(text, values);
  } catch (error) {
    throw storeFailed(error);
  }
}

/**
 * Runs `body` in one transaction on one pooled client: committed when it resolves, rolled back
 * when it throws (the error is rethrown as is when already a RelayError).
 *
 * @example
 * await inTransaction(pool, async (client) => { await run(client, "..."); });
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeFailed(error);
  }
  try {
    await run(client, "BEGIN");
    const result = await body(client);
    await run(client, "COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Takes a transaction-scoped advisory lock named by `name`: concurrent writers of the same thing
 * (a log's sequence numbers, one handle) queue here, and the lock is released at commit, so the
 * order in which they take numbers is the order in which readers can see them.
 *
 * @example
 * await lockFor(client, "revocations");
 */
export async function lockFor(client: Queryable, name: string): Promise<void> {
  await run(client, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`ants:${name}`]);
}

function storeFailed(error: unknown): unknown {
  if (error instanceof RelayError) return error;
  return new RelayError("ERR_STORE_FAILED", "store: database operation failed", { cause: error });
}
