import type { Database } from "better-sqlite3";
import type { AgentRecord, AgentRepository } from "../relay-store.ts";

const AGENT_COLUMNS = `id, public_key AS publicKey, owner, recovery, instances, registration,
  registered_at AS registeredAt`;

/**
 * Agents in SQLite, by primary key.
 *
 * @example
 * const agents = createSqliteAgents(db);
 * await agents.insert(record);
 */
export function createSqliteAgents(db: Database): AgentRepository {
  const insert = db.prepare(
    `INSERT INTO agents (id, public_key, owner, recovery, instances, registration, registered_at)
     VALUES (@id, @publicKey, @owner, @recovery, @instances, @registration, @registeredAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const select = db.prepare(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = ?`);
  return {
    insert: async (agent) => insert.run(agent).changes === 1,
    get: async (id) => select.get(id) as AgentRecord | undefined,
  };
}
