import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileRequest } from "../fuzz/hostile-requests.ts";
import { checkHttpCase } from "../fuzz/http-case.ts";
import { type FuzzRoute, routesFromOpenApi } from "../fuzz/openapi-routes.ts";
import { type AttackWorld, rootFor, startAttackWorld } from "./attack-world.ts";

// Issue 13, bad input: random and mutated requests to every route the relay's OpenAPI document
// lists. Invariant: every answer is a 2xx, or a 4xx whose body carries a code from the closed
// list; never a 5xx, never a hang. `npm run fuzz` runs the long version.
// `npm test` runs a few thousand; ANTS_FUZZ_RUNS asks for a longer run.
const RUNS = Number(process.env.ANTS_FUZZ_RUNS ?? 2500);

let world: AttackWorld;
let samples: string[] = [];
let routes: FuzzRoute[] = [];
beforeAll(async () => {
  // The per-address failure limit would answer most cases with ERR_RATE_LIMITED: lift it so
  // the cases reach the routes.
  world = await startAttackWorld({ preAuthFailuresPerMinute: 1_000_000 });
  const kevin = await world.agent();
  const { root } = rootFor(world, kevin);
  samples = [
    root,
    kevin.did,
    kevin.registration(),
    kevin.session,
    kevin.proof("GET", "/v1/agents"),
  ];
  routes = await routesFromOpenApi(world.relay.app);
});
afterAll(async () => {
  await world.close();
});

describe("fuzzing the HTTP endpoints", () => {
  it("takes its routes from /openapi.json, the stream and the form endpoints included", () => {
    const listed = routes.map((route) => `${route.method} ${route.path}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        "POST /v1/agents",
        "POST /oauth/token",
        "GET /v1/revocations/stream",
      ]),
    );
    expect(routes.find((route) => route.path === "/v1/revocations/stream")?.streams).toBe(true);
  });

  it(
    `answers ${RUNS} hostile requests with a 2xx or a coded 4xx`,
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileRequest(routes, samples), (request) =>
          checkHttpCase(world.relay.app, world.relay.url, request),
        ),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
    Math.max(120_000, RUNS * 20),
  );
});
