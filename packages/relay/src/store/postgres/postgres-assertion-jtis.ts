import type pg from "pg";
import type { AssertionJtiRepository } from "../assertion-jti-repository.ts";
import { run } from "./pg-pool.ts";

/** The table of accepted client assertion `jti`s, purged by expiry. */
export const POSTGRES_ASSERTION_JTIS_MIGRATION = `
  CREATE TABLE assertion_jtis (
    key TEXT COLLATE "C" PRIMARY KEY,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX assertion_jtis_by_expiry ON assertion_jtis (expires_at);
`;

/**
 * Accepted assertion `jti`s in PostgreSQL, shared by every relay on the database. One statement
 * decides (an insert, or the takeover of an expired row); the primary key makes two relays racing
 * on one `jti` end with exactly one accepted.
 *
 * @example
 * await createPostgresAssertionJtis(pool).use(`${iss}:${jti}`, exp, now); // true, then false
 */
export function createPostgresAssertionJtis(pool: pg.Pool): AssertionJtiRepository {
  return {
    use: async (key, expiresAt, now) => {
      const result = await run(
        pool,
        `INSERT INTO assertion_jtis (key, expires_at) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
         WHERE assertion_jtis.expires_at <= $3`,
        [key, expiresAt, now],
      );
      return result.rowCount === 1;
    },
    purgeExpired: async (now) =>
      (await run(pool, "DELETE FROM assertion_jtis WHERE expires_at <= $1", [now])).rowCount ?? 0,
  };
}
