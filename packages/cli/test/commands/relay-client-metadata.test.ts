import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  type Ed25519Signer,
  encodeBase64url,
  generateKeyPair,
  publicKeyToJwk,
} from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `ants relay start --allow-private-client-metadata`: the operator's opt-in to fetch client ID
// metadata documents from loopback; without it the same URL is refused.
const BIN = join(import.meta.dirname, "..", "..", "bin", "ants.js");
const dir = mkdtempSync(join(tmpdir(), "ants-cimd-cli-"));
const clientKey = createSigner(generateKeyPair().seed);
const dpopKey = createSigner(generateKeyPair().seed);
const children: ChildProcess[] = [];
let server: Server;
let clientId: string;

const encode = (value: object) => encodeBase64url(Buffer.from(JSON.stringify(value)));

function signJwt(header: object, claims: object, signer: Ed25519Signer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${encodeBase64url(signer.sign(Buffer.from(input, "ascii")))}`;
}

/** Starts `ants relay start` trusting the test certificate, and waits for its URL. */
async function startRelay(extra: string[]): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      "relay",
      "start",
      "--port",
      "0",
      "--data",
      join(dir, `data-${children.length}`),
      ...extra,
    ],
    {
      env: {
        PATH: process.env.PATH ?? "",
        ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "10",
        NODE_EXTRA_CA_CERTS: join(dir, "cert.pem"),
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  children.push(child);
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      stderr += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (status) => reject(new Error(`relay exited with ${status}: ${stderr}`)));
  });
}

async function requestToken(relay: string) {
  const now = Math.floor(Date.now() / 1000);
  const tokenUrl = `${relay}/oauth/token`;
  const { kty, crv, x } = publicKeyToJwk(dpopKey.publicKey);
  const proof = signJwt(
    { typ: "dpop+jwt", alg: "EdDSA", jwk: { kty, crv, x } },
    { jti: randomBytes(12).toString("base64url"), htm: "POST", htu: tokenUrl, iat: now },
    dpopKey,
  );
  const assertion = signJwt(
    { alg: "EdDSA", typ: "JWT" },
    { iss: clientId, sub: clientId, aud: relay, iat: now, exp: now + 60, jti: `${Math.random()}` },
    clientKey,
  );
  const response = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", dpop: proof },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      resource: "https://api.example.com",
      scope: "/social/post",
    }),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  server = createServer(
    { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
    (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          client_id: clientId,
          jwks: { keys: [publicKeyToJwk(clientKey.publicKey)] },
          token_endpoint_auth_method: "private_key_jwt",
        }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  clientId = `https://localhost:${(server.address() as AddressInfo).port}/app/client.json`;
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("ants relay start --allow-private-client-metadata", () => {
  it("fetches a loopback client document only when the flag is given", async () => {
    const [allowing, strict] = await Promise.all([
      startRelay(["--allow-private-client-metadata"]),
      startRelay([]),
    ]);
    const allowed = await requestToken(allowing);
    expect(allowed.status).toBe(200);
    expect(allowed.body.token_type).toBe("DPoP");

    const refused = await requestToken(strict);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      error: "invalid_client",
      code: "ERR_CLIENT_METADATA_UNREACHABLE",
    });
  }, 60_000);
});
