import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, generateKeyPair } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/agent/agent.ts";
import { AccessGuard } from "../../src/resource/access-guard.ts";
import { fastifyAccess } from "../../src/resource/access-middleware.ts";

const clock = { now: 1_767_225_600 };
const dataDir = mkdtempSync(join(tmpdir(), "ants-sdk-"));
let relay: RunningRelay;
let api: FastifyInstance;
let apiUrl: string;
const posts: unknown[] = [];

function newAgent(instance = "default"): Agent {
  return new Agent({
    relay: relay.url,
    signer: createSigner(generateKeyPair().seed),
    instance,
    now: () => clock.now,
  });
}

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    now: () => clock.now,
  });
  api = Fastify();
  await api.listen({ port: 0, host: "127.0.0.1" });
  const address = api.server.address();
  apiUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  await api.close();
  api = Fastify();
  const guard = new AccessGuard({ issuer: relay.url, audience: apiUrl, now: () => clock.now });
  api.post(
    "/posts",
    { preHandler: fastifyAccess(guard, { cmd: "/social/post" }) },
    async (request) => {
      posts.push(request.body);
      return { posted: true };
    },
  );
  await api.listen({ port: Number(new URL(apiUrl).port), host: "127.0.0.1" });
});

afterAll(async () => {
  await api.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("Agent", () => {
  it("registers, logs in, delegates, invokes, and calls the resource with its access token", async () => {
    const owner = newAgent();
    const worker = newAgent();
    await worker.register({ instances: 1 });
    const root = await owner.delegate({ to: worker.did, cmd: "/social", expiresIn: 3600 });

    const decision = await worker.invoke({
      cmd: "/social/post",
      args: { text: "hello" },
      chain: [root],
      resource: apiUrl,
    });
    expect(decision).toMatchObject({ decision: "allow", actor: worker.did, principal: owner.did });

    const response = await worker.callResource(`${apiUrl}/posts`, {
      accessToken: decision.accessToken!,
      body: { text: "hello" },
    });
    expect(response.status).toBe(200);
    expect(posts).toContainEqual({ text: "hello" });

    const replay = await worker.callResource(`${apiUrl}/posts`, {
      accessToken: decision.accessToken!,
      body: { text: "hello" },
    });
    expect(replay.status).toBe(401);
    expect((await replay.json()).code).toBe("ERR_ACCESS_TOKEN_REPLAYED");
  });

  it("has the resource refuse other arguments than the relay allowed", async () => {
    const owner = newAgent();
    const worker = newAgent();
    await worker.register();
    const root = await owner.delegate({ to: worker.did, cmd: "/social/post", expiresIn: 600 });
    const decision = await worker.invoke({
      cmd: "/social/post",
      args: { text: "approved" },
      chain: [root],
      resource: apiUrl,
    });
    const response = await worker.callResource(`${apiUrl}/posts`, {
      accessToken: decision.accessToken!,
      body: { text: "swapped" },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe("ERR_ACCESS_TOKEN_ARGS_MISMATCH");
  });

  it("has the resource refuse a stolen token without the session key", async () => {
    const owner = newAgent();
    const worker = newAgent();
    const thief = newAgent();
    await worker.register();
    await thief.register();
    const root = await owner.delegate({ to: worker.did, cmd: "/social/post", expiresIn: 600 });
    const decision = await worker.invoke({
      cmd: "/social/post",
      args: { text: "x" },
      chain: [root],
      resource: apiUrl,
    });
    const response = await thief.callResource(`${apiUrl}/posts`, {
      accessToken: decision.accessToken!,
      body: { text: "x" },
    });
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe("ERR_DPOP_KEY_MISMATCH");
  });

  it("has the resource refuse a missing token and a token for another command", async () => {
    const bare = await fetch(`${apiUrl}/posts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect((await bare.json()).code).toBe("ERR_ACCESS_TOKEN_INVALID");

    const owner = newAgent();
    const worker = newAgent();
    await worker.register();
    const root = await owner.delegate({ to: worker.did, cmd: "/social", expiresIn: 600 });
    const decision = await worker.invoke({
      cmd: "/social/draft",
      args: {},
      chain: [root],
      resource: apiUrl,
    });
    const response = await worker.callResource(`${apiUrl}/posts`, {
      accessToken: decision.accessToken!,
      body: {},
    });
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe("ERR_ACCESS_TOKEN_CMD_MISMATCH");
  });

  it("has the resource refuse an expired token", async () => {
    const owner = newAgent();
    const worker = newAgent();
    await worker.register();
    const root = await owner.delegate({ to: worker.did, cmd: "/social/post", expiresIn: 3600 });
    const decision = await worker.invoke({
      cmd: "/social/post",
      args: {},
      chain: [root],
      resource: apiUrl,
    });
    clock.now += 301;
    const response = await worker.callResource(`${apiUrl}/posts`, {
      accessToken: decision.accessToken!,
      body: {},
    });
    expect((await response.json()).code).toBe("ERR_ACCESS_TOKEN_EXPIRED");
  });

  it("runs an approval: pending, approve, then allow", async () => {
    const owner = newAgent();
    const kevin = newAgent();
    const stuart = newAgent();
    await kevin.register();
    await stuart.register();
    const root = await owner.delegate({ to: kevin.did, cmd: "/social", expiresIn: 86_400 });
    const child = await kevin.delegate({
      to: stuart.did,
      cmd: "/social/post",
      expiresIn: 3600,
      apr: { k: 1, of: [kevin.did] },
      parent: [root],
    });
    const pending = await stuart.invoke({
      cmd: "/social/post",
      args: { text: "ok?" },
      chain: [root, child],
      resource: apiUrl,
    });
    expect(pending.decision).toBe("pending");
    expect(await kevin.approve(pending.invocationHash)).toMatchObject({ satisfied: true });
    const allowed = await stuart.pending(pending.invocationHash);
    expect(allowed.decision).toBe("allow");
    const response = await stuart.callResource(`${apiUrl}/posts`, {
      accessToken: allowed.accessToken!,
      body: { text: "ok?" },
    });
    expect(response.status).toBe(200);
  });

  it("logs in again by itself when the session is about to expire", async () => {
    const worker = newAgent();
    await worker.register();
    const first = await worker.session();
    clock.now += 850;
    const second = await worker.session();
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(await worker.session()).toBe(second);
  });

  it("logs in once for calls that find the session expiring together, and they all succeed", async () => {
    const worker = newAgent();
    await worker.register();
    const first = await worker.session();
    clock.now += 850;
    const renewed = await Promise.all(Array.from({ length: 5 }, () => worker.session()));
    expect(new Set(renewed.map((session) => session.sessionId)).size).toBe(1);
    expect(renewed[0]!.sessionId).not.toBe(first.sessionId);
    const live = await worker.relay.listSessions(worker.did, renewed[0]!);
    expect(live.map((session) => session.id)).toEqual([renewed[0]!.sessionId]);
  });

  it("resumes a stored session without logging in", async () => {
    const signer = createSigner(generateKeyPair().seed);
    const first = new Agent({ relay: relay.url, signer, now: () => clock.now });
    await first.register();
    await first.login();
    const stored = first.exportSession()!;
    const second = new Agent({
      relay: relay.url,
      signer,
      now: () => clock.now,
      session: JSON.parse(JSON.stringify(stored)),
    });
    const sessions = await second.relay.listSessions(second.did, await second.session());
    expect(sessions.map((s) => s.id)).toEqual([stored.sessionId]);
  });

  it("signs a proof again once with the relay's DPoP-Nonce when its own is missing or stale", async () => {
    const worker = newAgent();
    await worker.register();
    const session = await worker.session();
    const statuses: { status: number; code?: string }[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      const body = response.status === 401 ? await response.clone().json() : undefined;
      statuses.push({ status: response.status, code: body?.code });
      return response;
    };
    try {
      // The login answer carried the nonce: no refusal.
      await worker.relay.listSessions(worker.did, session);
      expect(statuses).toEqual([{ status: 200 }]);
      // Two windows later the cached nonce is stale: one refusal, one retry with the new nonce.
      clock.now += 150;
      statuses.length = 0;
      const sessions = await worker.relay.listSessions(worker.did, await worker.session());
      expect(sessions).toHaveLength(1);
      expect(statuses).toEqual([{ status: 401, code: "ERR_DPOP_NONCE_REQUIRED" }, { status: 200 }]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it("surfaces the relay's refusal codes", async () => {
    const stranger = newAgent();
    await expect(stranger.login()).rejects.toMatchObject({ code: "ERR_AGENT_NOT_FOUND" });
    const offline = new Agent({
      relay: "http://127.0.0.1:9",
      signer: createSigner(generateKeyPair().seed),
    });
    await expect(offline.login()).rejects.toMatchObject({ code: "ERR_RELAY_UNREACHABLE" });
  });
});
