import {
  decodeEntryBundle,
  decodeHashTile,
  decodeLogEntry,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const clock: TestClock = { now: 1_767_225_600 };
let relay: TestRelay;
let target: RelayTarget;
let agents: TestAgent[];
let verifierKey: string;
let logOrigin: string;

async function get(path: string): Promise<{ status: number; type: string; bytes: Uint8Array }> {
  const response = await fetch(relay.url + path);
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

async function checkpoint() {
  const note = new TextDecoder().decode((await get("/v1/log/checkpoint")).bytes);
  return openCheckpoint(note, [parseVerifierKey(verifierKey)], { origin: logOrigin });
}

function hashes(proof: string[]): Uint8Array[] {
  return proof.map((hash) => new Uint8Array(Buffer.from(hash, "base64")));
}

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
  agents = [new TestAgent(target, clock), new TestAgent(target, clock)];
  for (const agent of agents) {
    expect((await agent.register()).status).toBe(201);
    expect((await agent.login()).status).toBe(201);
  }
  const discovery = await send(relay, "GET", "/.well-known/ants-relay");
  verifierKey = discovery.body.logVerifierKey;
  logOrigin = discovery.body.logOrigin;
  await relay.app.relay.auditLog.checkpointNow();
});

afterAll(async () => {
  await relay.close();
});

describe("log routes", () => {
  it("logs registrations and logins as chained events, served byte for byte", async () => {
    const first = await get("/v1/log/entries/0");
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^application\/json/);
    expect(decodeLogEntry(first.bytes)).toMatchObject({
      type: "event",
      action: "registered",
      subject: agents[0]!.did,
      prev: null,
    });
    const login = decodeLogEntry((await get("/v1/log/entries/1")).bytes);
    expect(login).toMatchObject({ action: "session-opened", prev: { index: 0 } });
  });

  it("serves a signed checkpoint with proofs that verify against it", async () => {
    const signed = await checkpoint();
    expect(signed.size).toBe(4);
    const entry = (await get("/v1/log/entries/2")).bytes;
    const inclusion = await send(relay, "GET", "/v1/log/proof/inclusion?index=2&size=4");
    expect(inclusion.status).toBe(200);
    expect(
      verifyInclusion({
        index: 2,
        size: 4,
        leafHash: leafHash(entry),
        proof: hashes(inclusion.body.proof),
        rootHash: signed.rootHash,
      }),
    ).toBe(true);

    await agents[1]!.call(
      "DELETE",
      `/v1/agents/${agents[1]!.did}/sessions/${agents[1]!.sessionId}`,
    );
    await relay.app.relay.auditLog.checkpointNow();
    const later = await checkpoint();
    expect(later.size).toBe(5);
    const consistency = await send(relay, "GET", "/v1/log/proof/consistency?from=4&to=5");
    expect(
      verifyConsistency({
        fromSize: 4,
        toSize: 5,
        fromRoot: signed.rootHash,
        toRoot: later.rootHash,
        proof: hashes(consistency.body.proof),
      }),
    ).toBe(true);
  });

  it("serves C2SP tiles and entry bundles matching the entries", async () => {
    const size = (await checkpoint()).size;
    const tile = await get(`/v1/log/tile/0/000.p/${size}`);
    expect(tile.status).toBe(200);
    const bundle = await get(`/v1/log/tile/entries/000.p/${size}`);
    const entries = decodeEntryBundle(bundle.bytes, size);
    expect(decodeHashTile(tile.bytes, size)).toEqual(entries.map(leafHash));
  });

  it("serves an entry bundle that verifies offline", async () => {
    const answer = await send(relay, "GET", "/v1/log/entries/3/bundle");
    expect(answer.status).toBe(200);
    const signed = openCheckpoint(answer.body.checkpoint, [parseVerifierKey(verifierKey)]);
    const entry = new Uint8Array(Buffer.from(answer.body.entry, "base64"));
    expect(
      verifyInclusion({
        index: 3,
        size: signed.size,
        leafHash: leafHash(entry),
        proof: hashes(answer.body.proof),
        rootHash: signed.rootHash,
      }),
    ).toBe(true);
  });

  it("searches by agent, each result with its proof", async () => {
    const agent = agents[1]!.did;
    const answer = await send(relay, "GET", `/v1/log/search?agent=${agent}`);
    expect(answer.status).toBe(200);
    const signed = openCheckpoint(answer.body.checkpoint, [parseVerifierKey(verifierKey)]);
    expect(answer.body.results.map((r: { index: number }) => r.index)).toEqual([2, 3, 4]);
    for (const result of answer.body.results) {
      const entry = new Uint8Array(Buffer.from(result.entry, "base64"));
      expect(decodeLogEntry(entry)).toMatchObject({ subject: agent });
      const input = { index: result.index, size: signed.size, leafHash: leafHash(entry) };
      const proof = hashes(result.proof);
      expect(verifyInclusion({ ...input, proof, rootHash: signed.rootHash })).toBe(true);
    }
    const paged = await send(relay, "GET", `/v1/log/search?agent=${agent}&limit=2`);
    expect(paged.body.next).toBe(3);
    const rest = await send(relay, "GET", `/v1/log/search?agent=${agent}&after=3`);
    expect(rest.body.results.map((r: { index: number }) => r.index)).toEqual([4]);
    const none = await send(relay, "GET", `/v1/log/search?since=${clock.now + 1}`);
    expect(none.body.results).toEqual([]);
  });

  it.each([
    ["/v1/log/entries/abc", 400, "ERR_REQUEST_FIELD_INVALID"],
    ["/v1/log/entries/007", 400, "ERR_REQUEST_FIELD_INVALID"],
    ["/v1/log/entries/99", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/entries/99999999999999999", 400, "ERR_REQUEST_FIELD_INVALID"],
    ["/v1/log/entries/99/bundle", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/proof/inclusion?index=4&size=4", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/proof/inclusion?index=0&size=999", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/proof/inclusion?index=0", 400, "ERR_REQUEST_FIELD_MISSING"],
    ["/v1/log/proof/inclusion?index=0&size=2&x=1", 400, "ERR_REQUEST_UNKNOWN_FIELD"],
    ["/v1/log/proof/consistency?from=3&to=2", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/proof/consistency?from=-1&to=2", 400, "ERR_REQUEST_FIELD_INVALID"],
    ["/v1/log/tile/0/0", 400, "ERR_LOG_TILE_INVALID"],
    ["/v1/log/tile/0/000.p/256", 400, "ERR_LOG_TILE_INVALID"],
    ["/v1/log/tile/0/000", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/tile/1/000.p/1", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/tile/entries/000.p/200", 404, "ERR_LOG_INDEX_OUT_OF_RANGE"],
    ["/v1/log/search?agent=alice", 400, "ERR_REQUEST_FIELD_INVALID"],
    ["/v1/log/search?limit=0", 400, "ERR_REQUEST_FIELD_INVALID"],
    ["/v1/log/search?cmd=/A", 400, "ERR_REQUEST_FIELD_INVALID"],
    ["/v1/log/search?who=me", 400, "ERR_REQUEST_UNKNOWN_FIELD"],
  ])("refuses GET %s with %i %s", async (path, status, code) => {
    const answer = await send(relay, "GET", path);
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
  });
});
