import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

let relay: TestRelay;
// biome-ignore lint/suspicious/noExplicitAny: the document is walked generically.
let document: any;

beforeAll(async () => {
  relay = await startTestRelay();
  document = await (await fetch(`${relay.url}/openapi.json`)).json();
});
afterAll(async () => {
  await relay.close();
});

// biome-ignore lint/suspicious/noExplicitAny: JSON schema nodes of any shape.
function objectsWithoutClosedProperties(schema: any, where: string, found: string[]): string[] {
  if (schema === null || typeof schema !== "object") return found;
  if (
    schema.type === "object" &&
    schema.properties !== undefined &&
    schema.additionalProperties !== false
  ) {
    found.push(where);
  }
  for (const [key, value] of Object.entries(schema))
    objectsWithoutClosedProperties(value, `${where}.${key}`, found);
  return found;
}

describe("the OpenAPI document", () => {
  it("documents the relay's endpoints", () => {
    for (const path of [
      "/v1/agents",
      "/v1/sessions/challenge",
      "/v1/sessions",
      "/v1/authorize",
      "/v1/authorize/{hash}",
      "/v1/approvals",
      "/v1/agents/{id}/sessions",
      "/.well-known/ants-relay",
      "/.well-known/jwks.json",
      "/healthz",
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
  });

  it("closes every request body and parameter object with additionalProperties: false", () => {
    const open: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(
        operations as Record<string, { requestBody?: unknown; parameters?: unknown }>,
      )) {
        objectsWithoutClosedProperties(operation.requestBody, `${method} ${path} body`, open);
      }
    }
    expect(open).toEqual([]);
  });

  it("describes every error as problem details with a code from the closed list", () => {
    const problem = document.components.schemas.ProblemDetails;
    expect(problem.required).toEqual(["type", "title", "status", "detail", "code"]);
    expect(problem.properties.code.enum).toContain("ERR_SESSION_EXPIRED");
    const authorize = document.paths["/v1/authorize"].post.responses;
    expect(authorize["4XX"].content["application/problem+json"].schema.$ref).toBe(
      "#/components/schemas/ProblemDetails",
    );
  });
});
