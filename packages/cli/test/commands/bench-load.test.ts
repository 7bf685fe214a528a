import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/exit-codes.ts";
import { ants } from "../support/run-cli.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ants-cli-load-"));
let relay: RunningRelay;

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
  });
});

afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("ants bench load", () => {
  it("drives every call kind and reports each with no error and no mismatch", async () => {
    const args = ["--agents", "8", "--rate", "40", "--duration", "4s", "--json"];
    const result = await ants(["bench", "load", "--relay", relay.url, ...args]);
    const report = JSON.parse(result.stdout);
    expect(report.mismatchSamples).toEqual([]);
    expect(report.errors).toEqual({});
    expect(result.status).toBe(0);
    expect(report).toMatchObject({ agents: 8, rate: 40, durationSeconds: 4, skipped: 0 });
    expect(report.sent).toBe(160);
    for (const kind of ["authorize", "approve", "pending", "outcome", "revoke", "rotate"]) {
      expect(report.kinds[kind]?.count, kind).toBeGreaterThan(0);
      expect(report.kinds[kind].p99).toBeGreaterThanOrEqual(report.kinds[kind].p50);
    }
    expect(report.acknowledged.decisions).toBeGreaterThan(0);
    // Progress went to stderr, not into the JSON on stdout.
    expect(result.stderr).not.toContain("{");
  }, 60_000);

  it.each([
    [["--agents", "1"], "--agents"],
    [["--rate", "0"], "--rate"],
    [["--duration", "3x"], "--duration"],
  ])("refuses %j with ERR_USAGE", async (bad, option) => {
    const result = await ants(["bench", "load", "--relay", relay.url, ...bad, "--json"]);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: "ERR_USAGE" });
    expect(JSON.parse(result.stdout).error.message).toContain(option);
    expect(result.status).toBe(exitCodeFor("ERR_USAGE"));
  });

  it("says the relay is unreachable before driving anything", async () => {
    const result = await ants(["bench", "load", "--relay", "http://127.0.0.1:1", "--json"]);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: "ERR_RELAY_UNREACHABLE" });
    expect(result.status).toBe(exitCodeFor("ERR_RELAY_UNREACHABLE"));
  });
});
