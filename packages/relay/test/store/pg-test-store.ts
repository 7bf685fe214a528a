import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  openPostgresStore,
  type PostgresRelayStore,
} from "../../src/store/postgres/postgres-store.ts";

/** The database the PostgreSQL tests use, from ANTS_TEST_DATABASE_URL. */
export const PG_TEST_URL = process.env.ANTS_TEST_DATABASE_URL;

/**
 * True when ANTS_TEST_DATABASE_URL is set and answers; otherwise prints why the PostgreSQL tests
 * are skipped, so a run without a database says so rather than passing silently.
 */
export async function pgReachable(): Promise<boolean> {
  if (PG_TEST_URL === undefined || PG_TEST_URL === "") {
    console.warn("PostgreSQL store tests skipped: ANTS_TEST_DATABASE_URL is not set");
    return false;
  }
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    console.warn(`PostgreSQL store tests skipped: ${PG_TEST_URL} unreachable (${String(error)})`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name, so parallel test files never share tables. */
export function freshSchema(): string {
  return `ants_test_${randomBytes(6).toString("hex")}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Opens a store in a fresh schema; `dispose` closes it and drops the schema. */
export async function openPgTestStore(
  schema = freshSchema(),
): Promise<{ store: PostgresRelayStore; schema: string; dispose: () => Promise<void> }> {
  const store = await openPostgresStore(PG_TEST_URL!, { schema, createSchema: true, max: 4 });
  return {
    store,
    schema,
    dispose: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}
