import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildEventEntry,
  encodeBase64url,
  encodeLogEntry,
  type LogEntryPrev,
  leafHash,
} from "@ants/protocol";
import { describe, expect, it } from "vitest";
import { ChainChecker } from "../../src/audit-log/chain-check.ts";
import { readMonitorState, writeMonitorState } from "../../src/audit-log/monitor-state.ts";

const ALICE = "did:key:z6MkAlice";
const BOB = "did:key:z6MkBob";

function entry(subject: string, prev: LogEntryPrev | null) {
  const built = buildEventEntry({
    time: 1,
    relay: "did:key:z6MkRelay",
    event: "identity",
    action: "registered",
    subject,
    prev,
  });
  return { entry: built, leaf: leafHash(encodeLogEntry(built)) };
}

function link(index: number, leaf: Uint8Array): LogEntryPrev {
  return { index, leafHash: encodeBase64url(leaf) };
}

describe("ChainChecker", () => {
  it("accepts chains that interleave", () => {
    const chains = new ChainChecker();
    const a0 = entry(ALICE, null);
    const b1 = entry(BOB, null);
    const a2 = entry(ALICE, link(0, a0.leaf));
    chains.add(0, a0.entry, a0.leaf);
    chains.add(1, b1.entry, b1.leaf);
    chains.add(2, a2.entry, a2.leaf);
    expect(chains.breaks).toEqual([]);
    expect(chains.agents).toBe(2);
  });

  it.each([
    ["a first entry that names a previous one", 1, (a0: Uint8Array) => link(0, a0), BOB],
    ["a later entry that names none", 1, () => null, ALICE],
    ["a link to another index", 1, (a0: Uint8Array) => link(5, a0), ALICE],
    ["a link with another leaf hash", 1, () => link(0, new Uint8Array(32)), ALICE],
  ])("reports %s", (_name, index, prev, subject) => {
    const chains = new ChainChecker();
    const a0 = entry(ALICE, null);
    chains.add(0, a0.entry, a0.leaf);
    const next = entry(subject, prev(a0.leaf));
    chains.add(index, next.entry, next.leaf);
    expect(chains.breaks).toMatchObject([{ index, agent: subject }]);
  });
});

describe("monitor state", () => {
  const dir = mkdtempSync(join(tmpdir(), "ants-monitor-"));

  it("round-trips and is absent before the first run", async () => {
    const path = join(dir, "state.json");
    expect(await readMonitorState(path)).toBeUndefined();
    const state = { origin: "relay.example/v1/log", verifierKey: "k", size: 3, rootHash: "AA==" };
    await writeMonitorState(path, state);
    expect(await readMonitorState(path)).toEqual(state);
  });

  it.each([
    ["not JSON", "{"],
    ["a negative size", '{"origin":"o","verifierKey":"k","size":-1,"rootHash":"r"}'],
    ["a missing key", '{"origin":"o","size":1,"rootHash":"r"}'],
  ])("refuses a state file holding %s with ERR_MALFORMED", async (_name, text) => {
    const path = join(dir, `${_name}.json`);
    writeFileSync(path, text);
    await expect(readMonitorState(path)).rejects.toMatchObject({ code: "ERR_MALFORMED" });
  });
});
