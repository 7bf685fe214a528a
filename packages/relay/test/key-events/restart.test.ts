import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay } from "../helpers/test-relay.ts";
import { newKey, postEvent, registerWithInception, rotation } from "./key-event-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
const dataDir = mkdtempSync(join(tmpdir(), "ants-kel-restart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start() {
  const relay = await startTestRelay({ now: () => clock.now, dataDir });
  return {
    relay,
    target: { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url },
  };
}

describe("key histories across a restart", () => {
  it("loads the rotated agents' logs at start, so the current key still signs for the agent", async () => {
    const first = await start();
    const next = newKey();
    const agent = new TestAgent(first.target, clock);
    await registerWithInception(agent, { next });
    const current = newKey();
    const event = await rotation(agent, next, { k: current.did, auth: "next" });
    expect((await postEvent(agent, event)).status).toBe(201);
    await first.relay.close();

    clock.now += 60;
    const second = await start();
    try {
      const again = new TestAgent(second.target, clock);
      Object.assign(again, { did: agent.did, signer: current.signer });
      expect((await again.login()).status).toBe(201);
      expect((await again.call("GET", `/v1/agents/${agent.did}/sessions`)).status).toBe(200);
    } finally {
      await second.relay.close();
    }
  });
});
