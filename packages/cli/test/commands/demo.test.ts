import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, describe, expect, it } from "vitest";
import { ants, antsBinary } from "../support/run-cli.ts";

const EXPECTED = [
  { decision: "allow", reason: null },
  { decision: "pending", reason: null },
  { decision: "allow", reason: null },
  { decision: "deny", reason: "ERR_INVOCATION_CMD_MISMATCH" },
  { decision: "deny", reason: "ERR_TOKEN_EXPIRED" },
];

const dataDir = mkdtempSync(join(tmpdir(), "ants-demo-test-"));
let relay: RunningRelay | undefined;

afterAll(async () => {
  await relay?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.concurrent("ants demo", () => {
  it("runs the scenario on a fresh relay and the social API, as real processes", async () => {
    const result = await antsBinary(["demo", "--json"]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(
      report.steps.map(({ decision, reason }: { decision: string; reason: string | null }) => ({
        decision,
        reason,
      })),
    ).toEqual(EXPECTED);
    expect(report.steps[2].note).toContain("1 post(s) published");
  });

  it("runs the same agents against a relay that is already running", async () => {
    relay = await startRelay({
      port: 0,
      dataDir,
      insecureWorkFactorLog2ForTests: 10,
      logger: { level: "silent" },
      processMetrics: false,
    });
    const result = await ants(["demo", "--relay", relay.url, "--json"]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.relay).toBe(relay.url);
    expect(report.steps.every((step: { ok: boolean }) => step.ok)).toBe(true);
  });
});
