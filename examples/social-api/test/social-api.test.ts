import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "@ants/client";
import { createSigner, generateKeyPair } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSocialApi } from "../src/social-api.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ants-social-"));
const API = "http://127.0.0.1:47831";
let relay: RunningRelay;
let api: FastifyInstance;

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
  });
  api = buildSocialApi({ relayUrl: relay.url, publicUrl: API });
  await api.listen({ port: Number(new URL(API).port), host: "127.0.0.1" });
});
afterAll(async () => {
  await api.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the example social API", () => {
  it("publishes a post carried by a relay-minted token, and nothing without one", async () => {
    const owner = new Agent({ relay: relay.url, signer: createSigner(generateKeyPair().seed) });
    const writer = new Agent({ relay: relay.url, signer: createSigner(generateKeyPair().seed) });
    await writer.register();
    const chain = [await owner.delegate({ to: writer.did, cmd: "/social", expiresIn: 600 })];
    const decision = await writer.invoke({
      cmd: "/social/post",
      args: { text: "hello" },
      chain,
      resource: API,
    });
    const posted = await writer.callResource(`${API}/posts`, {
      accessToken: decision.accessToken!,
      body: { text: "hello" },
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toMatchObject({
      kind: "post",
      text: "hello",
      author: writer.did,
      principal: owner.did,
    });

    const anonymous = await fetch(`${API}/posts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"text":"spam"}',
    });
    expect(anonymous.status).toBe(401);
    const listed = (await (await fetch(`${API}/posts`)).json()) as { posts: unknown[] };
    expect(listed.posts).toHaveLength(1);
  });

  it("refuses a draft token on the post route", async () => {
    const owner = new Agent({ relay: relay.url, signer: createSigner(generateKeyPair().seed) });
    const writer = new Agent({ relay: relay.url, signer: createSigner(generateKeyPair().seed) });
    await writer.register();
    const chain = [await owner.delegate({ to: writer.did, cmd: "/social/draft", expiresIn: 600 })];
    const decision = await writer.invoke({
      cmd: "/social/draft",
      args: { text: "x" },
      chain,
      resource: API,
    });
    const response = await writer.callResource(`${API}/posts`, {
      accessToken: decision.accessToken!,
      body: { text: "x" },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe("ERR_ACCESS_TOKEN_CMD_MISMATCH");
  });
});
