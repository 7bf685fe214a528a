import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, generateKeyPair } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, SQLITE_FILE_NAME } from "../../src/store/sqlite/sqlite-store.ts";
import { TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { dropSchema, freshSchema, PG_TEST_URL, pgReachable } from "../store/pg-test-store.ts";
import { assertionFor, postForm, tokenProof } from "./oauth-helpers.ts";

const reachable = await pgReachable();
/** Every relay serves one public URL, as behind a load balancer: the issuer assertions name. */
const PUBLIC_URL = "http://relay.test";
const TOKEN_URL = `${PUBLIC_URL}/oauth/token`;
const clock: TestClock = { now: 1_767_225_600 };
const dpopKey = createSigner(generateKeyPair().seed);
const dataDirs: string[] = [];

afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ants-jti-"));
  dataDirs.push(dir);
  return dir;
}

function startOn(dataDir: string, databaseUrl?: string): Promise<TestRelay> {
  return startTestRelay({
    dataDir,
    publicUrl: PUBLIC_URL,
    now: () => clock.now,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  });
}

/** Sends one client_credentials request with `assertion` to `relay`. */
function requestWith(relay: TestRelay, agent: TestAgent, assertion: string) {
  return postForm(
    `${relay.url}/oauth/token`,
    {
      grant_type: "client_credentials",
      client_id: agent.did,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      resource: "https://api.example.com",
      scope: "/social/post",
    },
    { dpop: tokenProof(dpopKey, clock, TOKEN_URL) },
  );
}

async function registeredAgent(relay: TestRelay): Promise<TestAgent> {
  const did = relay.app.relay.identity.did;
  const agent = new TestAgent({ url: relay.url, did, origin: PUBLIC_URL }, clock);
  expect((await agent.register()).status).toBe(201);
  return agent;
}

function expectReplayed(answer: { status: number; body: { error: string; code: string } }) {
  expect(answer.status).toBe(401);
  expect(answer.body).toMatchObject({ error: "invalid_client", code: "ERR_ASSERTION_REPLAYED" });
}

describe("an assertion jti is single-use across relays sharing one store", () => {
  it("is refused by a restarted relay on the same SQLite file", async () => {
    clock.now += 1000;
    const dataDir = freshDataDir();
    const first = await startOn(dataDir);
    const agent = await registeredAgent(first);
    const assertion = assertionFor(agent, clock, PUBLIC_URL);
    expect((await requestWith(first, agent, assertion)).status).toBe(200);
    await first.close();

    const restarted = await startOn(dataDir);
    try {
      expectReplayed(await requestWith(restarted, agent, assertion));
      // A fresh assertion from the same agent still works after the restart.
      const fresh = assertionFor(agent, clock, PUBLIC_URL);
      expect((await requestWith(restarted, agent, fresh)).status).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it("is refused by a second relay open on the same SQLite file at the same time", async () => {
    clock.now += 1000;
    const dataDir = freshDataDir();
    const a = await startOn(dataDir);
    const b = await startOn(dataDir);
    try {
      const agent = await registeredAgent(a);
      const assertion = assertionFor(agent, clock, PUBLIC_URL);
      const answers = await Promise.all([
        requestWith(a, agent, assertion),
        requestWith(b, agent, assertion),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
      expectReplayed(answers.find((answer) => answer.status === 401)!);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe.skipIf(!reachable)("on PostgreSQL", () => {
  const schema = freshSchema();
  let a: TestRelay;
  let b: TestRelay;

  beforeAll(async () => {
    const url = new URL(PG_TEST_URL!);
    url.searchParams.set("schema", schema);
    const dataDir = freshDataDir();
    // The first relay creates the key and the schema; the second loads both.
    a = await startOn(dataDir, url.toString());
    b = await startOn(dataDir, url.toString());
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await dropSchema(schema);
  });

  it("refuses on one relay an assertion accepted by the other, even when both race", async () => {
    clock.now += 1000;
    const agent = await registeredAgent(a);
    const used = assertionFor(agent, clock, PUBLIC_URL);
    expect((await requestWith(a, agent, used)).status).toBe(200);
    expectReplayed(await requestWith(b, agent, used));

    const raced = assertionFor(agent, clock, PUBLIC_URL);
    const answers = await Promise.all([requestWith(a, agent, raced), requestWith(b, agent, raced)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
  });

  it("purges the rows of expired assertions from the shared table", async () => {
    const jtis = a.app.relay.store.assertionJtis;
    expect(await jtis.use("did:key:z6Mk:pg", clock.now + 60, clock.now)).toBe(true);
    expect(await jtis.use("did:key:z6Mk:pg", clock.now + 60, clock.now + 1)).toBe(false);
    // Every row written so far has expired an hour later.
    expect(await jtis.purgeExpired(clock.now + 3600)).toBeGreaterThanOrEqual(3);
    expect(await jtis.purgeExpired(clock.now + 3600)).toBe(0);
  });
});

describe("the store's jti table", () => {
  it("accepts a key once while live, again once expired, and purges expired rows", async () => {
    const store = openSqliteStore(join(freshDataDir(), SQLITE_FILE_NAME));
    try {
      const jtis = store.assertionJtis;
      expect(await jtis.use("did:key:z6Mk:a", 1_000, 900)).toBe(true);
      expect(await jtis.use("did:key:z6Mk:a", 1_000, 999)).toBe(false);
      expect(await jtis.use("did:key:z6Mk:b", 1_100, 999)).toBe(true);
      // At its expiry the row no longer blocks: the assertion itself is refused as expired.
      expect(await jtis.use("did:key:z6Mk:a", 2_000, 1_000)).toBe(true);
      expect(await jtis.use("did:key:z6Mk:a", 2_000, 1_500)).toBe(false);
      expect(await jtis.purgeExpired(1_100)).toBe(1);
      expect(await jtis.purgeExpired(1_100)).toBe(0);
    } finally {
      await store.close();
    }
  });
});
