import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackWorld, startAttackWorld } from "./attack-world.ts";

// Issue 13, attack suite: requests refused before any route runs still get a coded answer.
let world: AttackWorld;
beforeAll(async () => {
  world = await startAttackWorld();
});
afterAll(async () => {
  await world.close();
});

/** A raw HTTP answer: status, media type and parsed JSON body. */
interface RawAnswer {
  status: number;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field.
  body: any;
}

/** Writes raw bytes to the relay and reads the whole answer until the relay closes. */
function raw(request: string): Promise<RawAnswer> {
  const { port } = new URL(world.relay.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString();
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({
        status: Number(head.split(" ")[1]),
        type: /content-type: ([^\r]*)/i.exec(head)?.[1] ?? "",
        body: JSON.parse(body),
      });
    });
    socket.end(request);
  });
}

function get(path: string, headers = ""): Promise<RawAnswer> {
  return raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);
}

describe("requests refused before routing", () => {
  it("answers a URL with broken percent-encoding with ERR_URL_INVALID", async () => {
    const answer = await get("/v1/agents/%E0%A4%A");
    expect(answer.status).toBe(400);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe("ERR_URL_INVALID");
  });

  it("answers an over-long path segment with ERR_URL_INVALID, without echoing it", async () => {
    const answer = await get(`/v1/agents/did:key:z${"a".repeat(500)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_URL_INVALID");
    expect(JSON.stringify(answer.body)).not.toContain("a".repeat(100));
  });

  it("answers oversized headers with ERR_HEADERS_TOO_LARGE", async () => {
    const answer = await get("/healthz", `x-filler: ${"a".repeat(100_000)}\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe("ERR_HEADERS_TOO_LARGE");
  });

  it("answers a malformed request line with ERR_REQUEST_FIELD_INVALID", async () => {
    const answer = await raw("NOT HTTP AT ALL\r\n\r\n");
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_REQUEST_FIELD_INVALID");
  });

  it("still serves the next client", async () => {
    const answer = await get("/healthz");
    expect(answer.status).toBe(200);
  });
});
