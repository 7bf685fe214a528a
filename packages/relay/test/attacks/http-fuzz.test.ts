import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileRequest } from "../fuzz/hostile-requests.ts";
import { type CaseSession, checkHttpCase } from "../fuzz/http-case.ts";
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
let session: CaseSession;
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
  session = {
    credentials: (method, path) => ({
      authorization: `DPoP ${kevin.session}`,
      dpop: kevin.proof(method, path),
    }),
    nonce: (value) => kevin.nonces.set(world.relay.url, value),
  };
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
      let authenticated = 0;
      await fc.assert(
        fc.asyncProperty(hostileRequest(routes, samples), async (request) => {
          const answer = await checkHttpCase(world.relay.app, world.relay.url, request, session);
          if (request.signed && !/^ERR_(SESSION|DPOP)_/.test(String(answer.code))) authenticated++;
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      // The signed half is not refused for its credentials, so the routes' own logic is fuzzed.
      expect(authenticated).toBeGreaterThan(RUNS / 10);
    },
    Math.max(120_000, RUNS * 20),
  );
});
