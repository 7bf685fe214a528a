import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  canonicalJson,
  createSigner,
  decodeLogEntry,
  didFromPublicKey,
  entryAgent,
  generateKeyPair,
} from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { flipEntryBytes, readEntries, rewriteLog } from "../support/log-tamper.ts";
import { ants } from "../support/run-cli.ts";

// One relay's data directory, grown once, then copied for each kind of tampering.
const origin = mkdtempSync(join(tmpdir(), "ants-log-verify-"));
const dataDir = join(origin, "relay");
const statePath = join(origin, "state.json");
let port = 0;
let relay: RunningRelay | undefined;

async function start(dir: string): Promise<RunningRelay> {
  relay = await startRelay({
    port,
    dataDir: dir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
  });
  port = Number(new URL(relay.url).port);
  return relay;
}

async function stop(): Promise<void> {
  await relay?.close();
  relay = undefined;
}

/** A copy of the grown relay and of the monitor's state, to tamper with. */
function copy(name: string): { dir: string; db: string; state: string } {
  const dir = join(origin, name);
  cpSync(dataDir, dir, { recursive: true });
  cpSync(statePath, join(origin, `${name}.json`));
  return { dir, db: join(dir, "relay.sqlite"), state: join(origin, `${name}.json`) };
}

function verify(args: string[]) {
  return ants(["log", "verify", "--json", ...args], { ANTS_RELAY: relay!.url });
}

beforeAll(async () => {
  await start(dataDir);
  const agents = Array.from({ length: 5 }, () =>
    didFromPublicKey(createSigner(generateKeyPair().seed).publicKey),
  );
  // 300 entries: a full first tile, which a restart does not rehash, and a partial second one.
  await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      relay!.app.relay.auditLog.appendEvent({
        event: "identity",
        action: i < 5 ? "registered" : "session-opened",
        subject: agents[i % 5]!,
        actor: agents[i % 5]!,
        data: { n: i },
      }),
    ),
  );
  await relay!.app.relay.auditLog.checkpointNow();
  const first = await verify(["--state", statePath, "--full"]);
  expect(first.status).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, size: 300, entriesChecked: 300 });
  await stop();
}, 60_000);

afterEach(async () => {
  await stop();
});

afterAll(async () => {
  await stop();
  rmSync(origin, { recursive: true, force: true });
});

describe("ants log verify", () => {
  it("passes an untouched log after a restart and records the new checkpoint", async () => {
    const { dir, state } = copy("untouched");
    await start(dir);
    await relay!.app.relay.auditLog.appendEvent({
      event: "trust",
      action: "level-changed",
      subject: decodeLogEntry(readEntries(join(dir, "relay.sqlite"))[0]!).relay,
      data: { level: 1 },
    });
    await relay!.app.relay.auditLog.checkpointNow();
    const result = await verify(["--state", state, "--full"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, size: 301, previousSize: 300 });
    const again = await ants(["log", "verify", "--state", state], { ANTS_RELAY: relay!.url });
    expect(again.stdout).toMatch(/^OK: .* at 301 entries, consistent with 301 seen before/);
  });

  it("catches an entry altered in the database", async () => {
    const { dir, db, state } = copy("tampered");
    flipEntryBytes(db, 7, "session-opened", "session-closed");
    await start(dir);
    const result = await verify(["--state", state, "--full"]);
    expect(result.status).toBe(19);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: { check: string }) => p.check)).toEqual(["chain", "tree"]);
    expect(report.problems[0].index).toBe(12);
  });

  it("catches a dropped entry, with or without the last checkpoint seen", async () => {
    const { dir, db, state } = copy("dropped");
    const entries = readEntries(db);
    const agentOf = (i: number) => entryAgent(decodeLogEntry(entries[i]!));
    // The dropped entry's agent's next entry now names a previous entry that is not its own.
    const next = entries.findIndex((_, i) => i > 40 && agentOf(i) === agentOf(40));
    rewriteLog(db, [...entries.slice(0, 40), ...entries.slice(41)]);
    await start(dir);
    const monitored = await verify(["--state", state]);
    expect(monitored.status).toBe(19);
    expect(JSON.parse(monitored.stdout).problems[0]).toMatchObject({ check: "consistency" });
    const full = await verify(["--full"]);
    expect(full.status).toBe(19);
    expect(JSON.parse(full.stdout).problems[0]).toMatchObject({ check: "chain", index: next - 1 });
  });

  it("catches history rewritten with every hash recomputed and the relay re-signing", async () => {
    const { dir, db, state } = copy("rewritten");
    const entries = readEntries(db);
    const altered = { ...decodeLogEntry(entries[100]!), data: { n: 100, note: "nothing here" } };
    entries[100] = new TextEncoder().encode(canonicalJson(altered));
    rewriteLog(db, entries);
    await start(dir);
    const result = await verify(["--state", state]);
    expect(result.status).toBe(19);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, size: 300, previousSize: 300 });
    expect(report.problems[0].check).toBe("consistency");
    const text = await ants(["log", "verify", "--state", state], { ANTS_RELAY: relay!.url });
    expect(text.status).toBe(19);
    expect(text.stdout).toMatch(/^INCONSISTENT: /);
  });

  it("leaves a relay whose stored tree lost its signed root refusing to start", async () => {
    const { dir, db } = copy("forked");
    const entries = readEntries(db);
    rewriteLog(db, entries.slice(0, 299), true);
    await expect(start(dir)).rejects.toMatchObject({ code: "ERR_LOG_INCONSISTENT" });
  });
});

describe("ants log checkpoint, proof, search", () => {
  it("prints the verified checkpoint", async () => {
    await start(copy("read-checkpoint").dir);
    const result = await ants(["log", "checkpoint", "--json"], { ANTS_RELAY: relay!.url });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ size: 300, origin: expect.any(String) });
  });

  it("verifies one entry's inclusion proof offline", async () => {
    await start(copy("read-proof").dir);
    const result = await ants(["log", "proof", "--index", "42", "--json", "--relay", relay!.url]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ index: 42, size: 300, verified: true });
    const missing = await ants(["log", "proof", "--index", "300", "--relay", relay!.url]);
    expect(missing.stderr).toMatch(/ERR_LOG_INDEX_OUT_OF_RANGE/);
    const bad = await ants(["log", "proof", "--index", "-1", "--relay", relay!.url]);
    expect(bad.status).toBe(2);
  });

  it("searches by agent and checks every result's proof", async () => {
    const { dir, db } = copy("read-search");
    const agent = entryAgent(decodeLogEntry(readEntries(db)[3]!));
    await start(dir);
    const args = ["log", "search", "--agent", agent, "--limit", "5", "--json"];
    const result = await ants(args, { ANTS_RELAY: relay!.url });
    expect(result.status).toBe(0);
    const page = JSON.parse(result.stdout);
    expect(page.results.map((r: { index: number }) => r.index)).toEqual([3, 8, 13, 18, 23]);
    expect(page.next).toBe(23);
  });

  it("asks for a relay when none is given", async () => {
    const result = await ants(["log", "verify"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/ANTS_RELAY/);
  });
});
