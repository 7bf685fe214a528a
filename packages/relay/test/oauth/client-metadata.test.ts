import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, generateKeyPair, publicKeyToJwk } from "@ants/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseClientIdUrl } from "../../src/oauth/client-id-url.ts";
import { isPublicAddress } from "../../src/oauth/public-address.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { assertionFor, postForm, signJwt, tokenProof } from "./oauth-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const dpopKey = createSigner(generateKeyPair().seed);
/** The foreign client's key, listed in its documents: it is no agent of the relay. */
const clientKey = createSigner(generateKeyPair().seed);
const certDir = mkdtempSync(join(tmpdir(), "ants-cimd-"));
let cert: string;
let server: Server;
let origin: string;
const hits = new Map<string, number>();
/** Answers held open by the slow path, so a test can end them. */
const held: import("node:http").ServerResponse[] = [];
/** Once set, the slow path answers 503 at once instead of holding the answer. */
let releaseSlow = false;
let relay: TestRelay;
let strictRelay: TestRelay;
let target: RelayTarget;

/** What the document server answers per path, given the URL it is served at. */
const documents: Record<
  string,
  (url: string) => { status?: number; body: string; headers?: object }
> = {
  "/good/client.json": (url) => ({ body: JSON.stringify(documentFor(url)) }),
  "/cached/client.json": (url) => ({ body: JSON.stringify(documentFor(url)) }),
  "/redirect/client.json": () => ({
    status: 302,
    body: "",
    headers: { location: `${origin}/good/client.json` },
  }),
  "/big/client.json": (url) => ({
    body: JSON.stringify({ ...documentFor(url), padding: "x".repeat(6000) }),
  }),
  "/mismatch/client.json": () => ({ body: JSON.stringify(documentFor(`${origin}/other.json`)) }),
  "/bad-json/client.json": () => ({ body: "{not json" }),
  "/no-keys/client.json": (url) => ({
    body: JSON.stringify({ ...documentFor(url), jwks: { keys: [] } }),
  }),
  "/rsa-key/client.json": (url) => ({
    body: JSON.stringify({
      ...documentFor(url),
      jwks: { keys: [{ kty: "RSA", n: "AQAB", e: "AQAB" }] },
    }),
  }),
  "/secret/client.json": (url) => ({
    body: JSON.stringify({ ...documentFor(url), client_secret: "s3cret" }),
  }),
  "/not-found/client.json": () => ({ status: 404, body: "{}" }),
};

