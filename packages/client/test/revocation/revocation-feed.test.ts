import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  generateKeyPair,
  jwkThumbprint,
  signRevocationRequest,
} from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { createLocalJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/agent/agent.ts";
import { RelayClient } from "../../src/relay/relay-client.ts";
import { verifyAccessToken } from "../../src/resource/verify-access-token.ts";
import { submitRevocation } from "../../src/revocation/revocation-api.ts";
import { RevocationFeed } from "../../src/revocation/revocation-feed.ts";

const RESOURCE = "https://social.example.com";
const clock = { now: 1_767_225_600 };
const dataDir = mkdtempSync(join(tmpdir(), "ants-feed-"));
let relay: RunningRelay;
let client: RelayClient;
let relayDid: string;

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    now: () => clock.now,
    revocation: { heartbeatMs: 40, snapshotTtlSeconds: 60, pollMs: 0 },
  });
  client = new RelayClient({ url: relay.url, now: () => clock.now });
  relayDid = relay.app.relay.identity.did;
});
afterAll(async () => {
  // fetch keeps pooled sockets that never carry a request after an aborted stream; the relay
  // would wait for each until its header timeout, so the test closes them outright.
  const closing = relay.close();
  relay.app.server.closeAllConnections();
  await closing;
  rmSync(dataDir, { recursive: true, force: true });
});

function signer(): Ed25519Signer {
  return createSigner(generateKeyPair().seed);
}

async function revokeKey(by: Ed25519Signer, kid: string): Promise<number> {
  const request = signRevocationRequest(
    { aud: relayDid, kind: "key", target: kid },
    { signer: by, now: clock.now },
  );
  return (await submitRevocation(client, { request })).entry.seq;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

async function accessToken(worker: Agent, owner: Agent): Promise<string> {
  await worker.register();
  const root = await owner.delegate({ to: worker.did, cmd: "/social", expiresIn: 3600 });
  const decision = await worker.invoke({
    cmd: "/social/post",
    args: { text: "hi" },
    chain: [root],
    resource: RESOURCE,
  });
  return decision.accessToken!;
}

describe("RevocationFeed", () => {
  it("lets a resource server refuse a revoked actor's token with no round trip", async () => {
    const feed = await RevocationFeed.follow({ relay: client, now: () => clock.now });
    try {
      const workerKey = signer();
      const worker = new Agent({ relay: client, signer: workerKey, now: () => clock.now });
      const owner = new Agent({ relay: client, signer: signer(), now: () => clock.now });
      const token = await accessToken(worker, owner);
      const jwks = createLocalJWKSet(
        await (await fetch(`${relay.url}/.well-known/jwks.json`)).json(),
      );
      const options = {
        issuer: relay.url,
        audience: RESOURCE,
        jwks,
        now: clock.now,
        revocations: feed,
      };
      expect((await verifyAccessToken(token, options)).client_id).toBe(worker.did);

      const seq = await revokeKey(workerKey, jwkThumbprint(workerKey.publicKey));
      await until(() => feed.seq >= seq);
      await expect(verifyAccessToken(token, options)).rejects.toMatchObject({
        code: "ERR_REVOKED_KEY",
        details: { seq },
      });
    } finally {
      await feed.close();
    }
  });

  it("catches up by sequence after a dropped stream, without gaps or repeats", async () => {
    const feed = await RevocationFeed.follow({
      relay: client,
      now: () => clock.now,
      reconnectMs: 20,
    });
    try {
      const before = feed.seq;
      const keys = [signer(), signer(), signer()];
      await revokeKey(keys[0]!, jwkThumbprint(keys[0]!.publicKey));
      await until(() => feed.seq === before + 1);
      // Drop every open stream from the relay's side, then revoke while the feed is away.
      for (const stream of relay.app.relay.revocation.streams) stream.destroy();
      await revokeKey(keys[1]!, jwkThumbprint(keys[1]!.publicKey));
      const last = await revokeKey(keys[2]!, jwkThumbprint(keys[2]!.publicKey));
      await until(() => feed.seq === last);
      expect(last).toBe(before + 3);
    } finally {
      await feed.close();
    }
  });

  it("fails closed once its copy is older than the snapshot's lifetime", async () => {
    let now = clock.now;
    const feed = await RevocationFeed.follow({ relay: client, now: () => now });
    // Let the stream open before closing, so no half-made connection outlives the test.
    await until(() => relay.app.relay.revocation.streams.size > 0);
    try {
      expect(() => feed.assertFresh()).not.toThrow();
      // The relay's clock stands still, so no heartbeat confirms anything after `clock.now`.
      now = clock.now + 61;
      expect(() => feed.assertFresh()).toThrow(
        expect.objectContaining({ code: "ERR_REVOCATION_FEED_STALE" }),
      );
      expect(() =>
        feed.check({ tokenHash: "x", issuer: "y", kid: "z", seenAt: now, role: "delegation" }),
      ).toThrow(expect.objectContaining({ code: "ERR_REVOCATION_FEED_STALE" }));
    } finally {
      await feed.close();
    }
  });

  it("refuses a handle an operator revoked, once the entry arrives", async () => {
    const operator = signer();
    relay.app.relay.revocation.operators = new Set([didFromPublicKey(operator.publicKey)]);
    const feed = await RevocationFeed.follow({ relay: client, now: () => clock.now });
    try {
      expect(() => feed.assertHandleNotRevoked("kevin")).not.toThrow();
      const request = signRevocationRequest(
        { aud: relayDid, kind: "handle", target: "kevin" },
        { signer: operator, now: clock.now },
      );
      const { entry } = await submitRevocation(client, { request });
      await until(() => feed.seq >= entry.seq);
      expect(() => feed.assertHandleNotRevoked("kevin")).toThrow(
        expect.objectContaining({ code: "ERR_REVOKED_HANDLE", details: { seq: entry.seq } }),
      );
    } finally {
      await feed.close();
    }
  });

  it("refuses a snapshot signed for another relay", async () => {
    const other = `did:key:z6Mk${"a".repeat(44)}`;
    await expect(
      RevocationFeed.follow({ relay: client, relayDid: other, now: () => clock.now }),
    ).rejects.toHaveProperty("code");
  });
});
