import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeLogEntry } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/postgres-store.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { dropSchema, freshSchema, PG_TEST_URL, pgReachable } from "../store/pg-test-store.ts";
import { type RelayProcess, runAnts, startRelayProcess } from "./relay-process.ts";

const reachable = await pgReachable();
const PUBLIC_URL = "http://relay.test";
const schema = freshSchema();
const dataDir = mkdtempSync(join(tmpdir(), "ants-sequencer-"));
const relays: RelayProcess[] = [];
const clock: TestClock = { now: Math.floor(Date.now() / 1000) };
let did = "";

function databaseUrl(): string {
  const url = new URL(PG_TEST_URL!);
  url.searchParams.set("schema", schema);
  return url.toString();
}

const start = () =>
  startRelayProcess([
    "--data",
    dataDir,
    "--public-url",
    PUBLIC_URL,
    "--database-url",
    databaseUrl(),
  ]);
const target = (relay: RelayProcess): RelayTarget => ({ url: relay.url, did, origin: PUBLIC_URL });

/** Registers agents on `relay` one after another until `stop` says so; returns those accepted. */
async function registerUntil(relay: RelayProcess, stop: () => boolean): Promise<string[]> {
  const accepted: string[] = [];
  while (!stop()) {
    const agent = new TestAgent(target(relay), clock);
    const answer = await agent.register().catch(() => undefined);
    if (answer?.status === 201) accepted.push(agent.did);
  }
  return accepted;
}

/** The subject of every registration entry in the stored log, in log order. */
async function registeredInLog(): Promise<string[]> {
  const store = await openPostgresStore(databaseUrl());
  try {
    const size = (await store.log.loadState()).size;
    const entries = await store.log.readEntries(0, size);
    return entries
      .map((bytes) => decodeLogEntry(bytes))
      .filter((entry) => entry.type === "event" && entry.action === "registered")
      .map((entry) => (entry as { subject: string }).subject);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  if (!reachable) return;
  // The first instance is up (and holds the sequencer lock) before the others start.
  relays.push(await start());
  relays.push(...(await Promise.all([start(), start()])));
  did = (await send(relays[0]!, "GET", "/.well-known/ants-relay")).body.did;
}, 90_000);

afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  if (reachable) await dropSchema(schema);
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!reachable)("one audit sequencer elected among relay processes", () => {
  it("replaces a killed sequencer without forking the log or losing an acknowledged entry", async () => {
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    let killedAt = 0;
    const afterKill = () => killedAt > 0 && performance.now() - killedAt > 3000;
    const load = Promise.all([registerUntil(b, afterKill), registerUntil(c, afterKill)]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    a.child.kill("SIGKILL");
    killedAt = performance.now();
    const accepted = (await load).flat();

    // Registrations kept being acknowledged after the kill: another instance took over.
    const late = await registerUntil(
      b,
      (() => {
        let n = 0;
        return () => n++ >= 3;
      })(),
    );
    expect(late).toHaveLength(3);

    const logged = await registeredInLog();
    for (const agent of [...accepted, ...late]) expect(logged).toContain(agent);
    expect(new Set(logged).size).toBe(logged.length);

    // Each surviving instance's view catches up with the log within its refresh interval.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const relay of [b, c]) {
      const result = await runAnts(["log", "verify", "--full", "--json", "--relay", relay.url]);
      expect(result.code, result.output).toBe(0);
      const report = JSON.parse(result.output.slice(result.output.indexOf("{")));
      expect(report).toMatchObject({ ok: true });
      expect(report.size).toBeGreaterThanOrEqual(logged.length);
    }
  }, 120_000);
});
