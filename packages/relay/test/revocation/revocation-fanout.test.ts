import { afterEach, describe, expect, it } from "vitest";
import { RevocationFanout } from "../../src/revocation/revocation-fanout.ts";
import { RevocationSet } from "../../src/revocation/revocation-set.ts";
import {
  openPostgresStore,
  type PostgresRelayStore,
} from "../../src/store/postgres/postgres-store.ts";
import { send } from "../helpers/test-agent.ts";
import { startTestRelay } from "../helpers/test-relay.ts";
import { openPgTestStore, PG_TEST_URL, pgReachable } from "../store/pg-test-store.ts";

const reachable = await pgReachable();
const entry = (target: string) =>
  ({ kind: "token", target, reason: "leaked", revoker: "did:key:zA", at: 1 }) as const;

interface Instance {
  store: PostgresRelayStore;
  set: RevocationSet;
  fanout: RevocationFanout;
}
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** One relay's revocation machinery on its own pool, on the shared schema. */
async function instance(schema: string, clock?: () => number): Promise<Instance> {
  const store = await openPostgresStore(PG_TEST_URL!, { schema, max: 2 });
  const set = await RevocationSet.load(store.revocations, { pollMs: 0 });
  const fanout = await RevocationFanout.start({ store, revocations: set, clock });
  cleanup.push(async () => {
    await fanout.close();
    await set.close();
    await store.close();
  });
  return { store, set, fanout };
}

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(!reachable)("revocation fan-out over PostgreSQL", () => {
  it("applies another instance's revocation on notification, in sequence order", async () => {
    const shared = await openPgTestStore();
    cleanup.push(shared.dispose);
    const [a, b] = [await instance(shared.schema), await instance(shared.schema)];
    const applied: number[] = [];
    b.set.onApply((record) => applied.push(record.seq));
    const started = performance.now();
    await a.set.revoke(entry("t1"));
    await until(() => b.set.revokedToken("t1") === 1);
    // Well inside the heartbeat (500 ms): the notification carried it.
    expect(performance.now() - started).toBeLessThan(400);
    await Promise.all([a.set.revoke(entry("t2")), a.set.revoke(entry("t3"))]);
    await until(() => b.set.seq === 3);
    expect(applied).toEqual([1, 2, 3]);
    expect(b.fanout.isCurrent()).toBe(true);
  });

  it("catches up by sequence after its listening connection is cut", async () => {
    const shared = await openPgTestStore();
    cleanup.push(shared.dispose);
    const [a, b] = [await instance(shared.schema), await instance(shared.schema)];
    await shared.store.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE query LIKE 'LISTEN ants_revocations_${shared.schema}%' AND pid <> pg_backend_pid()`,
    );
    await a.set.revoke(entry("t1"));
    await until(() => b.set.revokedToken("t1") === 1);
    expect(b.fanout.isCurrent()).toBe(true);
  });

  it("fails closed with ERR_REVOCATION_STALE past the bound when the store is unreachable", async () => {
    const shared = await openPgTestStore();
    cleanup.push(shared.dispose);
    let now = 0;
    const b = await instance(shared.schema, () => now);
    expect(() => b.fanout.assertCurrent()).not.toThrow();
    await b.store.close();
    now = 1500;
    await b.fanout.poll();
    expect(() => b.fanout.assertCurrent()).not.toThrow();
    now = 2001;
    await b.fanout.poll();
    expect(() => b.fanout.assertCurrent()).toThrow(
      expect.objectContaining({ code: "ERR_REVOCATION_STALE" }),
    );
  });

  it("stays current through a quiet period: the heartbeat confirms an unchanged head", async () => {
    const shared = await openPgTestStore();
    cleanup.push(shared.dispose);
    let now = 0;
    const b = await instance(shared.schema, () => now);
    now = 10_000;
    await b.fanout.poll();
    expect(b.fanout.isCurrent()).toBe(true);
    expect(b.fanout.sinceConfirmedMs()).toBe(0);
  });

  it("refuses a bound below 100 ms with ERR_CONFIG_INVALID", async () => {
    const shared = await openPgTestStore();
    cleanup.push(shared.dispose);
    const set = await RevocationSet.load(shared.store.revocations, { pollMs: 0 });
    cleanup.push(() => set.close());
    await expect(
      RevocationFanout.start({ store: shared.store, revocations: set, staleAfterMs: 10 }),
    ).rejects.toMatchObject({ code: "ERR_CONFIG_INVALID" });
  });
});

describe.skipIf(!reachable)("a relay on PostgreSQL cut off from its store", () => {
  it("says so in /healthz and refuses decisions with ERR_REVOCATION_STALE (503)", async () => {
    const shared = await openPgTestStore();
    cleanup.push(shared.dispose);
    const store = await openPostgresStore(PG_TEST_URL!, { schema: shared.schema, max: 2 });
    const relay = await startTestRelay({ store, revocation: { staleAfterMs: 300 } });
    cleanup.push(() => relay.close());
    expect((await send(relay, "GET", "/healthz")).status).toBe(200);
    expect((await send(relay, "POST", "/v1/sessions/challenge", {})).status).toBe(201);
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 450));
    const health = await send(relay, "GET", "/healthz");
    expect(health).toMatchObject({ status: 503, body: { code: "ERR_REVOCATION_STALE" } });
    const refused = await send(relay, "POST", "/v1/sessions/challenge", {});
    expect(refused).toMatchObject({ status: 503, body: { code: "ERR_REVOCATION_STALE" } });
    expect((await send(relay, "GET", "/.well-known/ants-relay")).status).toBe(200);
  });
});
