import type { Database } from "better-sqlite3";
import type { SessionRecord, SessionRepository } from "../relay-store.ts";

const SESSION_COLUMNS = `id, agent, instance, key_thumbprint AS keyThumbprint,
  public_key AS publicKey, token, issued_at AS issuedAt, expires_at AS expiresAt,
  ended_at AS endedAt, end_reason AS endReason`;

/**
 * Sessions in SQLite. Opening a session ends the live one of the same agent instance in the same
 * transaction, so two live sessions for one instance never exist, even for a moment.
 *
 * @example
 * const replaced = await createSqliteSessions(db).open(session);
 */
export function createSqliteSessions(db: Database): SessionRepository {
  const insert = db.prepare(
    `INSERT INTO sessions (id, agent, instance, key_thumbprint, public_key, token, issued_at,
       expires_at, ended_at, end_reason)
     VALUES (@id, @agent, @instance, @keyThumbprint, @publicKey, @token, @issuedAt, @expiresAt,
       @endedAt, @endReason)`,
  );
  const liveOfInstance = db.prepare(
    "SELECT id FROM sessions WHERE agent = ? AND instance = ? AND ended_at IS NULL",
  );
  const endOne = db.prepare(
    "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
  );
  const select = db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`);
  const liveOfAgent = db.prepare(
    `SELECT ${SESSION_COLUMNS} FROM sessions
     WHERE agent = ? AND ended_at IS NULL AND expires_at > ? ORDER BY issued_at, id`,
  );
  const allLive = db.prepare(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ended_at IS NULL AND expires_at > ?`,
  );

  const open = db.transaction((session: SessionRecord): string[] => {
    const previous = liveOfInstance.all(session.agent, session.instance) as { id: string }[];
    for (const { id } of previous) endOne.run(session.issuedAt, "replaced", id);
    insert.run(session);
    return previous.map(({ id }) => id);
  });

  return {
    open: async (session) => open.immediate(session),
    get: async (id) => select.get(id) as SessionRecord | undefined,
    end: async (id, at) => endOne.run(at, "ended", id).changes === 1,
    listLive: async (agent, now) => liveOfAgent.all(agent, now) as SessionRecord[],
    listAllLive: async (now) => allLive.all(now) as SessionRecord[],
  };
}
