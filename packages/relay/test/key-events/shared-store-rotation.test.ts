import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signVouch } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { dropSchema, freshSchema, PG_TEST_URL, pgReachable } from "../store/pg-test-store.ts";
import { newKey, postEvent, registerWithInception, rotation } from "./key-event-helpers.ts";

// Two relay instances on one PostgreSQL schema: a rotation appended on one is seen by the other
// on its next call (docs/spec/key-events.md 8.5).
const reachable = await pgReachable();
const schema = freshSchema();
const dataDir = mkdtempSync(join(tmpdir(), "ants-kel-shared-"));
const PUBLIC_URL = "http://relay.test";
const clock: TestClock = { now: Math.floor(Date.now() / 1000) };
let a: TestRelay;
let b: TestRelay;

function targetOf(relay: TestRelay): RelayTarget {
  return { url: relay.url, did: relay.app.relay.identity.did, origin: PUBLIC_URL };
}

beforeAll(async () => {
  if (!reachable) return;
  const url = new URL(PG_TEST_URL!);
  url.searchParams.set("schema", schema);
  const options = { dataDir, databaseUrl: url.toString(), publicUrl: PUBLIC_URL };
  a = await startTestRelay(options);
  b = await startTestRelay(options);
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  if (reachable) await dropSchema(schema);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Retries `check` until it holds, for at most two seconds (the revocation bound is one). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe.skipIf(!reachable)("a rotation on one instance sharing PostgreSQL", () => {
  it("moves logins and signature checks to the new key on the other instance", async () => {
    const next = newKey();
    const kevin = new TestAgent(targetOf(a), clock);
    await registerWithInception(kevin, { next });
    const worker = new TestAgent(targetOf(a), clock);
    expect((await worker.register()).status).toBe(201);
    const old = kevin.signer;
    const current = newKey();
    const event = await rotation(kevin, next, { k: current.did, auth: "next" });
    expect((await postEvent(kevin, event)).status).toBe(201);

    // Kevin again, talking to instance B.
    const onB = Object.assign(new TestAgent(targetOf(b), clock), { did: kevin.did });
    onB.signer = old;
    expect((await onB.login()).body.code).toBe("ERR_JWS_KID_MISMATCH");
    onB.signer = current.signer;
    expect((await onB.login()).status).toBe(201);

    const claims = { iss: kevin.did, sub: worker.did, aud: targetOf(b).did, lvl: 1 };
    const vouch = signVouch(
      { ...claims, exp: clock.now + 86_400 },
      { signer: current.signer, now: clock.now },
    );
    const accepted = await eventually(
      async () => (await send(targetOf(b), "POST", "/v1/vouches", { vouch })).status === 201,
    );
    expect(accepted).toBe(true);
    const log = await send(targetOf(b), "GET", `/v1/agents/${kevin.did}/events`);
    expect(log.body.events).toHaveLength(2);
  });
});