function documentFor(url: string) {
  return {
    client_id: url,
    client_name: "Foreign client",
    jwks: { keys: [{ ...publicKeyToJwk(clientKey.publicKey), alg: "EdDSA" }] },
    token_endpoint_auth_method: "private_key_jwt",
    grant_types: ["client_credentials"],
  };
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
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      join(certDir, "key.pem"),
      "-out",
      join(certDir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  cert = readFileSync(join(certDir, "cert.pem"), "utf8");
  server = createServer(
    { key: readFileSync(join(certDir, "key.pem")), cert },
    (request, response) => {
      const path = (request.url ?? "").split("?")[0]!;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      // Never answers: the relay's deadline must end the wait.
      if (path === "/slow/client.json" && !releaseSlow) {
        held.push(response);
        return;
      }
      const host = request.headers.host ?? "";
      const answer = documents[path]?.(`https://${host}${path}`) ?? { status: 404, body: "" };
      response.writeHead(answer.status ?? 200, {
        "content-type": "application/json",
        ...answer.headers,
      });
      response.end(answer.body);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  relay = await startTestRelay({
    now: () => clock.now,
    clientMetadata: { allowPrivateAddresses: true, ca: cert, timeoutMs: 800 },
  });
  strictRelay = await startTestRelay({ now: () => clock.now, clientMetadata: { ca: cert } });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([relay.close(), strictRelay.close()]);
  rmSync(certDir, { recursive: true, force: true });
});
beforeEach(() => {
  clock.now += 1000;
});

/** A client_credentials request by `clientId`, its assertion signed by `signer`. */
function requestToken(clientId: string, signer = clientKey, at: TestRelay = relay) {
  const claims = {
    iss: clientId,
    sub: clientId,
    aud: at.url,
    iat: clock.now,
    exp: clock.now + 60,
    jti: `jti-${Math.random()}`,
  };
  return postForm(
    `${at.url}/oauth/token`,
    {
      grant_type: "client_credentials",
      client_id: clientId,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: signJwt({ alg: "EdDSA", typ: "JWT" }, claims, signer),
      resource: "https://api.example.com",
      scope: "/social/post",
    },
    { dpop: tokenProof(dpopKey, clock, `${at.url}/oauth/token`) },
  );
}

describe("the relay serves each agent's client ID metadata document", () => {
  it("at /agents/{id}/client.json and under /v1, with the agent's key", async () => {
    const kevin = new TestAgent(target, clock);
    expect((await kevin.register()).status).toBe(201);
    const url = `${relay.url}/agents/${kevin.did}/client.json`;
    const answer = await send(target, "GET", `/agents/${kevin.did}/client.json`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      client_id: url,
      client_name: kevin.did,
      jwks: { keys: [{ ...publicKeyToJwk(kevin.signer.publicKey), alg: "EdDSA", use: "sig" }] },
      token_endpoint_auth_method: "private_key_jwt",
      token_endpoint_auth_signing_alg: "EdDSA",
      grant_types: [
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "urn:ietf:params:oauth:grant-type:token-exchange",
      ],
      response_types: [],
      dpop_bound_access_tokens: true,
    });
    const underV1 = await send(target, "GET", `/v1/agents/${kevin.did}/client.json`);
    expect(underV1.body.jwks).toEqual(answer.body.jwks);
    const metadata = await send(target, "GET", "/.well-known/oauth-authorization-server");
    expect(metadata.body.client_id_metadata_document_supported).toBe(true);
  });

  it("answers 404 ERR_AGENT_NOT_FOUND for an unknown agent", async () => {
    const answer = await send(target, "GET", "/agents/did:key:z6MkUnknown/client.json");
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe("ERR_AGENT_NOT_FOUND");
  });

  it("accepts its own document URL as client_id, naming the agent, without a fetch", async () => {
    const kevin = new TestAgent(target, clock);
    expect((await kevin.register()).status).toBe(201);
    const clientId = `${relay.url}/agents/${kevin.did}/client.json`;
    const answer = await postForm(
      `${relay.url}/oauth/token`,
      {
        grant_type: "client_credentials",
        client_id: clientId,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertionFor(kevin, clock, relay.url, { iss: clientId, sub: clientId }),
        resource: "https://api.example.com",
        scope: "/social/post",
      },
      { dpop: tokenProof(dpopKey, clock, `${relay.url}/oauth/token`) },
    );
    expect(answer.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from(answer.body.access_token.split(".")[1], "base64url").toString(),
    );
    expect(claims).toMatchObject({ sub: kevin.did, client_id: kevin.did });
  });
});

describe("an https client_id URL", () => {
  it("is fetched, checked and used: the token names the URL as client", async () => {
    const clientId = `${origin}/good/client.json`;
    const answer = await requestToken(clientId);
    expect(answer.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from(answer.body.access_token.split(".")[1], "base64url").toString(),
    );
    expect(claims).toMatchObject({ sub: clientId, client_id: clientId, act: { sub: clientId } });
  });

  it("is cached briefly: a second token within the cache does not fetch again", async () => {
    const clientId = `${origin}/cached/client.json`;
    expect((await requestToken(clientId)).status).toBe(200);
    expect((await requestToken(clientId)).status).toBe(200);
    expect(hits.get("/cached/client.json")).toBe(1);
  });

  it("refuses an assertion signed by a key the document does not list", async () => {
    const other = createSigner(generateKeyPair().seed);
    const answer = await requestToken(`${origin}/good/client.json`, other);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: "invalid_client", code: "ERR_ASSERTION_INVALID" });
  });

  const refusals: [string, string, string][] = [
    ["a redirect", "/redirect/client.json", "ERR_CLIENT_METADATA_UNREACHABLE"],
    ["a document over the size cap", "/big/client.json", "ERR_CLIENT_METADATA_INVALID"],
    [
      "a server that does not answer in time",
      "/slow/client.json",
      "ERR_CLIENT_METADATA_UNREACHABLE",
    ],
    ["a document for another client_id", "/mismatch/client.json", "ERR_CLIENT_METADATA_INVALID"],
    ["a document that is not JSON", "/bad-json/client.json", "ERR_CLIENT_METADATA_INVALID"],
    ["a document without keys", "/no-keys/client.json", "ERR_CLIENT_METADATA_INVALID"],
    [
      "a document with a key that is not Ed25519",
      "/rsa-key/client.json",
      "ERR_CLIENT_METADATA_INVALID",
    ],
    ["a document with a client secret", "/secret/client.json", "ERR_CLIENT_METADATA_INVALID"],
    ["a 404", "/not-found/client.json", "ERR_CLIENT_METADATA_UNREACHABLE"],
  ];
  for (const [name, path, code] of refusals) {
    it(`refuses ${name} with invalid_client and ${code}`, async () => {
      const answer = await requestToken(origin + path);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: "invalid_client", code });
    });
  }

  it("answers a failed URL from memory for a while instead of fetching it again", async () => {
    const path = "/bad-json/client.json";
    const before = hits.get(path) ?? 0;
    const first = await requestToken(`${origin}${path}?again`);
    const second = await requestToken(`${origin}${path}?again`);
    expect([first.body.code, second.body.code]).toEqual([
      "ERR_CLIENT_METADATA_INVALID",
      "ERR_CLIENT_METADATA_INVALID",
    ]);
    expect(hits.get(path)).toBe(before + 1);
  });

  it("keeps at most 8 fetches in flight and refuses beyond", async () => {
    // A long deadline, so all nine requests meet while the first eight still wait.
    const patient = await startTestRelay({
      now: () => clock.now,
      clientMetadata: { allowPrivateAddresses: true, ca: cert, timeoutMs: 30_000 },
    });
    try {
      const pending = Array.from({ length: 9 }, (_, n) =>
        requestToken(`${origin}/slow/client.json?n=${n}`, clientKey, patient),
      );
      const first = await Promise.race(pending);
      expect(first.body.detail).toContain("too many client documents being fetched");
      // Ends the eight waiting fetches at once instead of at their deadline.
      releaseSlow = true;
      for (const response of held.splice(0)) response.destroy();
      const answers = await Promise.all(pending);
      for (const answer of answers) {
        expect(answer.body).toMatchObject({
          error: "invalid_client",
          code: "ERR_CLIENT_METADATA_UNREACHABLE",
        });
      }
      const busy = answers.filter((answer) => answer.body.detail.includes("too many"));
      expect(busy).toHaveLength(1);
    } finally {
      releaseSlow = false;
      await patient.close();
    }
  }, 20_000);

  it("refuses private and loopback addresses unless the operator allows them", async () => {
    const port = new URL(origin).port;
    // By name (checked on the address it resolves to), as an address literal, and IPv4-mapped.
    for (const host of ["localhost", "127.0.0.1", "[::ffff:7f00:1]"]) {
      const answer = await requestToken(
        `https://${host}:${port}/good/client.json`,
        clientKey,
        strictRelay,
      );
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({
        error: "invalid_client",
        code: "ERR_CLIENT_METADATA_UNREACHABLE",
      });
      expect(answer.body.detail).toContain("private");
    }
  });

  it("refuses a client_id URL that is not https, or has a fragment or dot segments", async () => {
    for (const clientId of [
      "http://app.example.com/client.json",
      "https://app.example.com/client.json#x",
      "https://app.example.com/a/../client.json",
      "https://app.example.com/",
      "https://user@app.example.com/client.json",
    ]) {
      const answer = await requestToken(clientId);
      expect(answer.body).toMatchObject({
        error: "invalid_client",
        code: "ERR_CLIENT_METADATA_INVALID",
      });
    }
  });
});

describe("address and URL checks", () => {
  it("tells public addresses from private, loopback, link-local and mapped ones", () => {
    const cases: [string, boolean][] = [
      ["93.184.216.34", true],
      ["2606:2800:220:1:248:1893:25c8:1946", true],
      ["10.1.2.3", false],
      ["172.16.0.1", false],
      ["192.168.1.1", false],
      ["127.0.0.1", false],
      ["169.254.169.254", false],
      ["100.64.0.1", false],
      ["0.0.0.0", false],
      ["::1", false],
      ["::", false],
      ["fe80::1", false],
      ["fd00::1", false],
      ["::ffff:127.0.0.1", false],
      ["::ffff:7f00:1", false],
      ["::ffff:5db8:d822", true],
      ["not-an-ip", false],
    ];
    for (const [address, expected] of cases)
      expect([address, isPublicAddress(address)]).toEqual([address, expected]);
  });

  it("accepts an https URL with a path in normal form", () => {
    expect(parseClientIdUrl("https://app.example.com/oauth/client.json?v=1").host).toBe(
      "app.example.com",
    );
  });
});
