import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRelay } from "../../src/app/build-relay.ts";

let app: FastifyInstance;
let url: string;
const dataDir = mkdtempSync(join(tmpdir(), "ants-foundation-"));

beforeAll(async () => {
  app = await buildRelay({
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    maxBodyBytes: 1024,
  });
  // A route with a strict body schema, to exercise the shared request handling.
  app.post(
    "/test/echo",
    {
      schema: {
        body: {
          type: "object",
          required: ["name", "count"],
          additionalProperties: false,
          properties: { name: { type: "string" }, count: { type: "integer" } },
        },
      },
    },
    async (request) => request.body,
  );
  app.get("/test/crash", async () => {
    throw new TypeError("secret internal detail");
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(path: string, body: string, contentType = "application/json") {
  const response = await fetch(url + path, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: await response.json(),
  };
}

describe("request handling", () => {
  it("answers /healthz", async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts a body that matches its schema exactly", async () => {
    const result = await post("/test/echo", '{"name":"a","count":2}');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ name: "a", count: 2 });
  });

  it("refuses an unknown field instead of stripping it", async () => {
    const result = await post("/test/echo", '{"name":"a","count":2,"admin":true}');
    expect(result.status).toBe(400);
    expect(result.type).toMatch(/^application\/problem\+json/);
    expect(result.body).toEqual({
      type: "urn:ants:error:ERR_REQUEST_UNKNOWN_FIELD",
      title: "Bad Request",
      status: 400,
      detail: 'body: unknown field "admin"',
      code: "ERR_REQUEST_UNKNOWN_FIELD",
    });
  });

  it("refuses a missing field", async () => {
    const result = await post("/test/echo", '{"name":"a"}');
    expect(result.body.code).toBe("ERR_REQUEST_FIELD_MISSING");
    expect(result.body.detail).toBe('body: missing field "count"');
  });

  it("refuses a wrong type instead of coercing it", async () => {
    const result = await post("/test/echo", '{"name":"a","count":"2"}');
    expect(result.status).toBe(400);
    expect(result.body.code).toBe("ERR_REQUEST_FIELD_INVALID");
    expect(result.body.detail).toBe("body.count: must be integer");
  });

  it("refuses a body that is not an object", async () => {
    for (const body of ["[]", "null", '"x"', "1"]) {
      const result = await post("/test/echo", body);
      expect(result.body.code, body).toBe("ERR_REQUEST_FIELD_INVALID");
    }
  });

  it("refuses bad JSON and an empty body with ERR_JSON_INVALID", async () => {
    for (const body of ["{bad", "", '{"name":"a",}', "\u0000"]) {
      const result = await post("/test/echo", body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.body.code).toBe("ERR_JSON_INVALID");
    }
  });

  it("refuses __proto__ as an unknown field", async () => {
    const result = await post("/test/echo", '{"name":"a","count":1,"__proto__":{"x":1}}');
    expect(result.body.code).toBe("ERR_REQUEST_UNKNOWN_FIELD");
  });

  it("refuses a body over the size cap with 413", async () => {
    const result = await post("/test/echo", JSON.stringify({ name: "x".repeat(2000), count: 1 }));
    expect(result.status).toBe(413);
    expect(result.body.code).toBe("ERR_BODY_TOO_LARGE");
  });

  it("refuses other media types with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      const result = await post("/test/echo", '{"name":"a","count":1}', type);
      expect(result.status, type).toBe(415);
      expect(result.body.code).toBe("ERR_CONTENT_TYPE_UNSUPPORTED");
    }
  });

  it("answers an unknown route with ERR_ROUTE_NOT_FOUND", async () => {
    const response = await fetch(`${url}/v1/nothing-here?x=1`);
    expect(response.status).toBe(404);
    expect((await response.json()).code).toBe("ERR_ROUTE_NOT_FOUND");
  });

  it("hides an internal fault behind ERR_INTERNAL without its message", async () => {
    const response = await fetch(`${url}/test/crash`);
    const body = await response.json();
    expect(response.status).toBe(500);
    expect(body.code).toBe("ERR_INTERNAL");
    expect(JSON.stringify(body)).not.toContain("secret");
  });

  it("answers a malformed percent-encoding in the path with a 4xx", async () => {
    const response = await fetch(`${url}/v1/agents/%E0%A4%A`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

describe("operations endpoints", () => {
  it("serves OpenAPI 3.1 with the problem details schema", async () => {
    const document = await (await fetch(`${url}/openapi.json`)).json();
    expect(document.openapi).toBe("3.1.0");
    expect(document.paths["/healthz"].get).toBeDefined();
    expect(document.components.schemas.ProblemDetails.required).toContain("code");
  });

  it("serves Prometheus metrics with request counts by route", async () => {
    await fetch(`${url}/healthz`);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(
      /ants_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(text).toContain("ants_http_request_duration_seconds_bucket");
    expect(text).toMatch(
      /ants_unauthenticated_failures_total\{route="\/test\/echo",code="ERR_JSON_INVALID"\}/,
    );
  });
});
