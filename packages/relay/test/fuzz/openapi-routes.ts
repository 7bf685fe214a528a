import type { FastifyInstance } from "fastify";

/** One operation of the relay's OpenAPI document, as the fuzzer needs it. */
export interface FuzzRoute {
  method: string;
  /** OpenAPI path template, e.g. `/v1/agents/{id}`; `{*}` is a wildcard. */
  path: string;
  /** Names of the query parameters it declares. */
  query: string[];
  /** Names of the top-level body members its schema declares. */
  fields: string[];
  /** True when a success answer is a server-sent event stream that never ends by itself. */
  streams: boolean;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: object } }> };
  responses?: Record<string, { description?: string }>;
}

/**
 * Lists every operation the relay serves from its own `/openapi.json`, so a route added later is
 * fuzzed without anyone listing it here.
 *
 * @example
 * const routes = await routesFromOpenApi(app);
 * routes.find((route) => route.path === "/v1/agents")?.fields; // ["registration", ...]
 */
export async function routesFromOpenApi(app: FastifyInstance): Promise<FuzzRoute[]> {
  const answer = await app.inject({ method: "GET", url: "/openapi.json" });
  if (answer.statusCode !== 200) throw new Error(`openapi.json: ${answer.statusCode}`);
  const document = answer.json() as { paths: Record<string, Record<string, OpenApiOperation>> };
  const routes: FuzzRoute[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const content = Object.values(operation.requestBody?.content ?? {})[0];
      routes.push({
        method: method.toUpperCase(),
        path,
        query: (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
        fields: Object.keys(content?.schema?.properties ?? {}),
        streams: /event-stream/.test(operation.responses?.["200"]?.description ?? ""),
      });
    }
  }
  return routes;
}
