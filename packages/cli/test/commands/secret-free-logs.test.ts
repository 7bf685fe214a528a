import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOAuthFetch } from "@ants/client";
import { createSigner, didFromPublicKey, encodeBase64url, generateKeyPair } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecretMaterial } from "../../../relay/test/helpers/secret-scan.ts";
import { ants, freshHome, type Result, withOptions } from "../support/run-cli.ts";

// Issue 13: a representative relay and CLI scenario (register, login, delegate, invoke with an
// approval, approve, revoke, an OAuth token) with the relay logging at debug level. Nothing the
// relay logs or the CLI prints may hold a seed, a private JWK `d`, an age identity, a
// passphrase, a session or access token, a compact JWS or an Authorization or DPoP header
// value; the only exception is the one token a command exists to print (`ants delegate`
// prints its delegation, `ants invoke` the access token it obtained, `ants revoke` the public
// revocation entry with its signed request).
const dataDir = mkdtempSync(join(tmpdir(), "ants-secret-logs-"));
const relayLog: string[] = [];
const cliOutput: string[] = [];
/** Every secret value the scenario handled, each with what it is. */
const secrets = new Map<string, string>();
let relay: RunningRelay;

interface Identity {
  name: string;
  home: string;
  did: string;
  passphrase: string;
  signer: ReturnType<typeof createSigner>;
}

function remember(value: string, what: string): void {
  if (value.length >= 12) secrets.set(value, what);
}

async function identity(name: string): Promise<Identity> {
  const home = await freshHome();
  const { seed } = generateKeyPair();
  const passphrase = `pass-${randomBytes(12).toString("hex")}`;
  remember(Buffer.from(seed).toString("hex"), `${name}'s seed (hex)`);
  remember(encodeBase64url(seed), `${name}'s private JWK d`);
  remember(Buffer.from(seed).toString("base64"), `${name}'s seed (base64)`);
  remember(passphrase, `${name}'s passphrase`);
  const seedFile = join(home, "seed.hex");
  writeFileSync(seedFile, Buffer.from(seed).toString("hex"));
  const imported = await ants(["key", "import", "--seed-file", seedFile, "--home", home], {
    ANTS_PASSPHRASE: passphrase,
  });
  expect(imported.status).toBe(0);
  rmSync(seedFile);
  const signer = createSigner(seed);
  return { name, home, did: didFromPublicKey(signer.publicKey), passphrase, signer };
}

/** Runs a command as `who`; `product` is the token the command exists to print, if any. */
async function run(who: Identity, args: string[], product?: (result: Result) => string) {
  const result = await ants(withOptions(args, ["--home", who.home]), {
    ANTS_RELAY: relay.url,
    ANTS_PASSPHRASE: who.passphrase,
  });
  const allowed = product?.(result);
  const stdout = allowed === undefined ? result.stdout : result.stdout.split(allowed).join("");
  cliOutput.push(stdout, result.stderr);
  return result;
}

/** Session files the CLI stored: the session token and the session key's seed are secrets. */
function rememberSessions(who: Identity): void {
  const directory = join(who.home, "sessions");
  for (const file of readdirSync(directory)) {
    const stored = JSON.parse(readFileSync(join(directory, file), "utf8"));
    remember(stored.token, `${who.name}'s session token`);
    remember(stored.sessionKey, `${who.name}'s session key`);
  }
}

