import { createSigner, generateKeyPair, signDpopProof } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routesFromOpenApi } from "../fuzz/openapi-routes.ts";
import { invocationFor } from "../helpers/scenario.ts";
import type { TestAgent } from "../helpers/test-agent.ts";
import { type AttackWorld, rootFor, startAttackWorld } from "./attack-world.ts";

// Issue 13, attack suite: an unauthenticated flood naming an agent, on every route of the
// relay's OpenAPI document, with no credentials, a forged session token, or the agent's stolen
// session token proved with a thief's key. None of it may reach the agent's audit history (or
// any other): the log does not grow, and every answer is a coded 4xx.
let world: AttackWorld;
let kevin: TestAgent;
beforeAll(async () => {
  world = await startAttackWorld();
  kevin = await world.agent();
});
afterAll(async () => {
  await world.close();
});

async function logSize(): Promise<number> {
  const answer = await fetch(`${world.relay.url}/v1/log/checkpoint`);
  return Number((await answer.text()).split("\n")[1]);
}

/** The checkpoint follows the log within a second: let it catch up. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1500));
}

describe("unauthenticated floods", () => {
  it("answers a flood naming an agent on every route with coded 4xx and writes no audit entry", async () => {
    const routes = (await routesFromOpenApi(world.relay.app)).filter((route) => !route.streams);
    const { principal, root } = rootFor(world, kevin);
    const thief = createSigner(generateKeyPair().seed);
    await settle();
    const before = await logSize();
    const statuses = new Set<number>();
    let sent = 0;
    for (const route of routes) {
      if (route.method === "GET") continue;
      const path = route.path.replace(/\{[^}]+\}/g, encodeURIComponent(kevin.did));
      for (const credentials of ["none", "forged", "stolen"] as const) {
        const invocation = invocationFor(kevin, [root], {
          cmd: "/social/post",
          args: { n: sent },
          principal: principal.did,
        });
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (credentials !== "none") {
          const token = credentials === "forged" ? `${kevin.session}x` : kevin.session;
          headers.authorization = `DPoP ${token}`;
          headers.dpop = signDpopProof(
            { htm: route.method, htu: world.relay.url + path, accessToken: token },
            { signer: thief, now: world.clock.now },
          );
        }
        const body = { invocation, chain: [root], agent: kevin.did, token: kevin.session };
        const answer = await world.relay.app.inject({
          method: route.method as "POST",
          url: path,
          headers,
          payload: JSON.stringify(body),
        });
        sent++;
        statuses.add(answer.statusCode);
        expect(answer.statusCode).toBeGreaterThanOrEqual(400);
        expect(answer.statusCode).toBeLessThan(500);
        expect(typeof answer.json().code).toBe("string");
      }
    }
    expect(sent).toBeGreaterThan(50);
    await settle();
    expect(await logSize()).toBe(before);
  }, 60_000);
});
