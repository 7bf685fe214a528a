import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize, invocationFor } from "../helpers/scenario.ts";
import { send, TestAgent } from "../helpers/test-agent.ts";
import { type AttackWorld, rootFor, startAttackWorld } from "./attack-world.ts";

// Issue 13, attack suite: replayed login material, stolen tokens and unauthenticated floods.
let world: AttackWorld;
beforeAll(async () => {
  world = await startAttackWorld();
});
afterAll(async () => {
  await world.close();
});

async function logSize(): Promise<number> {
  const answer = await fetch(`${world.relay.url}/v1/log/checkpoint`);
  return Number((await answer.text()).split("\n")[1]);
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1500));
}

describe("logins", () => {
  it("refuses a replayed challenge", async () => {
    const agent = new TestAgent(world.target, world.clock);
    await agent.register();
    const nonce = await agent.challenge();
    const first = await send(world.target, "POST", "/v1/sessions", {
      login: agent.loginStatement(nonce),
    });
    expect(first.status).toBe(201);
    const replay = await send(world.target, "POST", "/v1/sessions", {
      login: agent.loginStatement(nonce),
    });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("ERR_CHALLENGE_USED");
  });

  it("refuses a login statement addressed to another relay's origin", async () => {
    const agent = new TestAgent(world.target, world.clock);
    await agent.register();
    const login = agent.loginStatement(await agent.challenge(), {
      origin: "https://relay.example.net",
    });
    const answer = await send(world.target, "POST", "/v1/sessions", { login });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_LOGIN_INVALID");
    expect(answer.body.detail).toMatch(/origin/);
  });
});

describe("stolen session material", () => {
  it("refuses a replayed DPoP proof", async () => {
    const agent = await world.agent();
    const path = `/v1/agents/${agent.did}/sessions`;
    const headers = { authorization: `DPoP ${agent.session}`, dpop: agent.proof("GET", path) };
    expect((await agent.call("GET", path, headers)).status).toBe(200);
    const replay = await agent.call("GET", path, headers);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("ERR_DPOP_REPLAYED");
  });

  it("refuses a stolen session token proved with the thief's key", async () => {
    const victim = await world.agent();
    const thief = await world.agent();
    const path = `/v1/agents/${victim.did}/sessions`;
    const answer = await thief.call("GET", path, {
      authorization: `DPoP ${victim.session}`,
      dpop: thief.proof("GET", path, { token: victim.session }),
    });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_DPOP_KEY_MISMATCH");
  });

  it("refuses a relay-minted access token presented as a session", async () => {
    const kevin = await world.agent();
    const { principal, root } = rootFor(world, kevin);
    const invocation = invocationFor(kevin, [root], {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
    });
    const allowed = await authorize(kevin, {
      invocation,
      chain: [root],
      resource: "https://social.example.com",
    });
    expect(allowed.body.decision).toBe("allow");
    const token = allowed.body.accessToken as string;
    const path = `/v1/agents/${kevin.did}/sessions`;
    const answer = await kevin.call("GET", path, {
      authorization: `DPoP ${token}`,
      dpop: kevin.proof("GET", path, { token }),
    });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_SESSION_WRONG_RELAY");
  });
});

describe("floods", () => {
  it("keeps unauthenticated requests naming an agent out of the audit log", async () => {
    const kevin = await world.agent();
    const { principal, root } = rootFor(world, kevin);
    // The checkpoint follows the log within a second: let it catch up with the logins.
    await settle();
    const before = await logSize();
    const codes = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const invocation = invocationFor(kevin, [root], {
        cmd: "/social/draft",
        args: { i },
        principal: principal.did,
      });
      const forged = await authorize(kevin, { invocation, chain: [root] }, `${kevin.session}x`);
      codes.add(forged.body.code);
      const missing = await send(world.target, "POST", "/v1/authorize", {
        invocation,
        chain: [root],
      });
      codes.add(missing.body.code);
    }
    expect([...codes].sort()).toEqual(["ERR_SESSION_MISSING", "ERR_SESSION_UNKNOWN"]);
    await settle();
    expect(await logSize()).toBe(before);
  });
});

describe("names", () => {
  it.each([
    ["kеvin", "a Cyrillic look-alike"],
    ["ke\u200bvin", "an invisible character"],
    ["../../etc", "path traversal"],
    ["..%2F..%2Fetc", "encoded path traversal"],
  ])("refuses the handle %s (%s)", async (name) => {
    const answer = await send(world.target, "GET", `/v1/handles/${encodeURIComponent(name)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_HANDLE_INVALID");
  });

  it.each(["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "did:key:z6Mk/../../x"])(
    "refuses the agent id %s before it reaches storage",
    async (id) => {
      const answer = await send(world.target, "GET", `/v1/agents/${encodeURIComponent(id)}`);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe("ERR_REQUEST_FIELD_INVALID");
    },
  );
});
