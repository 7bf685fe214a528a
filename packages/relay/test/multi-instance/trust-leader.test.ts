import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, didFromPublicKey, generateKeyPair } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRelay, startRelay } from "../../src/app/start-relay.ts";
import { dropSchema, freshSchema, PG_TEST_URL, pgReachable } from "../store/pg-test-store.ts";

const reachable = await pgReachable();
const schema = freshSchema();
const dataDir = mkdtempSync(join(tmpdir(), "ants-trust-leader-"));
let a: RunningRelay | undefined;
let b: RunningRelay | undefined;
/** The leader's trust engine as it started: replaced by its first rebuild from the store. */
let startEngine: unknown;

function start(): Promise<RunningRelay> {
  const url = new URL(PG_TEST_URL!);
  url.searchParams.set("schema", schema);
  return startRelay({
    port: 0,
    dataDir,
    databaseUrl: url.toString(),
    publicUrl: "http://relay.test",
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    // Followers read levels every 2 s; the leader recomputes at its first tick, then each minute.
    trust: { refreshMs: 60_000 },
  });
}

async function until(holds: () => boolean, ms: number): Promise<boolean> {
  const started = Date.now();
  while (!holds() && Date.now() - started < ms) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return holds();
}

beforeAll(async () => {
  if (!reachable) return;
  a = await start();
  startEngine = a.app.relay.trust.engine;
  b = await start();
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  if (reachable) await dropSchema(schema);
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!reachable)("trust recomputation on a shared store", () => {
  it("runs on the sequencer's holder only, and the others read its results", async () => {
    const leader = a!.app.relay;
    const follower = b!.app.relay;
    expect(leader.auditLog.isSequencer).toBe(true);
    expect(follower.auditLog.isSequencer).toBe(false);

    // After the leader's first recomputation, nothing recomputes for a minute: a level stored now
    // stays, and reaches the follower without it computing.
    expect(await until(() => leader.trust.engine !== startEngine, 10_000)).toBe(true);
    const agent = didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
    leader.trust.engine.restoreLevel(agent, { level: 3, changedAt: leader.now() });
    await leader.trust.save(agent);
    expect(await until(() => follower.trust.levelOf(agent) === 3, 10_000)).toBe(true);

    // The follower's own recomputation is a no-op: it records no level change of its own.
    const other = didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
    follower.trust.engine.restoreLevel(other, { level: 2, changedAt: follower.now() });
    await follower.trust.refresh();
    expect(await follower.store.trust.listAgents()).not.toContainEqual(
      expect.objectContaining({ agent: other }),
    );

    // The leader stops: the follower takes the sequencer lock, and with it the recomputation.
    await a!.close();
    a = undefined;
    expect(await until(() => follower.auditLog.isSequencer, 10_000)).toBe(true);
    // As leader it recomputes from the stored signals: the agent has none, so the formula lowers
    // the level the old leader had stored, and the new leader stores that result.
    expect(await until(() => follower.trust.levelOf(agent) === 0, 10_000)).toBe(true);
    expect(await follower.store.trust.listAgents()).toContainEqual(
      expect.objectContaining({ agent, level: 0 }),
    );
  }, 60_000);
});
