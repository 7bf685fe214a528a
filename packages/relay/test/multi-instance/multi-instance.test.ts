import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tokenHash } from "@ants/protocol";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize, invocationFor, principalKey, rootDelegation } from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { revoke } from "../revocation/revocation-helpers.ts";
import { dropSchema, freshSchema, PG_TEST_URL, pgReachable } from "../store/pg-test-store.ts";
import { type RelayProcess, runAnts, startRelayProcess } from "./relay-process.ts";

const reachable = await pgReachable();
/** Every instance serves one public URL, as behind a load balancer. */
const PUBLIC_URL = "http://relay.test";
const schema = freshSchema();
const cutRole = `${schema}_cut`;
const dataDir = mkdtempSync(join(tmpdir(), "ants-multi-"));
const relays: RelayProcess[] = [];
let admin: pg.Client;
let did: string;

const clock: TestClock = { now: Math.floor(Date.now() / 1000) };
const target = (relay: RelayProcess): RelayTarget => ({ url: relay.url, did, origin: PUBLIC_URL });

function urlFor(user?: string): string {
  const url = new URL(PG_TEST_URL!);
  if (user !== undefined) url.username = user;
  url.searchParams.set("schema", schema);
  return url.toString();
}

const start = (databaseUrl: string) =>
  startRelayProcess(["--data", dataDir, "--public-url", PUBLIC_URL, "--database-url", databaseUrl]);

beforeAll(async () => {
  if (!reachable) return;
  admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  await admin.query(`CREATE ROLE ${cutRole} LOGIN SUPERUSER`);
  // The first instance creates the key and the schema; the others load both.
  relays.push(await start(urlFor()));
  relays.push(...(await Promise.all([start(urlFor()), start(urlFor(cutRole))])));
  did = (await send(relays[0]!, "GET", "/.well-known/ants-relay")).body.did;
}, 90_000);

afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  if (reachable) {
    await dropSchema(schema);
    await admin.query(`DROP ROLE IF EXISTS ${cutRole}`);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!reachable)("three relay processes on one PostgreSQL", () => {
  it("refuses on the others, on their next call, a revocation made on one", async () => {
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    const principal = principalKey();
    const kevin = new TestAgent(target(a), clock);
    expect((await kevin.register()).status).toBe(201);
    const root = rootDelegation(principal, kevin, {
      cmd: "/social",
      exp: clock.now + 3600,
      now: clock.now,
    });
    const invokeOn = async (relay: RelayProcess) => {
      const agent = Object.assign(kevin, { relay: target(relay) });
      if ((await agent.login()).status !== 201) throw new Error("login refused");
      const invocation = invocationFor(agent, [root], {
        cmd: "/social/post",
        args: { text: "hi" },
        principal: principal.did,
      });
      return authorize(agent, { invocation, chain: [root] });
    };
    for (const relay of [b, c]) expect((await invokeOn(relay)).body.decision).toBe("allow");
    const revoked = await revoke(
      { url: a.url, did },
      clock,
      principal,
      { kind: "token", target: tokenHash(root), reason: "leaked" },
      { token: root },
    );
    expect(revoked.status).toBe(201);
    for (const relay of [b, c]) {
      expect((await invokeOn(relay)).body).toMatchObject({
        decision: "deny",
        reason: "ERR_REVOKED_TOKEN",
      });
    }
  }, 60_000);

  it("accepts on one instance a session opened on another", async () => {
    const [a, b] = relays as [RelayProcess, RelayProcess];
    const principal = principalKey();
    const stuart = new TestAgent(target(a), clock);
    expect((await stuart.register()).status).toBe(201);
    expect((await stuart.login()).status).toBe(201);
    const root = rootDelegation(principal, stuart, {
      cmd: "/social",
      exp: clock.now + 3600,
      now: clock.now,
    });
    const onB = Object.assign(stuart, { relay: target(b) });
    const invocation = invocationFor(onB, [root], {
      cmd: "/social/post",
      args: { text: "hi" },
      principal: principal.did,
    });
    expect((await authorize(onB, { invocation, chain: [root] })).body.decision).toBe("allow");
  }, 30_000);

  it("spends a challenge once across instances: issued on A, redeemed on B, refused on C", async () => {
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    const agent = new TestAgent(target(a), clock);
    expect((await agent.register()).status).toBe(201);
    const nonce = await agent.challenge();
    const login = agent.loginStatement(nonce);
    const onB = await send(b, "POST", "/v1/sessions", { login });
    expect(onB.status).toBe(201);
    const onC = await send(c, "POST", "/v1/sessions", { login: agent.loginStatement(nonce) });
    expect(onC.body.code).toBe("ERR_CHALLENGE_USED");
    const againOnA = await send(a, "POST", "/v1/sessions", { login: agent.loginStatement(nonce) });
    expect(againOnA.body.code).toBe("ERR_CHALLENGE_USED");
  }, 30_000);

  it("refuses on B a DPoP proof used on A, and B's own proofs after one retry", async () => {
    const [a, b] = relays as [RelayProcess, RelayProcess];
    const agent = new TestAgent(target(a), clock);
    expect((await agent.register()).status).toBe(201);
    expect((await agent.login()).status).toBe(201);
    const path = `/v1/agents/${agent.did}/sessions`;
    const headers = { authorization: `DPoP ${agent.session}`, dpop: agent.proof("GET", path) };
    expect((await send(a, "GET", path, undefined, headers)).status).toBe(200);
    expect((await send(a, "GET", path, undefined, headers)).body.code).toBe("ERR_DPOP_REPLAYED");
    const replayed = await send(b, "GET", path, undefined, headers);
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe("ERR_DPOP_NONCE_REQUIRED");
    // The refusal carries B's nonce; a fresh proof with it is accepted on B.
    const onB = Object.assign(agent, { relay: target(b) });
    expect((await onB.call("GET", path)).status).toBe(200);
  }, 30_000);

  it("refuses on B an invocation already submitted on A", async () => {
    const [a, b] = relays as [RelayProcess, RelayProcess];
    const principal = principalKey();
    const agent = new TestAgent(target(a), clock);
    expect((await agent.register()).status).toBe(201);
    expect((await agent.login()).status).toBe(201);
    const root = rootDelegation(principal, agent, {
      cmd: "/social",
      exp: clock.now + 3600,
      now: clock.now,
    });
    const invocation = invocationFor(agent, [root], {
      cmd: "/social/post",
      args: { text: "once" },
      principal: principal.did,
    });
    expect((await authorize(agent, { invocation, chain: [root] })).body.decision).toBe("allow");
    const onB = Object.assign(agent, { relay: target(b) });
    const replayed = await authorize(onB, { invocation, chain: [root] });
    expect(replayed.status).toBe(403);
    expect(replayed.body.code).toBe("ERR_INVOCATION_REPLAYED");
  }, 30_000);

  it("keeps one log that every instance wrote to, verifying end to end", async () => {
    // Registration on A, logins on B and C, decisions on B and C: every instance appended.
    const result = await runAnts(["log", "verify", "--full", "--json", "--relay", relays[2]!.url]);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output.slice(result.output.indexOf("{"))).size).toBeGreaterThan(4);
  }, 60_000);

  it("fails closed within the bound when one instance is cut off from the store", async () => {
    const c = relays[2]!;
    expect((await send(c, "GET", "/healthz")).status).toBe(200);
    await admin.query(`ALTER ROLE ${cutRole} NOLOGIN`);
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [
      cutRole,
    ]);
    const cutAt = performance.now();
    let health = await send(c, "GET", "/healthz");
    while (health.status === 200 && performance.now() - cutAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      health = await send(c, "GET", "/healthz");
    }
    const failedClosedAfterMs = performance.now() - cutAt;
    expect(health).toMatchObject({ status: 503, body: { code: "ERR_REVOCATION_STALE" } });
    // The bound (2 s) counts from the last confirmation, at most one heartbeat (0.5 s) earlier.
    expect(failedClosedAfterMs).toBeLessThan(2000 + 100);
    const refused = await send(c, "POST", "/v1/sessions/challenge", {});
    expect(refused).toMatchObject({ status: 503, body: { code: "ERR_REVOCATION_STALE" } });
    expect((await send(relays[1]!, "GET", "/healthz")).status).toBe(200);

    await admin.query(`ALTER ROLE ${cutRole} LOGIN`);
    const back = performance.now();
    while ((await send(c, "GET", "/healthz")).status !== 200) {
      if (performance.now() - back > 10_000) throw new Error("instance did not recover");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 30_000);
});
