import type pg from "pg";
import { RelayError } from "../../errors/relay-error.ts";
import type { RelayStore } from "../relay-store.ts";
import { createPgPool, type PgPoolOptions } from "./pg-pool.ts";
import { createPostgresAgents } from "./postgres-agents.ts";
import { createPostgresAssertionJtis } from "./postgres-assertion-jtis.ts";
import { createPostgresDecisions } from "./postgres-decisions.ts";
import { createPostgresFirstSeen } from "./postgres-first-seen.ts";
import { createPostgresHandles } from "./postgres-handles.ts";
import { createPostgresKeyEvents } from "./postgres-key-events.ts";
import { createPostgresLogStore } from "./postgres-log-store.ts";
import { migratePostgres } from "./postgres-migrations.ts";
import { createPostgresPending } from "./postgres-pending.ts";
import { createPostgresReplay } from "./postgres-replay.ts";
import { createPostgresRevocations } from "./postgres-revocations.ts";
import { createPostgresSessions } from "./postgres-sessions.ts";
import { createPostgresTrust } from "./postgres-trust.ts";

/** A relay store on PostgreSQL, with what the multi-instance machinery needs beyond the contract. */
export interface PostgresRelayStore extends RelayStore {
  readonly kind: "postgres";
  /** The connection string and schema, for a dedicated LISTEN connection. */
  readonly url: string;
  readonly schema: string;
  readonly pool: pg.Pool;
}

/**
 * Opens the PostgreSQL store at `url` (DESIGN.md section 11) and applies migrations. The tables live
 * in `options.schema`, else the URL's `schema` query parameter (created when missing), else
 * `public`. Every acknowledgement waits for a commit, which PostgreSQL makes durable
 * before it answers (the server's `synchronous_commit`, on by default, must stay on).
 *
 * @example
 * const store = await openPostgresStore("postgres://postgres@127.0.0.1:5432/ants");
 */
export async function openPostgresStore(
  url: string,
  options: PgPoolOptions & { createSchema?: boolean } = {},
): Promise<PostgresRelayStore> {
  const parsed = splitSchema(url);
  const schema = options.schema ?? parsed.schema ?? "public";
  const createSchema = options.createSchema ?? parsed.schema !== undefined;
  let pool: pg.Pool;
  try {
    pool = createPgPool(parsed.url, { ...options, schema });
  } catch (error) {
    if (error instanceof RelayError) throw error;
    throw new RelayError("ERR_CONFIG_INVALID", "database url: cannot be parsed", { cause: error });
  }
  try {
    await migratePostgres(pool, createSchema ? { createSchema: schema } : {});
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof RelayError && error.message.startsWith("store: schema")) throw error;
    throw new RelayError("ERR_STORE_FAILED", "store: cannot open the database", { cause: error });
  }
  let closed: Promise<void> | undefined;
  return {
    kind: "postgres",
    url,
    schema,
    pool,
    agents: createPostgresAgents(pool),
    sessions: createPostgresSessions(pool),
    revocations: createPostgresRevocations(pool, schema),
    decisions: createPostgresDecisions(pool),
    pending: createPostgresPending(pool),
    log: createPostgresLogStore(pool),
    handles: createPostgresHandles(pool),
    firstSeen: createPostgresFirstSeen(pool),
    trust: createPostgresTrust(pool),
    replay: createPostgresReplay(pool),
    keyEvents: createPostgresKeyEvents(pool),
    assertionJtis: createPostgresAssertionJtis(pool),
    close: () => {
      closed ??= pool.end();
      return closed;
    },
  };
}

/**
 * Takes the relay's own `schema` query parameter out of a connection string: the schema the
 * tables live in, created when missing (several relay deployments may share one database).
 */
function splitSchema(url: string): { url: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new RelayError("ERR_CONFIG_INVALID", "database url: cannot be parsed", { cause: error });
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new RelayError("ERR_CONFIG_INVALID", "database url: expected postgres://");
  }
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  return { url: parsed.toString(), schema };
}

/**
 * True when `store` is a PostgreSQL store (and so shared with other relays).
 *
 * @example
 * if (isPostgresStore(store)) listenForRevocations(store);
 */
export function isPostgresStore(store: RelayStore): store is PostgresRelayStore {
  return (store as Partial<PostgresRelayStore>).kind === "postgres";
}
