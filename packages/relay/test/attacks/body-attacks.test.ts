import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackWorld, startAttackWorld } from "./attack-world.ts";

// Issue 13, bad input: request bodies that two JSON parsers could read differently. The relay
// refuses them, so a proxy in front of it can never see other values than the relay does.
let world: AttackWorld;
beforeAll(async () => {
  world = await startAttackWorld({ preAuthFailuresPerMinute: 1_000_000 });
});
afterAll(async () => {
  await world.close();
});

async function post(path: string, body: string | Buffer) {
  const answer = await world.relay.app.inject({
    method: "POST",
    url: path,
    headers: { "content-type": "application/json" },
    payload: body,
  });
  return { status: answer.statusCode, body: answer.json() };
}

describe("request bodies", () => {
  it.each([
    ['{"registration":"a.b.c","registration":"d.e.f"}', "ERR_JSON_DUPLICATE_MEMBER"],
    ['{"registration":"a.b.c","registr\\u0061tion":"d.e.f"}', "ERR_JSON_DUPLICATE_MEMBER"],
    ['{"registration":9007199254740993}', "ERR_NUMBER_UNSAFE"],
    ['{"registration":1e400}', "ERR_NUMBER_UNSAFE"],
    ['{"registration":"\\ud800.b.c"}', "ERR_JSON_INVALID"],
    [`{"registration":${"[".repeat(40)}${"]".repeat(40)}}`, "ERR_JSON_INVALID"],
    ["\ufeff{}", "ERR_JSON_INVALID"],
  ])("refuses %s with %s", async (body, code) => {
    const answer = await post("/v1/agents", body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(code);
  });

  it("refuses invalid UTF-8 instead of replacing it", async () => {
    const body = Buffer.concat([
      Buffer.from('{"registration":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.b.c"}'),
    ]);
    const answer = await post("/v1/agents", body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_JSON_INVALID");
  });

  it("still takes a strict body", async () => {
    const answer = await post("/v1/sessions/challenge", "{}");
    expect(answer.status).toBe(201);
  });
});
