import { decodeLogEntry, encodeEntryBundle } from "@ants/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit-log/audit-log.ts";
import type { AuditLogStore, LogBatch } from "../../src/audit-log/audit-log-store.ts";
import { LOG_MOVED } from "../../src/audit-log/log-sequencer.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { type LogFixture, NOW, newAgent, ORIGIN, openLogFixture } from "./helpers.ts";

let fixture: LogFixture;
afterEach(async () => {
  await fixture?.close();
});

function event(subject: string, data: Record<string, unknown> = {}) {
  return { event: "identity" as const, action: "registered", subject, actor: subject, data };
}

/** A one-entry batch at `first`, as the sequencer would send it. */
function oneEntryBatch(first: number, headsAt?: number): LogBatch {
  return {
    bundles: [{ first, bytes: encodeEntryBundle([new TextEncoder().encode("{}")]) }],
    tiles: [],
    heads:
      headsAt === undefined
        ? []
        : [{ agent: "did:key:a", index: first, leafHash: new Uint8Array(32) }],
    headsAt,
    index: [
      {
        index: first,
        time: NOW,
        agent: "did:key:a",
        principal: null,
        cmd: null,
        invocation: null,
        addressee: null,
      },
    ],
  };
}

describe("AuditLog pipelined batches", () => {
  it("fails a batch with ERR_STORE_FAILED and writes the batch sent behind it afterwards, densely", async () => {
    fixture = await openLogFixture({ maxBatch: 4 });
    const agent = newAgent();
    await fixture.audit.appendEvent(event(agent));
    const store = fixture.store.log as { appendBatch: AuditLogStore["appendBatch"] };
    const appendBatch = store.appendBatch;
    const sent: number[] = [];
    store.appendBatch = async (batch) => {
      sent.push(batch.bundles[0]!.first);
      // The first full batch fails; the second was already sent behind it.
      if (sent.length === 1) throw new Error("disk full");
      return appendBatch(batch);
    };
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => fixture.audit.appendEvent(event(agent, { i }))),
    );
    store.appendBatch = appendBatch;
    expect(sent.slice(0, 2)).toEqual([1, 5]);
    expect(results.slice(0, 4).map((r) => r.status)).toEqual(Array(4).fill("rejected"));
    for (const result of results.slice(0, 4)) {
      expect((result as PromiseRejectedResult).reason.code).toBe("ERR_STORE_FAILED");
    }
    const written = results
      .slice(4)
      .map((r) => (r as PromiseFulfilledResult<{ index: number; bytes: Uint8Array }>).value);
    expect(written.map((w) => w.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(written.map((w) => decodeLogEntry(w.bytes).prev?.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(
      written.map((w) => (decodeLogEntry(w.bytes) as { data?: { i?: number } }).data?.i),
    ).toEqual([4, 5, 6, 7, 8, 9]);
    await fixture.restart();
    expect(fixture.audit.size).toBe(7);
  });

  it("brings the stored heads up to date from batches sent behind one being written", async () => {
    fixture = await openLogFixture({ maxBatch: 4, headsIntervalMs: 0 });
    const agents = [newAgent(), newAgent(), newAgent()];
    const appended = await Promise.all(
      Array.from({ length: 40 }, (_, i) => fixture.audit.appendEvent(event(agents[i % 3]!, { i }))),
    );
    const state = await fixture.store.log.loadState();
    // Every batch wrote the heads, the last one included, though others were in flight.
    expect(state.headsAt).toBe(40);
    const last = new Map(appended.map((a, i) => [agents[i % 3]!, a.index]));
    expect(new Map(state.heads.map((head) => [head.agent, head.index]))).toEqual(last);
  });

  it("keeps one dense log when two relays append to the same SQLite file", async () => {
    fixture = await openLogFixture({ maxBatch: 8 });
    const second = openSqliteStore(fixture.path);
    const other = await AuditLog.open({
      store: second.log,
      relay: fixture.relay,
      signer: fixture.signer,
      origin: () => ORIGIN,
      now: () => NOW,
      maxBatch: 8,
    });
    try {
      const agents = [newAgent(), newAgent()];
      const appended = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? fixture.audit : other).appendEvent(event(agents[i % 2]!, { i })),
        ),
      );
      expect(appended.map((a) => a.index).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i),
      );
      // Each agent's chain links its own previous entry, whichever relay wrote it.
      for (const agent of agents) {
        const chain = appended
          .map((a) => ({ index: a.index, entry: decodeLogEntry(a.bytes) }))
          .filter((a) => (a.entry as { subject?: string }).subject === agent)
          .sort((a, b) => a.index - b.index);
        expect(chain[0]!.entry.prev).toBeNull();
        for (let i = 1; i < chain.length; i++) {
          expect(chain[i]!.entry.prev?.index).toBe(chain[i - 1]!.index);
        }
      }
    } finally {
      await other.close();
      await second.close();
    }
    await fixture.restart();
    expect(fixture.audit.size).toBe(40);
  });
});

describe("SQLite log store writer", () => {
  it("refuses a batch that does not start at the stored end with LOG_MOVED and writes nothing", async () => {
    fixture = await openLogFixture();
    const log = fixture.store.log;
    await expect(log.appendBatch(oneEntryBatch(3))).rejects.toMatchObject({
      code: "ERR_STORE_FAILED",
      details: { [LOG_MOVED]: true },
    });
    expect((await log.loadState()).size).toBe(0);
    await log.appendBatch(oneEntryBatch(0));
    await expect(log.appendBatch(oneEntryBatch(0))).rejects.toMatchObject({
      details: { [LOG_MOVED]: true },
    });
    expect((await log.loadState()).size).toBe(1);
  });

  it("stores the heads with the entry count they are exact for", async () => {
    fixture = await openLogFixture();
    const log = fixture.store.log;
    await log.appendBatch(oneEntryBatch(0));
    expect((await log.loadState()).headsAt).toBe(0);
    await log.appendBatch(oneEntryBatch(1, 2));
    const state = await log.loadState();
    expect(state.headsAt).toBe(2);
    expect(state.heads.map((head) => head.index)).toEqual([1]);
  });
});
