import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claim } from "../helpers/handle-agent.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const clock: TestClock = { now: 1_767_225_600 };
const INACTIVITY = 100_000;
const HANDLES = { insecureFixedDifficultyForTests: 32, inactivitySeconds: INACTIVITY };
const dataDir = mkdtempSync(join(tmpdir(), "ants-handles-shared-"));
const first: RelayTarget = { url: "", did: "", origin: "" };
let a: TestRelay;
let b: TestRelay;

beforeAll(async () => {
  // Two relay instances on one store, as behind a load balancer.
  a = await startTestRelay({ now: () => clock.now, handles: HANDLES, dataDir });
  b = await startTestRelay({ now: () => clock.now, handles: HANDLES, dataDir });
  Object.assign(first, { url: a.url, did: a.app.relay.identity.did, origin: a.url });
});
afterAll(async () => {
  await a.close();
  await b.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("several relay instances", () => {
  it("never lapses a handle on one instance while its holder calls another", async () => {
    const holder = new TestAgent(first, clock);
    expect((await holder.register()).status).toBe(201);
    expect((await holder.login()).status).toBe(201);
    expect((await claim(holder, "two-homes")).status).toBe(201);

    clock.now += INACTIVITY - 10;
    expect((await holder.login()).status).toBe(201);
    expect((await holder.call("GET", `/v1/agents/${holder.did}/sessions`)).status).toBe(200);
    await a.app.relay.handles.sweep();

    clock.now += 20;
    const onB = await send({ url: b.url }, "GET", "/v1/handles/two-homes");
    expect(onB.body.agent).toBe(holder.did);
    const record = await send({ url: b.url }, "GET", `/v1/agents/${holder.did}`);
    expect(record.body.handles).toEqual(["two-homes"]);

    clock.now += INACTIVITY;
    expect((await send({ url: b.url }, "GET", "/v1/handles/two-homes")).body.code).toBe(
      "ERR_HANDLE_NOT_FOUND",
    );
  });
});
