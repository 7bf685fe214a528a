import { createSigner, didFromPublicKey, generateKeyPair } from "@ants/protocol";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit-log/audit-log.ts";
import { openPgTestStore, PG_TEST_URL, pgReachable } from "../store/pg-test-store.ts";

const reachable = await pgReachable();
const signer = createSigner(generateKeyPair().seed);
const agent = didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
const cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function openLog(handOffTimeoutMs: number) {
  const { store, schema, dispose } = await openPgTestStore();
  cleanup.push(dispose);
  const open = () =>
    AuditLog.open({
      store: store.log,
      relay: didFromPublicKey(signer.publicKey),
      signer,
      origin: () => "relay.test",
      now: () => Math.floor(Date.now() / 1000),
      election: store,
      handOffTimeoutMs,
      electEveryMs: 50,
    });
  return { store, schema, open };
}

const event = (n: number) => ({
  event: "identity" as const,
  action: "session-opened",
  subject: agent,
  actor: agent,
  data: { n },
});

describe.skipIf(!reachable)("the elected audit sequencer", () => {
  it("refuses with ERR_UNAVAILABLE an entry no sequencer takes, then sequences once elected", async () => {
    const { schema, open } = await openLog(300);
    // Another session holds the lock, as a sequencer that stopped answering would.
    const other = new pg.Client({ connectionString: PG_TEST_URL });
    await other.connect();
    await other.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [
      `ants:log-sequencer:${schema}`,
    ]);
    const log = await open();
    cleanup.push(() => log.close());
    expect(log.isSequencer).toBe(false);
    await expect(log.appendEvent(event(0))).rejects.toMatchObject({ code: "ERR_UNAVAILABLE" });

    // The lock is free again: this instance takes it and sequences what is waiting.
    await other.end();
    const started = Date.now();
    while (!log.isSequencer && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(log.isSequencer).toBe(true);
    const next = await log.appendEvent(event(1));
    // The refused entry was never acknowledged, but it was handed over: it is written first.
    expect(next.index).toBe(1);
  }, 30_000);

  it("hands entries from a second instance to the holder, in one log with dense indexes", async () => {
    const { store, open } = await openLog(10_000);
    const holder = await open();
    const other = await open();
    cleanup.push(() => other.close());
    cleanup.push(() => holder.close());
    expect([holder.isSequencer, other.isSequencer]).toEqual([true, false]);
    const appended = await Promise.all(
      Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? holder : other).appendEvent(event(n))),
    );
    expect(appended.map((entry) => entry.index).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, n) => n),
    );
    expect(other.size).toBeGreaterThanOrEqual(40);
    expect((await store.log.loadState()).size).toBe(40);
    // Every hand-off row was read back and deleted.
    const { rows } = await store.pool.query("SELECT count(*)::int AS n FROM log_queue");
    expect(rows[0].n).toBe(0);
  }, 30_000);
});
