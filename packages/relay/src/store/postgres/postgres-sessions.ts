import type pg from "pg";
import type { SessionRecord, SessionRepository } from "../relay-store.ts";
import { inTransaction, lockFor, run } from "./pg-pool.ts";

const COLUMNS = `id, agent, instance, key_thumbprint AS "keyThumbprint", public_key AS "publicKey",
  token, issued_at AS "issuedAt", expires_at AS "expiresAt", ended_at AS "endedAt",
  end_reason AS "endReason"`;

/**
 * Sessions in PostgreSQL. Opening a session ends the live one of the same agent instance in the
 * same transaction, under a lock on that instance, so two relays opening sessions for it at once
 * never leave two live.
 *
 * @example
 * const replaced = await createPostgresSessions(pool).open(session);
 */
export function createPostgresSessions(pool: pg.Pool): SessionRepository {
  return {
    open: (s) =>
      inTransaction(pool, async (client) => {
        await lockFor(client, `session:${s.agent}:${s.instance}`);
        const { rows } = await run<{ id: string }>(
          client,
          `UPDATE sessions SET ended_at = $3, end_reason = 'replaced'
           WHERE agent = $1 AND instance = $2 AND ended_at IS NULL RETURNING id`,
          [s.agent, s.instance, s.issuedAt],
        );
        await run(
          client,
          `INSERT INTO sessions (id, agent, instance, key_thumbprint, public_key, token, issued_at,
             expires_at, ended_at, end_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            s.id,
            s.agent,
            s.instance,
            s.keyThumbprint,
            s.publicKey,
            s.token,
            s.issuedAt,
            s.expiresAt,
            s.endedAt,
            s.endReason,
          ],
        );
        return rows.map(({ id }) => id);
      }),
    get: async (id) =>
      (await run<SessionRecord>(pool, `SELECT ${COLUMNS} FROM sessions WHERE id = $1`, [id]))
        .rows[0],
    end: async (id, at) =>
      (
        await run(
          pool,
          "UPDATE sessions SET ended_at = $1, end_reason = 'ended' WHERE id = $2 AND ended_at IS NULL",
          [at, id],
        )
      ).rowCount === 1,
    listLive: async (agent, now) =>
      (
        await run<SessionRecord>(
          pool,
          `SELECT ${COLUMNS} FROM sessions WHERE agent = $1 AND ended_at IS NULL
           AND expires_at > $2 ORDER BY issued_at, id`,
          [agent, now],
        )
      ).rows,
    listAllLive: async (now) =>
      (
        await run<SessionRecord>(
          pool,
          `SELECT ${COLUMNS} FROM sessions WHERE ended_at IS NULL AND expires_at > $1`,
          [now],
        )
      ).rows,
  };
}
