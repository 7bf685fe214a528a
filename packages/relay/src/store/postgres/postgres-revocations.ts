import type pg from "pg";
import type { RevocationAppend, RevocationRecord, RevocationRepository } from "../relay-store.ts";
import { inTransaction, lockFor, run } from "./pg-pool.ts";

/**
 * The channel a relay notifies after appending a revocation; the payload is the sequence number.
 * Channels are database-wide, so the name carries the schema (schemas are checked identifiers of
 * at most 50 characters, which keeps the name under PostgreSQL's 63).
 *
 * @example
 * revocationChannel("public"); // "ants_revocations_public"
 */
export function revocationChannel(schema: string): string {
  return `ants_revocations_${schema}`;
}

const COLUMNS = `seq, kind, target, reason, revoker, at, compromised_since AS "compromisedSince",
  epoch, request`;

/**
 * The revocation log in PostgreSQL. Writers take the next sequence number under an advisory lock
 * held until commit, so numbers are dense and become visible in order: a reader that has applied
 * n and reads "after n" never skips an entry committed later with a smaller number. The same
 * transaction sends NOTIFY, which PostgreSQL delivers only on commit, so the other relays hear of
 * an entry exactly when they can read it.
 *
 * @example
 * const { seq } = await createPostgresRevocations(pool, "public").append(entry);
 */
export function createPostgresRevocations(pool: pg.Pool, schema: string): RevocationRepository {
  return {
    append: (entry) =>
      inTransaction(pool, async (client) => {
        await lockFor(client, "revocations");
        const row = withDefaults(entry);
        const { rows } = await run<{ seq: number }>(
          client,
          `INSERT INTO revocations (seq, kind, target, reason, revoker, at, compromised_since,
             epoch, request)
           SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8 FROM revocations
           RETURNING seq`,
          [
            row.kind,
            row.target,
            row.reason,
            row.revoker,
            row.at,
            row.compromisedSince,
            row.epoch,
            row.request,
          ],
        );
        const seq = rows[0]!.seq;
        await run(client, "SELECT pg_notify($1, $2)", [revocationChannel(schema), String(seq)]);
        return { seq, ...row };
      }),
    listSince: async (after, limit) =>
      (
        await run<RevocationRecord>(
          pool,
          `SELECT ${COLUMNS} FROM revocations WHERE seq > $1 ORDER BY seq LIMIT $2`,
          [after, limit],
        )
      ).rows,
    head: async () =>
      (
        await run<{ seq: number }>(
          pool,
          "SELECT coalesce(max(seq), 0)::int8 AS seq FROM revocations",
        )
      ).rows[0]!.seq,
  };
}

function withDefaults(entry: RevocationAppend): Omit<RevocationRecord, "seq"> {
  return {
    kind: entry.kind,
    target: entry.target,
    reason: entry.reason,
    revoker: entry.revoker,
    at: entry.at,
    compromisedSince: entry.compromisedSince ?? null,
    epoch: entry.epoch ?? null,
    request: entry.request ?? null,
  };
}
