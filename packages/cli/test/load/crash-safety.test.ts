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
import type { LoadKind } from "../../src/load/load-stats.ts";
import {
  checkCheckpoints,
  checkDecisions,
  checkKeyEvents,
  checkRevocations,
  checkRevokedChains,
} from "./crash-checks.ts";

// Three kills at random moments of a load heavy in revocations and rotations: each waits for a
// call of its kind to be in flight, so the relay dies while writing an audit batch (authorize),
// a revocation and a key event (rotate).
const TARGETS: LoadKind[] = ["authorize", "revoke", "rotate"];
const MIX = { authorize: 0.5, approval: 0.1, outcome: 0.1, revoke: 0.1, revoked: 0.1, rotate: 0.1 };
const directories: string[] = [];
const reachable = await pgReachable();

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function killHard(relay: RelayProcess): Promise<void> {
  return new Promise((resolve) => {
    // Exited already: by itself (exitCode) or by a signal (signalCode, exitCode stays null).
    if (relay.child.exitCode !== null || relay.child.signalCode !== null) return resolve();
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

/**
 * Waits until a call of `kind` is in flight (at most `patience` ms) and reports whether one was.
 * A SIGKILL then lands while the relay is writing its audit batch, revocation or key event.
 */
async function whileInFlight(inFlight: Map<LoadKind, number>, kind: LoadKind, patience: number) {
  const deadline = performance.now() + patience;
  while ((inFlight.get(kind) ?? 0) === 0 && performance.now() < deadline) await sleep(1);
  return (inFlight.get(kind) ?? 0) > 0;
}

/**
 * One run of load against a fresh relay start, ended by SIGKILL at a random moment while a call
 * of `target` is in flight. Resolves whether it was.
 */
async function loadUntilKilled(
  relay: RelayProcess,
  target: LoadKind,
  ledger: LoadLedger,
  seen: MonitorState[],
): Promise<boolean> {
  const fixture = await prepareLoad(relay.url, { agents: 8, rotators: 3 });
  const abort = new AbortController();
  const inFlight = new Map<LoadKind, number>();
  const stopSampling = sampleCheckpoints(relay.url, seen);
  const driving = driveLoad(fixture, {
    rate: 60,
    durationSeconds: 8,
    mix: MIX,
    signal: abort.signal,
    onCall: (kind, phase) =>
      inFlight.set(kind, (inFlight.get(kind) ?? 0) + (phase === "start" ? 1 : -1)),
  });
  await sleep(1000 + Math.random() * 2000);
  const hit = await whileInFlight(inFlight, target, 4000);
  await killHard(relay);
  abort.abort();
  stopSampling();
  const run = await driving;
  expect(run.report.mismatchSamples).toEqual([]);
  ledger.decisions.push(...run.ledger.decisions);
  ledger.revocations.push(...run.ledger.revocations);
  ledger.keyEvents.push(...run.ledger.keyEvents);
  ledger.revokedChains.push(...run.ledger.revokedChains);
  return hit;
}

async function checkEverything(url: string, ledger: LoadLedger, seen: MonitorState[]) {
  await checkDecisions(url, ledger);
  await checkRevocations(url, ledger);
  await checkKeyEvents(url, ledger);
  await checkRevokedChains(url, ledger);
  await checkCheckpoints(url, seen);
}

async function crashAndCheck(store: string[]): Promise<void> {
  // One public URL across restarts (each listens on a new port), so the log keeps its origin.
  const args = [...store, "--public-url", "http://relay.crash.test"];
  const ledger: LoadLedger = { decisions: [], revocations: [], keyEvents: [], revokedChains: [] };
  const seen: MonitorState[] = [];
  const hits: boolean[] = [];
  for (const target of TARGETS) {
    const relay = await startRelayProcess(args);
    try {
      if (hits.length > 0) await checkEverything(relay.url, ledger, seen);
      hits.push(await loadUntilKilled(relay, target, ledger, seen));
    } finally {
      // A failed check must not leave the relay process running after the test.
      await killHard(relay);
    }
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
  expect(ledger.keyEvents.length).toBeGreaterThan(0);
  expect(seen.length).toBeGreaterThan(TARGETS.length);
  expect(hits).toEqual(TARGETS.map(() => true));
}

describe("crash safety under load", () => {
  it("SQLite: killed mid-batch, mid-revocation, mid-rotation; restarted, it lost nothing acknowledged", async () => {
    const data = mkdtempSync(join(tmpdir(), "ants-crash-load-"));
    directories.push(data);
    await crashAndCheck(["--data", data]);
  }, 180_000);

  it.skipIf(!reachable)(
    "PostgreSQL: killed mid-batch, mid-revocation, mid-rotation; restarted, nothing acknowledged is lost",
    async () => {
      const data = mkdtempSync(join(tmpdir(), "ants-crash-load-pg-"));
      directories.push(data);
      const schema = freshSchema();
      const url = new URL(PG_TEST_URL!);
      url.searchParams.set("schema", schema);
      try {
        await crashAndCheck(["--data", data, "--database-url", url.toString()]);
      } finally {
        await dropSchema(schema);
      }
    },
    180_000,
  );
});
