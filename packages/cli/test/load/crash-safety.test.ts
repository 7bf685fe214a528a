import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LogClient, type MonitorState, monitorLog } from "@ants/client";
import { afterAll, describe, expect, it } from "vitest";
import {
  type RelayProcess,
  runAnts,
  startRelayProcess,
} from "../../../relay/test/multi-instance/relay-process.ts";
import {
  dropSchema,
  freshSchema,
  PG_TEST_URL,
  pgReachable,
} from "../../../relay/test/store/pg-test-store.ts";
import type { LoadLedger } from "../../src/load/load-calls.ts";
import { driveLoad } from "../../src/load/load-engine.ts";
import { prepareLoad } from "../../src/load/load-fixtures.ts";
import {
  checkCheckpoints,
  checkDecisions,
  checkKeyEvents,
  checkRevocations,
  checkRevokedChains,
} from "./crash-checks.ts";

// Three kills at random moments of a load heavy in revocations and rotations, so audit batches,
// revocations and key events are in flight when the relay dies.
const CRASHES = 3;
const MIX = { authorize: 0.5, approval: 0.1, outcome: 0.1, revoke: 0.1, revoked: 0.1, rotate: 0.1 };
const directories: string[] = [];
const reachable = await pgReachable();

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function killHard(relay: RelayProcess): Promise<void> {
  return new Promise((resolve) => {
    if (relay.child.exitCode !== null) return resolve();
    relay.child.once("exit", () => resolve());
    relay.child.kill("SIGKILL");
  });
}

/** Fetches checkpoints every 200 ms until stopped, keeping each verified one. */
function sampleCheckpoints(url: string, seen: MonitorState[]): () => void {
  const log = new LogClient({ url });
  const timer = setInterval(() => {
    monitorLog(log)
      .then(({ state }) => state !== undefined && seen.push(state))
      .catch(() => undefined);
  }, 200);
  return () => clearInterval(timer);
}

/** One run of load against a fresh relay start, ended by SIGKILL at a random moment. */
async function loadUntilKilled(relay: RelayProcess, ledger: LoadLedger, seen: MonitorState[]) {
  const fixture = await prepareLoad(relay.url, { agents: 8, rotators: 3 });
  const abort = new AbortController();
  const stopSampling = sampleCheckpoints(relay.url, seen);
  const driving = driveLoad(fixture, {
    rate: 60,
    durationSeconds: 6,
    mix: MIX,
    signal: abort.signal,
  });
  await sleep(1000 + Math.random() * 2000);
  await killHard(relay);
  abort.abort();
  stopSampling();
  const run = await driving;
  expect(run.report.mismatchSamples).toEqual([]);
  ledger.decisions.push(...run.ledger.decisions);
  ledger.revocations.push(...run.ledger.revocations);
  ledger.keyEvents.push(...run.ledger.keyEvents);
  ledger.revokedChains.push(...run.ledger.revokedChains);
}

async function checkEverything(url: string, ledger: LoadLedger, seen: MonitorState[]) {
  await checkDecisions(url, ledger);
  await checkRevocations(url, ledger);
  await checkKeyEvents(url, ledger);
  await checkRevokedChains(url, ledger);
  await checkCheckpoints(url, seen);
}

async function crashAndCheck(store: string[], keyEvents: boolean): Promise<void> {
  // One public URL across restarts (each listens on a new port), so the log keeps its origin.
  const args = [...store, "--public-url", "http://relay.crash.test"];
  const ledger: LoadLedger = { decisions: [], revocations: [], keyEvents: [], revokedChains: [] };
  const seen: MonitorState[] = [];
  for (let crash = 0; crash < CRASHES; crash++) {
    const relay = await startRelayProcess(args);
    if (crash > 0) await checkEverything(relay.url, ledger, seen);
    await loadUntilKilled(relay, ledger, seen);
  }
  const relay = await startRelayProcess(args);
  try {
    await checkEverything(relay.url, ledger, seen);
    const verified = await runAnts(["log", "verify", "--relay", relay.url, "--full"]);
    expect(verified.output).toMatch(/^OK: log /m);
    expect(verified.code).toBe(0);
  } finally {
    await relay.stop();
  }
  // The run did exercise what it claims to: acknowledged work of every kind, and checkpoints.
  expect(ledger.decisions.length).toBeGreaterThan(20);
  expect(ledger.revocations.length).toBeGreaterThan(0);
  // A PostgreSQL store keeps no key event logs yet (ERR_NOT_SUPPORTED): nothing to rotate there.
  if (keyEvents) expect(ledger.keyEvents.length).toBeGreaterThan(0);
  expect(seen.length).toBeGreaterThan(CRASHES);
}

describe("crash safety under load", () => {
  it("SQLite: SIGKILL three times, restart on the same data, nothing acknowledged is lost", async () => {
    const data = mkdtempSync(join(tmpdir(), "ants-crash-load-"));
    directories.push(data);
    await crashAndCheck(["--data", data], true);
  }, 120_000);

  it.skipIf(!reachable)(
    "PostgreSQL: SIGKILL three times, restart on the same database, nothing acknowledged is lost",
    async () => {
      const data = mkdtempSync(join(tmpdir(), "ants-crash-load-pg-"));
      directories.push(data);
      const schema = freshSchema();
      const url = new URL(PG_TEST_URL!);
      url.searchParams.set("schema", schema);
      try {
        await crashAndCheck(["--data", data, "--database-url", url.toString()], false);
      } finally {
        await dropSchema(schema);
      }
    },
    120_000,
  );
});
