import {
  buildDecisionEntry,
  createSigner,
  decodeLogEntry,
  didFromPublicKey,
  generateKeyPair,
  signInvocation,
} from "@ants/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit-log/audit-log.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { type LogFixture, NOW, newAgent, ORIGIN, openLogFixture } from "./helpers.ts";

let fixture: LogFixture;
afterEach(async () => {
  await fixture?.close();
});

function event(subject: string, data: Record<string, unknown> = {}) {
  return { event: "identity" as const, action: "registered", subject, actor: subject, data };
}

/** A decision entry of `signer`'s agent, its invocation optionally carrying `cause`. */
function decision(signer = createSigner(generateKeyPair().seed), cause?: string) {
  const actor = didFromPublicKey(signer.publicKey);
  const invocation = signInvocation(
    {
      sub: actor,
      aud: actor,
      cmd: "/task/run",
      args: { n: 1 },
      prf: [],
      htm: "POST",
      htu: "https://relay.test/v1/authorize",
      ...(cause === undefined ? {} : { cause }),
    },
    { signer, now: NOW },
  );
  const entry = buildDecisionEntry({
    time: NOW,
    relay: actor,
    actor,
    cmd: "/task/run",
    principal: actor,
    chain: [],
    decision: "allow",
    invocation,
  });
  return { actor, entry };
}

describe("AuditLog recovery", () => {
  it("loses nothing acknowledged when the process stops without closing", async () => {
    fixture = await openLogFixture({ headsIntervalMs: 60_000 });
    const agent = newAgent();
    for (let i = 0; i < 20; i++) await fixture.audit.appendEvent(event(agent, { i }));
    // No close: the next open reads the file as a crashed relay would leave it.
    const store = openSqliteStore(fixture.path);
    const reopened = await AuditLog.open({
      store: store.log,
      relay: fixture.relay,
      signer: fixture.signer,
      origin: () => ORIGIN,
      now: () => NOW,
    });
    expect(reopened.size).toBe(20);
    const next = await reopened.appendEvent(event(agent));
    // The heads table was never written (60 s interval): the chain comes from replayed entries.
    expect(decodeLogEntry(next.bytes).prev?.index).toBe(19);
    await reopened.close();
    await store.close();
  });

  it("refuses one oversized entry alone and keeps the others' indexes dense", async () => {
    fixture = await openLogFixture();
    const agent = newAgent();
    const results = await Promise.allSettled([
      fixture.audit.appendEvent(event(agent, { a: 1 })),
      fixture.audit.appendEvent(event(agent, { big: "x".repeat(70_000) })),
      fixture.audit.appendEvent(event(agent, { a: 2 })),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.code).toBe("ERR_LOG_ENTRY_TOO_LARGE");
    expect(results.flatMap((r) => (r.status === "fulfilled" ? [r.value.index] : []))).toEqual([
      0, 1,
    ]);
  });

  it("fails a batch whose transaction fails with ERR_STORE_FAILED and resumes after it", async () => {
    fixture = await openLogFixture();
    const agent = newAgent();
    await fixture.audit.appendEvent(event(agent));
    const store = fixture.store.log as { appendBatch: (batch: unknown) => Promise<void> };
    const appendBatch = store.appendBatch;
    store.appendBatch = async () => {
      throw new Error("disk full");
    };
    await expect(fixture.audit.appendEvent(event(agent))).rejects.toMatchObject({
      code: "ERR_STORE_FAILED",
    });
    store.appendBatch = appendBatch;
    const next = await fixture.audit.appendEvent(event(agent));
    expect(next.index).toBe(1);
    expect(decodeLogEntry(next.bytes).prev?.index).toBe(0);
  });

  it("keeps times from decreasing along the log", async () => {
    fixture = await openLogFixture();
    await fixture.audit.appendEvent({ ...event(newAgent()), time: NOW + 10 });
    const late = await fixture.audit.appendEvent({ ...event(newAgent()), time: NOW });
    expect(decodeLogEntry(late.bytes).time).toBe(NOW + 10);
  });
});

describe("AuditLog instructor", () => {
  it("records the instructor only when the cause names an invocation addressed to the actor", async () => {
    fixture = await openLogFixture();
    const bob = createSigner(generateKeyPair().seed);
    const bobDid = didFromPublicKey(bob.publicKey);
    const alice = decision();
    await fixture.audit.append({ entry: alice.entry, resource: bobDid });
    const elsewhere = decision();
    await fixture.audit.append({ entry: elsewhere.entry, resource: "https://api.example" });

    const instructed = decision(bob, alice.entry.invocation.hash);
    const logged = decodeLogEntry((await fixture.audit.append({ entry: instructed.entry })).bytes);
    expect(logged).toMatchObject({ type: "decision", instructor: alice.actor });

    const notForBob = decision(bob, elsewhere.entry.invocation.hash);
    const unclaimed = decodeLogEntry(
      (await fixture.audit.append({ entry: notForBob.entry })).bytes,
    );
    expect(unclaimed).toMatchObject({ instructor: null });

    const unknown = decision(bob, "A".repeat(43));
    const claimed = { ...unknown.entry, instructor: alice.actor };
    const ignored = decodeLogEntry((await fixture.audit.append({ entry: claimed })).bytes);
    expect(ignored).toMatchObject({ instructor: null });
  });
});
