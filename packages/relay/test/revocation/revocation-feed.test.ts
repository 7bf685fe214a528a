import { jwkThumbprint, RevocationState, verifyRevocationSnapshot } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalKey } from "../helpers/scenario.ts";
import { send, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { revoke } from "./revocation-helpers.ts";
import { readEvents, type SseEvent } from "./sse-client.ts";

const clock: TestClock = { now: 1_767_225_600 };
const operator = principalKey();
let relay: TestRelay;
let target: { url: string; did: string };

beforeAll(async () => {
  relay = await startTestRelay({
    now: () => clock.now,
    operators: [operator.did],
    revocation: { pollMs: 0, heartbeatMs: 50, snapshotTtlSeconds: 120 },
  });
  target = { url: relay.url, did: relay.app.relay.identity.did };
});
afterAll(async () => {
  await relay.close();
});

async function revokeSome(count: number): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) {
    const key = principalKey();
    const answer = await revoke(target, clock, operator, {
      kind: "key",
      target: jwkThumbprint(key.signer.publicKey),
    });
    expect(answer.status).toBe(201);
    seqs.push(answer.body.entry.seq);
  }
  return seqs;
}

const entries = (events: SseEvent[]) => events.filter((e) => e.event === "revocation");
const ids = (events: SseEvent[]) => entries(events).map((e) => Number(e.id));

describe("GET /v1/revocations/stream", () => {
  it("resumes from a sequence number without gaps or repeats, by Last-Event-ID or ?since=", async () => {
    const first = await revokeSome(3);
    const seen = await readEvents(`${relay.url}/v1/revocations/stream`, (e) =>
      ids(e).includes(first[2]!),
    );
    expect(ids(seen)).toEqual(range(1, first[2]!));
    for (const event of entries(seen)) {
      expect(JSON.parse(event.data).seq).toBe(Number(event.id));
    }

    // Disconnected; more entries land meanwhile, then the client resumes from its last id.
    const later = await revokeSome(4);
    const last = String(first[2]);
    const resumed = await readEvents(
      `${relay.url}/v1/revocations/stream`,
      (e) => ids(e).includes(later[3]!),
      { "last-event-id": last },
    );
    expect(ids(resumed)).toEqual(range(first[2]! + 1, later[3]!));
    const bySince = await readEvents(`${relay.url}/v1/revocations/stream?since=${later[1]}`, (e) =>
      ids(e).includes(later[3]!),
    );
    expect(ids(bySince)).toEqual([later[2], later[3]]);
  });

  it("delivers entries applied while the stream is open, in order, then heartbeats at the head", async () => {
    const head = relay.app.relay.revocations.seq;
    const reading = readEvents(
      `${relay.url}/v1/revocations/stream?since=${head}`,
      (e) => ids(e).length === 5 && e.at(-1)?.event === "heartbeat",
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const added = await revokeSome(5);
    const events = await reading;
    expect(ids(events)).toEqual(added);
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ seq: added[4], time: clock.now });
  });

  it("refuses a malformed resume point with a coded 400", async () => {
    const answer = await send(relay, "GET", "/v1/revocations/stream?since=-1");
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_REQUEST_FIELD_INVALID");
  });
});

describe("GET /v1/revocations and the snapshot", () => {
  it("lists entries after a sequence number, with the head", async () => {
    const head = relay.app.relay.revocations.seq;
    const answer = await send(relay, "GET", `/v1/revocations?since=${head - 2}`);
    expect(answer.body.head).toBe(head);
    expect(answer.body.entries.map((e: { seq: number }) => e.seq)).toEqual([head - 1, head]);
    expect(answer.body.entries[0].request).toMatch(/^eyJ/);
  });

  it("serves a relay-signed snapshot a verifier can rebuild the state from", async () => {
    const answer = await send(relay, "GET", "/v1/revocations/snapshot");
    const relayKey = relay.app.relay.identity.signer.publicKey;
    const snapshot = verifyRevocationSnapshot(answer.body.snapshot, {
      relay: target.did,
      relayKey,
      now: clock.now,
    });
    expect(snapshot.seq).toBe(relay.app.relay.revocations.seq);
    expect(snapshot.exp - snapshot.iat).toBe(120);
    const state = new RevocationState();
    for (const item of snapshot.state) state.apply(item);
    expect(state.items().length).toBe(snapshot.state.length);
    expect(() =>
      verifyRevocationSnapshot(answer.body.snapshot, {
        relay: target.did,
        relayKey,
        now: clock.now + 121,
      }),
    ).toThrow(expect.objectContaining({ code: "ERR_REVOCATION_FEED_STALE" }));
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
