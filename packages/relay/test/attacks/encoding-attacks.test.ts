import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackWorld, startAttackWorld } from "./attack-world.ts";

// Issue 13, small faults: a body in a coding or charset the relay does not read is refused
// before parsing, and a known path asked with the wrong method is a 405, not a 404.
let world: AttackWorld;
beforeAll(async () => {
  world = await startAttackWorld({ preAuthFailuresPerMinute: 1_000_000 });
});
afterAll(async () => {
  await world.close();
});

async function send(method: string, path: string, headers: Record<string, string>, body?: Buffer) {
  const answer = await fetch(world.relay.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: new Uint8Array(body) }),
  });
  return { status: answer.status, headers: answer.headers, body: await answer.json() };
}

const JSON_TYPE = { "content-type": "application/json" };

describe("content codings", () => {
  it.each(["gzip", "deflate", "br", "x-anything", "identity, gzip"])(
    "refuses a body in content-encoding %s with ERR_CONTENT_ENCODING_UNSUPPORTED",
    async (coding) => {
      const body = gzipSync(Buffer.from('{"registration":"a.b.c"}'));
      const answer = await send(
        "POST",
        "/v1/agents",
        { ...JSON_TYPE, "content-encoding": coding },
        body,
      );
      expect(answer.status).toBe(415);
      expect(answer.body.code).toBe("ERR_CONTENT_ENCODING_UNSUPPORTED");
    },
  );

  it("reads an identity body as before", async () => {
    const body = Buffer.from('{"registration":"a.b.c"}');
    const answer = await send(
      "POST",
      "/v1/agents",
      { ...JSON_TYPE, "content-encoding": "identity" },
      body,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).not.toBe("ERR_CONTENT_ENCODING_UNSUPPORTED");
  });
});

describe("charsets", () => {
  it.each(["iso-8859-1", "utf-16", '"latin1"', "us-ascii"])(
    "refuses application/json; charset=%s with ERR_CONTENT_TYPE_UNSUPPORTED",
    async (charset) => {
      const headers = { "content-type": `application/json; charset=${charset}` };
      const answer = await send("POST", "/v1/agents", headers, Buffer.from("{}"));
      expect(answer.status).toBe(415);
      expect(answer.body.code).toBe("ERR_CONTENT_TYPE_UNSUPPORTED");
    },
  );

  it("refuses a form body in another charset at the token endpoint", async () => {
    const headers = { "content-type": "application/x-www-form-urlencoded; charset=iso-8859-1" };
    const answer = await send("POST", "/oauth/token", headers, Buffer.from("grant_type=x"));
    // RFC 6749 section 5.2: the token endpoint answers its refusals as invalid_request, 400.
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: "invalid_request",
      code: "ERR_CONTENT_TYPE_UNSUPPORTED",
    });
  });

  it("refuses a gzip form body at the token endpoint as invalid_request", async () => {
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      "content-encoding": "gzip",
    };
    const answer = await send("POST", "/oauth/token", headers, gzipSync("grant_type=x"));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: "invalid_request",
      code: "ERR_CONTENT_ENCODING_UNSUPPORTED",
    });
  });

  it.each(["utf-8", "UTF-8", '"utf-8"'])("accepts charset=%s", async (charset) => {
    const headers = { "content-type": `application/json; charset=${charset}` };
    const answer = await send("POST", "/v1/agents", headers, Buffer.from("{}"));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_REQUEST_FIELD_MISSING");
  });
});

describe("methods", () => {
  it("answers DELETE on /v1/agents with 405 ERR_METHOD_NOT_ALLOWED and an Allow header", async () => {
    const answer = await send("DELETE", "/v1/agents", {});
    expect(answer.status).toBe(405);
    expect(answer.body.code).toBe("ERR_METHOD_NOT_ALLOWED");
    expect(answer.headers.get("allow")).toBe("POST");
  });

  it("matches paths with parameters: PUT on an agent's page is a 405 listing GET", async () => {
    const answer = await send("PUT", "/v1/agents/did:key:zabc", {});
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")?.split(", ")).toEqual(
      expect.arrayContaining(["GET", "HEAD"]),
    );
  });

  it("still answers an unknown path with 404 ERR_ROUTE_NOT_FOUND", async () => {
    const answer = await send("GET", "/v1/nothing-here", {});
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe("ERR_ROUTE_NOT_FOUND");
  });
});
