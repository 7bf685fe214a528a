import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AntsOAuthClientProvider,
  createKeystoreFile,
  openKeystoreFile,
  RelayClient,
  RevocationFeed,
  submitRevocation,
} from "@ants/client";
import {
  createSigner,
  generateKeyPair,
  jwkThumbprint,
  signRegistration,
  signRevocationRequest,
} from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { type ServerType, serve } from "@hono/node-server";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMcpApp, MCP_PATH } from "../../mcp-server/src/mcp-server.ts";
import { connectMcpAgent } from "../src/mcp-agent.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ants-mcp-"));
const PASSPHRASE = "correct horse battery staple";
let relay: RunningRelay;
let feed: RevocationFeed;
let server: ServerType;
let mcpUrl: string;
/** Every answer the MCP server gave the agent, in order. */
const answers: { status: number; challenge: string | null; body: string }[] = [];

const now = () => Math.floor(Date.now() / 1000);

/** A fetch that records the MCP server's answers, so the test can read the refusal itself. */
const recording: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  if (url === mcpUrl) {
    answers.push({
      status: response.status,
      challenge: response.headers.get("www-authenticate"),
      body: await response.clone().text(),
    });
  }
  return response;
};

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    revocation: { heartbeatMs: 50, snapshotTtlSeconds: 60, pollMs: 0 },
  });
  feed = await RevocationFeed.follow({ relay: relay.url });
  let app: ReturnType<typeof buildMcpApp> | undefined;
  server = await new Promise<ServerType>((resolve) => {
    const listening = serve(
      { fetch: (request) => app!.fetch(request), port: 0, hostname: "127.0.0.1" },
      () => resolve(listening),
    );
  });
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app = buildMcpApp({ relayUrl: relay.url, publicUrl, revocations: feed });
  mcpUrl = publicUrl + MCP_PATH;
});
afterAll(async () => {
  await feed.close();
  await new Promise((resolve) => server.close(resolve));
  // The feed's aborted stream leaves pooled sockets the relay would otherwise wait for.
  const closing = relay.close();
  relay.app.server.closeAllConnections();
  await closing;
  rmSync(dataDir, { recursive: true, force: true });
});

/** A new agent with its keystore file, registered at the relay. */
async function registeredAgent(): Promise<{ keystore: string; did: string }> {
  const seed = generateKeyPair().seed;
  const keystore = join(mkdtempSync(join(dataDir, "agent-")), "identity.age");
  const { did } = await createKeystoreFile(keystore, seed, PASSPHRASE, {
    insecureWorkFactorLog2ForTests: 10,
  });
  const registration = signRegistration(
    { aud: relay.app.relay.identity.did, instances: 1 },
    { signer: createSigner(seed), now: now() },
  );
  const registered = await fetch(`${relay.url}/v1/agents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registration }),
  });
  expect(registered.status).toBe(201);
  return { keystore, did };
}

describe("the example MCP agent and server, headless against a real relay", () => {
  it("lists and calls tools, then is refused by the server once its key is revoked", async () => {
    const { keystore, did } = await registeredAgent();
    const provider = await AntsOAuthClientProvider.fromKeystore({
      keystore,
      passphrase: PASSPHRASE,
      issuer: relay.url,
      scope: "/mcp/tools",
      fetch: recording,
    });
    let client: Client | undefined;
    try {
      client = await connectMcpAgent(mcpUrl, provider);
      // The first request went out without a token and got the bare challenge; the SDK then
      // found the relay through the server's metadata and came back with a DPoP-bound token.
      expect(answers[0]).toMatchObject({ status: 401 });
      expect(answers[0]!.challenge).toContain("resource_metadata=");

      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(["add", "whoami"]);
      const sum = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
      expect(sum.content).toEqual([{ type: "text", text: "5" }]);
      const whoami = await client.callTool({ name: "whoami" });
      expect(whoami.structuredContent).toMatchObject({
        agent: did,
        principal: did,
        actors: [did],
        command: "/mcp/tools",
      });

      const seq = await revokeOwnKey(keystore);
      // The server reads revocations from its followed feed, not per request: wait until the
      // entry has arrived (within the feed's staleness bound), then call again.
      for (let i = 0; i < 300 && feed.seq < seq; i++) await new Promise((r) => setTimeout(r, 10));
      expect(feed.seq).toBeGreaterThanOrEqual(seq);
      const before = answers.length;

      // The server's 401 makes the SDK ask the relay for a fresh token once; the relay refuses
      // the revoked agent (invalid_grant), and that refusal is what the call rejects with.
      await expect(
        client.callTool({ name: "add", arguments: { a: 1, b: 1 } }),
      ).rejects.toMatchObject({ errorCode: "invalid_grant", message: "client: revoked" });
      const refusal = answers[before]!;
      expect(refusal.status).toBe(401);
      expect(refusal.challenge).toContain('error="invalid_token"');
      expect(JSON.parse(refusal.body)).toMatchObject({
        error: "invalid_token",
        code: "ERR_REVOKED_KEY",
      });
      // No request reached the server after its refusal.
      expect(answers.length).toBe(before + 1);
    } finally {
      await client?.close();
    }
  });
});

describe("an agent presenting its client ID metadata document URL", () => {
  it("is the same caller to the server as with its did:key", async () => {
    const { keystore, did } = await registeredAgent();
    const provider = await AntsOAuthClientProvider.fromKeystore({
      keystore,
      passphrase: PASSPHRASE,
      issuer: relay.url,
      clientId: `${relay.url}/agents/${did}/client.json`,
      scope: "/mcp/tools",
    });
    const client = await connectMcpAgent(mcpUrl, provider);
    try {
      const whoami = await client.callTool({ name: "whoami" });
      expect(whoami.structuredContent).toMatchObject({ agent: did, principal: did });
    } finally {
      await client.close();
    }
  });
});

describe("the example programs", () => {
  it("run from their bin scripts: the agent prints the tools and the server's answers", async () => {
    const { keystore, did } = await registeredAgent();
    const serverBin = fileURLToPath(new URL("../../mcp-server/bin/mcp-server.js", import.meta.url));
    const agentBin = fileURLToPath(new URL("../bin/mcp-agent.js", import.meta.url));
    const server = spawn(process.execPath, [serverBin, "--relay", relay.url, "--port", "0"]);
    try {
      const listening = await lineOf(server, /listening on (\S+),/);
      const agent = spawn(
        process.execPath,
        [agentBin, "--relay", relay.url, "--server", listening, "--keystore", keystore],
        { env: { ...process.env, ANTS_PASSPHRASE: PASSPHRASE } },
      );
      const { code, stdout } = await exitOf(agent);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        tools: ["add", "whoami"],
        whoami: expect.objectContaining({ agent: did, principal: did, command: "/mcp/tools" }),
        add: [{ type: "text", text: "5" }],
      });
    } finally {
      server.kill();
    }
    // Two processes that compile TypeScript on start: seconds alone, longer on a loaded machine.
  }, 60_000);
});

/** Resolves the first capture of `pattern` in the child's stderr. */
function lineOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match !== null) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code} before: ${text}`)));
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; stdout: string }> {
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}

/** The agent revokes its own identity key at the relay; resolves the entry's sequence number. */
async function revokeOwnKey(keystore: string): Promise<number> {
  const { signer } = await openKeystoreFile(keystore, PASSPHRASE);
  const request = signRevocationRequest(
    { aud: relay.app.relay.identity.did, kind: "key", target: jwkThumbprint(signer.publicKey) },
    { signer, now: now() },
  );
  const { entry } = await submitRevocation(new RelayClient({ url: relay.url }), { request });
  return entry.seq;
}
