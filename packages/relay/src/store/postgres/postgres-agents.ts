import type pg from "pg";
import type { AgentRecord, AgentRepository } from "../relay-store.ts";
import { run } from "./pg-pool.ts";

const COLUMNS = `id, public_key AS "publicKey", owner, recovery, instances, registration,
  registered_at AS "registeredAt"`;

/**
 * Agents in PostgreSQL, by primary key.
 *
 * @example
 * await createPostgresAgents(pool).insert(record);
 */
export function createPostgresAgents(pool: pg.Pool): AgentRepository {
  return {
    insert: async (a) =>
      (
        await run(
          pool,
          `INSERT INTO agents (id, public_key, owner, recovery, instances, registration,
             registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
          [a.id, a.publicKey, a.owner, a.recovery, a.instances, a.registration, a.registeredAt],
        )
      ).rowCount === 1,
    get: async (id) =>
      (await run<AgentRecord>(pool, `SELECT ${COLUMNS} FROM agents WHERE id = $1`, [id])).rows[0],
  };
}