/** Credentials every request carried, as the relay's HTTP server received them. */
function recordHeaders(request: IncomingMessage): void {
  const { authorization, dpop } = request.headers;
  if (typeof authorization === "string") {
    remember(authorization, "an Authorization header");
    remember(authorization.replace(/^\S+\s+/, ""), "a token from an Authorization header");
  }
  if (typeof dpop === "string") remember(dpop, "a DPoP header");
}

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "debug", destination: { write: (line: string) => relayLog.push(line) } },
    processMetrics: false,
  });
  relay.app.server.prependListener("request", recordHeaders);
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scenario(): Promise<void> {
  const owner = await identity("owner");
  const kevin = await identity("kevin");
  const stuart = await identity("stuart");
  for (const who of [owner, kevin, stuart]) {
    expect((await run(who, ["register", "--json"])).status).toBe(0);
    expect((await run(who, ["login", "--json"])).status).toBe(0);
    rememberSessions(who);
  }
  const tokenOf = (result: Result) => (JSON.parse(result.stdout) as { token: string }).token;
  const rootRun = await run(
    owner,
    ["delegate", "--to", kevin.did, "--cmd", "/social", "--json"],
    tokenOf,
  );
  const root = tokenOf(rootRun);
  const childArgs = [
    "delegate",
    "--to",
    stuart.did,
    "--cmd",
    "/social/post",
    "--approvers",
    kevin.did,
  ];
  const child = tokenOf(await run(kevin, [...childArgs, "--parent", root, "--json"], tokenOf));
  remember(root, "a delegation");
  remember(child, "a delegation");

  const invoke = ["invoke", "--cmd", "/social/post", "--chain", root, child, "--json"];
  const pending = JSON.parse((await run(stuart, invoke)).stdout);
  expect(pending.decision).toBe("pending");
  expect((await run(kevin, ["approve", "--json", "--", pending.invocationHash])).status).toBe(0);

  const accessOf = (result: Result) =>
    (JSON.parse(result.stdout) as { accessToken: string }).accessToken;
  const draft = [
    "invoke",
    "--cmd",
    "/social/draft",
    "--chain",
    root,
    "--resource",
    "https://api.example",
    "--json",
  ];
  const allowed = await run(kevin, draft, accessOf);
  remember(accessOf(allowed), "an access token");
  // The revocation entry is public (GET /v1/revocations serves it), its signed request included.
  const requestOf = (result: Result) => JSON.parse(result.stdout).entry.request as string;
  expect((await run(owner, ["revoke", "--token", root, "--json"], requestOf)).status).toBe(0);

  const api = createOAuthFetch({
    issuer: relay.url,
    agent: { did: kevin.did, signer: kevin.signer },
    resource: "https://api.example",
    scope: "/social/post",
    fetch: async (input, init) => {
      if (String(input).startsWith(relay.url)) return fetch(input, init);
      // The resource server: record what the client presented, answer 200.
      new Headers(init?.headers).forEach((value, name) => {
        remember(value, `the ${name} header`);
      });
      return new Response("{}", { status: 200 });
    },
  });
  expect((await api("https://api.example/posts", { method: "POST", body: "{}" })).status).toBe(200);
}

/** What of `secrets`, and what looks like key material or a token, each text holds. */
function findSecrets(texts: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const [value, what] of secrets) if (text.includes(value)) found.push(`${where}: ${what}`);
    // The patterns the whole suite's log scan uses too (relay/test/helpers/secret-scan.ts).
    for (const { line, pattern } of findSecretMaterial(text)) {
      found.push(`${where}: ${pattern} (line ${line})`);
    }
  }
  return found;
}

describe("logs and CLI output hold no secrets", () => {
  it("runs the scenario with the relay logging at debug, and finds no secret in any output", async () => {
    await scenario();
    // The check can fail: the scenario produced secrets, and the relay did log.
    expect(secrets.size).toBeGreaterThan(20);
    expect(relayLog.length).toBeGreaterThan(20);
    expect(
      findSecrets({ "relay log": relayLog.join(""), "CLI output": cliOutput.join("\n") }),
    ).toEqual([]);
  }, 120_000);

  it("would report a planted token, passphrase or key", () => {
    const [value, what] = [...secrets].find(([, name]) => name.includes("passphrase"))!;
    const line = `{"msg":"x","pass":"${value}","jwk":{"d":"abc"}} AGE-SECRET-KEY-1QQ`;
    expect(findSecrets({ planted: line })).toEqual([
      `planted: ${what}`,
      "planted: an age identity (line 1)",
      "planted: a private JWK member (line 1)",
    ]);
  });
});
