import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/postgres-store.ts";
import {
  dropSchema,
  freshSchema,
  openPgTestStore,
  PG_TEST_URL,
  pgReachable,
} from "./pg-test-store.ts";
import { agentRecord, describeStoreContract } from "./store-contract.ts";

const reachable = await pgReachable();
const schemas: string[] = [];

afterAll(async () => {
  if (reachable) for (const schema of schemas) await dropSchema(schema);
});

describe.skipIf(!reachable)("postgres store", () => {
  describeStoreContract("postgres", () => openPgTestStore());

  it("keeps what it acknowledged across a reopen, and migrates once", async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [first, second] = await Promise.all([
      openPostgresStore(PG_TEST_URL!, { schema, createSchema: true }),
      openPostgresStore(PG_TEST_URL!, { schema, createSchema: true }),
    ]);
    await first.agents.insert(agentRecord("did:key:zR"));
    expect((await second.agents.get("did:key:zR"))?.id).toBe("did:key:zR");
    await Promise.all([first.close(), second.close()]);
    const third = await openPostgresStore(PG_TEST_URL!, { schema });
    expect((await third.agents.get("did:key:zR"))?.registeredAt).toBe(1_700_000_000);
    await third.close();
  });

  it("numbers revocations densely in commit order under concurrent writers", async () => {
    const { store, dispose } = await openPgTestStore();
    const base = { kind: "token", reason: "leaked", revoker: "did:key:zA", at: 1 } as const;
    const appended = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.revocations.append({ ...base, target: `t${i}` })),
    );
    expect(appended.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(await store.revocations.head()).toBe(40);
    await dispose();
  });

  it("refuses a schema written by a newer relay with ERR_STORE_FAILED", async () => {
    const { store, schema, dispose } = await openPgTestStore();
    await store.pool.query("UPDATE ants_schema SET version = 999");
    await expect(openPostgresStore(PG_TEST_URL!, { schema })).rejects.toMatchObject({
      code: "ERR_STORE_FAILED",
    });
    await dispose();
  });

  it("answers ERR_STORE_FAILED, not a driver error, once the database is gone", async () => {
    const { store, dispose } = await openPgTestStore();
    await store.close();
    await expect(store.agents.get("did:key:zA")).rejects.toMatchObject({
      code: "ERR_STORE_FAILED",
    });
    await dispose();
  });

  it("refuses an unreachable database with ERR_STORE_FAILED", async () => {
    await expect(
      openPostgresStore("postgres://postgres@127.0.0.1:1/none", { schema: "x" }),
    ).rejects.toMatchObject({ code: "ERR_STORE_FAILED" });
  });

  it("refuses a schema name that is not a plain identifier with ERR_CONFIG_INVALID", async () => {
    await expect(
      openPostgresStore(PG_TEST_URL!, { schema: "x; DROP TABLE agents" }),
    ).rejects.toMatchObject({ code: "ERR_CONFIG_INVALID" });
  });
});

describe("postgres store urls", () => {
  it("refuses a url that is not postgres:// with ERR_CONFIG_INVALID", async () => {
    for (const url of ["mysql://x@y/z", "not a url"]) {
      await expect(openPostgresStore(url)).rejects.toMatchObject({ code: "ERR_CONFIG_INVALID" });
    }
  });
});

describe.skipIf(!reachable)("postgres store schema parameter", () => {
  it("creates and uses the schema named in the url", async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const store = await openPostgresStore(`${PG_TEST_URL}?schema=${schema}`);
    expect(store.schema).toBe(schema);
    await store.agents.insert(agentRecord("did:key:zS"));
    const { rows } = await store.pool.query(`SELECT id FROM ${schema}.agents`);
    expect(rows).toEqual([{ id: "did:key:zS" }]);
    await store.close();
  });
});
