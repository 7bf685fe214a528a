import {
  decodeLogEntry,
  encodeBase64url,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from "@ants/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { type LogFixture, newAgent, ORIGIN, openLogFixture } from "./helpers.ts";

let fixture: LogFixture;
afterEach(async () => {
  await fixture?.close();
});

function registered(subject: string) {
  return { event: "identity" as const, action: "registered", subject, actor: subject };
}

async function allEntries(f: LogFixture): Promise<Uint8Array[]> {
  const entries: Uint8Array[] = [];
  for (let i = 0; i < f.audit.size; i++) entries.push(await f.audit.reads.entry(i));
  return entries;
}

describe("AuditLog", () => {
  it("gives concurrent appends dense indexes and chains each agent's entries", async () => {
    fixture = await openLogFixture({ maxBatch: 64 });
    const agents = Array.from({ length: 7 }, newAgent);
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, i) => fixture.audit.appendEvent(registered(agents[i % 7]!))),
    );
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(600).keys()]);
    const entries = await allEntries(fixture);
    const last = new Map<string, { index: number; leafHash: string }>();
    entries.forEach((bytes, index) => {
      const entry = decodeLogEntry(bytes);
      const subject = entry.type === "event" ? entry.subject : entry.actor;
      expect(entry.prev).toEqual(last.get(subject) ?? null);
      last.set(subject, { index, leafHash: encodeBase64url(leafHash(bytes)) });
    });
    expect(results[5]!.leafHash).toEqual(leafHash(entries[results[5]!.index]!));
  });

  it("signs checkpoints whose proofs verify, and keeps the log across a restart", async () => {
    fixture = await openLogFixture();
    const agent = newAgent();
    for (let i = 0; i < 300; i++) await fixture.audit.appendEvent(registered(agent));
    await fixture.audit.checkpointNow();
    const verifier = parseVerifierKey(fixture.audit.verifierKey());
    const first = openCheckpoint((await fixture.audit.reads.checkpoint()).note, [verifier], {
      origin: ORIGIN,
    });
    expect(first.size).toBe(300);
    const leaves = (await allEntries(fixture)).map(leafHash);
    expect(first.rootHash).toEqual(rootHash(leaves));

    await fixture.restart();
    expect(fixture.audit.size).toBe(300);
    const next = await fixture.audit.appendEvent(registered(agent));
    expect(next.index).toBe(300);
    expect(decodeLogEntry(next.bytes).prev?.index).toBe(299);
    await fixture.audit.checkpointNow();
    const second = await fixture.audit.reads.checkpoint();
    expect(second.size).toBe(301);
    const proof = await fixture.audit.reads.tree.consistencyProof(300, 301);
    expect(
      verifyConsistency({
        fromSize: 300,
        toSize: 301,
        fromRoot: first.rootHash,
        toRoot: second.rootHash,
        proof,
      }),
    ).toBe(true);
    const bundle = await fixture.audit.reads.bundle(7);
    expect(
      verifyInclusion({
        index: 7,
        size: bundle.size,
        leafHash: leafHash(bundle.entry),
        proof: bundle.proof,
        rootHash: second.rootHash,
      }),
    ).toBe(true);
  });
});
