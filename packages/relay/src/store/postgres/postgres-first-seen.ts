import type pg from "pg";
import type { FirstSeenRecord, FirstSeenRepository } from "../first-seen-repository.ts";
import { run } from "./pg-pool.ts";

const COLUMNS = `hash, issuer, subject, kid, parent, expires_at AS "expiresAt", seen_at AS "seenAt"`;

/**
 * First sightings in PostgreSQL. A batch is one statement over arrays (one round trip); an
 * existing row is never overwritten, so the earliest sighting wins even across relays.
 *
 * @example
 * await createPostgresFirstSeen(pool).record([{ hash, issuer, subject, kid, parent, expiresAt, seenAt }]);
 */
export function createPostgresFirstSeen(pool: pg.Pool): FirstSeenRepository {
  return {
    record: async (records) => {
      if (records.length === 0) return;
      const column = <K extends keyof FirstSeenRecord>(key: K) => records.map((r) => r[key]);
      await run(
        pool,
        `INSERT INTO first_seen (hash, issuer, subject, kid, parent, expires_at, seen_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
             $6::int8[], $7::int8[])
           ON CONFLICT (hash) DO NOTHING`,
        [
          column("hash"),
          column("issuer"),
          column("subject"),
          column("kid"),
          column("parent"),
          column("expiresAt"),
          column("seenAt"),
        ],
      );
    },
    get: async (hash) =>
      (
        await run<FirstSeenRecord>(pool, `SELECT ${COLUMNS} FROM first_seen WHERE hash = $1`, [
          hash,
        ])
      ).rows[0],
    listLive: async (now, after, limit) =>
      (
        await run<FirstSeenRecord>(
          pool,
          `SELECT ${COLUMNS} FROM first_seen WHERE expires_at > $1 AND hash > $2
           ORDER BY hash LIMIT $3`,
          [now, after, limit],
        )
      ).rows,
    purgeExpired: async (now) =>
      (await run(pool, "DELETE FROM first_seen WHERE expires_at <= $1", [now])).rowCount ?? 0,
  };
}
