import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { LogClient, type MonitorState, monitorLog } from "@ants/client";
import { createNoteSigner, createSigner, generateKeyPair, signCheckpoint } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackWorld, startAttackWorld } from "./attack-world.ts";

// Issue 13, attack suite: a forged checkpoint and a log that rewrites history, served to the
// client's monitor (what `ants log verify` runs) by a man in the middle or by the relay itself.
let world: AttackWorld;
let proxy: Server;
let proxyUrl = "";
let state: MonitorState;
/** The checkpoint the man in the middle serves instead of the relay's, when set. */
let forged: string | undefined;

beforeAll(async () => {
  world = await startAttackWorld();
  await world.agent();
  await world.agent();
  proxy = createServer(async (request, response) => {
    if (request.url === "/v1/log/checkpoint" && forged !== undefined) {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(forged);
      return;
    }
    const answer = await fetch(world.relay.url + request.url);
    response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const first = await monitorLog(new LogClient({ url: proxyUrl }));
  expect(first.report.ok).toBe(true);
  state = first.state!;
});
afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await world.close();
});

/** A checkpoint note of the relay's origin with a made-up root, signed by `signer`. */
function checkpointNote(signer: ReturnType<typeof createSigner>, size: number): string {
  const checkpoint = {
    origin: state.origin,
    size,
    rootHash: new Uint8Array(randomBytes(32)),
    extensions: [],
  };
  return signCheckpoint(checkpoint, createNoteSigner(state.origin, signer));
}

describe("the log monitor", () => {
  it("refuses a checkpoint forged with another key under the relay's origin", async () => {
    forged = checkpointNote(createSigner(generateKeyPair().seed), state.size + 5);
    const { report, state: next } = await monitorLog(new LogClient({ url: proxyUrl }), { state });
    expect(report.ok).toBe(false);
    expect(report.problems[0]?.check).toBe("signature");
    expect(next).toBeUndefined();
  });

  it("refuses a history the relay rewrote and re-signed with its own key", async () => {
    // Same size, another root: a fork only a consistency proof against the pinned state shows.
    forged = checkpointNote(world.relay.app.relay.identity.signer, state.size);
    const { report } = await monitorLog(new LogClient({ url: proxyUrl }), { state });
    expect(report.ok).toBe(false);
    expect(report.problems[0]?.check).toBe("consistency");
  });

  it("still passes the relay's own checkpoint", async () => {
    forged = undefined;
    const { report } = await monitorLog(new LogClient({ url: proxyUrl }), { state });
    expect(report.problems).toEqual([]);
  });
});
