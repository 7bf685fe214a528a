import { signRevocationRequest, tokenHash } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { act, claim, requestChallenge } from "../helpers/handle-agent.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const clock: TestClock = { now: 1_767_225_600 };
const target: RelayTarget = { url: "", did: "", origin: "" };
const INACTIVITY = 20_000;
const QUARANTINE = 5_000;
const operator = new TestAgent(target, clock);
let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({
    now: () => clock.now,
    handles: {
      insecureFixedDifficultyForTests: 32,
      inactivitySeconds: INACTIVITY,
      quarantineSeconds: QUARANTINE,
      operators: [operator.did],
    },
  });
  Object.assign(target, { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url });
  await operator.register();
});
afterAll(async () => {
  await relay.close();
});

async function loggedIn(): Promise<TestAgent> {
  const agent = new TestAgent(target, clock);
  expect((await agent.register()).status).toBe(201);
  expect((await agent.login()).status).toBe(201);
  return agent;
}

async function holderOf(handle: string): Promise<string | undefined> {
  const answer = await send(target, "GET", `/v1/handles/${handle}`);
  return answer.status === 200 ? answer.body.agent : answer.body.code;
}

/** Moves the clock and logs every agent in again (sessions last 15 minutes). */
async function later(seconds: number, ...agents: TestAgent[]): Promise<void> {
  clock.now += seconds;
  for (const agent of agents) expect((await agent.login()).status).toBe(201);
}

describe("transfer", () => {
  it("moves nothing until the recipient accepts, then moves the handle", async () => {
    const holder = await loggedIn();
    const recipient = await loggedIn();
    expect((await claim(holder, "gift")).status).toBe(201);

    const offered = await act(holder, "transfer", "gift", { to: recipient.did });
    expect(offered.status).toBe(202);
    expect(offered.body).toMatchObject({ holder: holder.did, to: recipient.did });
    expect(await holderOf("gift")).toBe(holder.did);

    const seen = await recipient.call("GET", "/v1/handles/gift/transfer");
    expect(seen.body.offer).toBe(tokenHash(seen.body.statement));
    const accepted = await act(recipient, "accept", "gift", { offer: seen.body.offer });
    expect(accepted.status).toBe(200);
    expect(await holderOf("gift")).toBe(recipient.did);
    const record = await send(target, "GET", `/v1/agents/${holder.did}`);
    expect(record.body.handles).toEqual([]);
  });

  it("refuses an acceptance of another offer, or by another agent", async () => {
    const holder = await loggedIn();
    const recipient = await loggedIn();
    const bystander = await loggedIn();
    expect((await claim(holder, "contested")).status).toBe(201);
    const offered = await act(holder, "transfer", "contested", { to: recipient.did });

    const wrongOffer = await act(recipient, "accept", "contested", { offer: tokenHash("other") });
    expect(wrongOffer.body.code).toBe("ERR_HANDLE_TRANSFER_NOT_FOUND");
    const stolen = await act(bystander, "accept", "contested", { offer: offered.body.offer });
    expect(stolen.body.code).toBe("ERR_HANDLE_TRANSFER_NOT_FOUND");
    const peek = await bystander.call("GET", "/v1/handles/contested/transfer");
    expect(peek.body.code).toBe("ERR_HANDLE_TRANSFER_NOT_FOUND");
    expect(await holderOf("contested")).toBe(holder.did);
  });

  it("refuses a transfer by an agent that does not hold the handle", async () => {
    const holder = await loggedIn();
    const other = await loggedIn();
    expect((await claim(holder, "not-yours")).status).toBe(201);
    const answer = await act(other, "transfer", "not-yours", { to: holder.did });
    expect(answer.body.code).toBe("ERR_HANDLE_NOT_HOLDER");
  });

  it("refuses a replayed statement with ERR_HANDLE_STATEMENT_REPLAYED", async () => {
    const holder = await loggedIn();
    const recipient = await loggedIn();
    expect((await claim(holder, "twice")).status).toBe(201);
    const extra = { to: recipient.did, jti: "same-jti" };
    expect((await act(holder, "transfer", "twice", extra)).status).toBe(202);
    expect((await act(holder, "transfer", "twice", extra)).body.code).toBe(
      "ERR_HANDLE_STATEMENT_REPLAYED",
    );
  });
});

describe("release and quarantine", () => {
  it("quarantines a released handle before anyone may claim it again", async () => {
    const holder = await loggedIn();
    const next = await loggedIn();
    expect((await claim(holder, "released")).status).toBe(201);
    const released = await act(holder, "release", "released");
    expect(released.body).toMatchObject({ quarantineUntil: clock.now + QUARANTINE });
    expect(await holderOf("released")).toBe("ERR_HANDLE_NOT_FOUND");
    expect((await requestChallenge(next, "released")).body.code).toBe("ERR_HANDLE_QUARANTINED");
    expect((await requestChallenge(holder, "released")).body.code).toBe("ERR_HANDLE_QUARANTINED");

    await later(QUARANTINE, next);
    expect((await claim(next, "released")).status).toBe(201);
    expect(await holderOf("released")).toBe(next.did);
  });
});

describe("revocation", () => {
  it("lets only an operator revoke, and records a revocation of kind handle", async () => {
    const holder = await loggedIn();
    expect((await claim(holder, "abusive")).status).toBe(201);
    const refused = await act(holder, "revoke", "abusive", { reason: "self" });
    expect(refused.body.code).toBe("ERR_HANDLE_NOT_OPERATOR");

    expect((await operator.login()).status).toBe(201);
    const revoked = await act(operator, "revoke", "abusive", { reason: "impersonation" });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ holder: holder.did, revocation: expect.any(Number) });
    const log = await relay.app.relay.store.revocations.listSince(revoked.body.revocation - 1, 1);
    expect(log[0]).toMatchObject({ kind: "handle", target: "abusive", revoker: operator.did });
    expect(await holderOf("abusive")).toBe("ERR_HANDLE_NOT_FOUND");
    expect((await act(holder, "release", "abusive")).body.code).toBe("ERR_HANDLE_NOT_FOUND");
  });
});

describe("revocation through the revocation log", () => {
  it("quarantines a handle its holder revokes with POST /v1/revocations", async () => {
    const holder = await loggedIn();
    expect((await claim(holder, "via-log")).status).toBe(201);
    const request = signRevocationRequest(
      { aud: target.did, kind: "handle", target: "via-log", reason: "retired" },
      { signer: holder.signer, now: clock.now },
    );
    const answer = await send(target, "POST", "/v1/revocations", { request });
    expect(answer.status).toBeLessThan(300);
    await expect.poll(() => holderOf("via-log")).toBe("ERR_HANDLE_NOT_FOUND");
    const other = await loggedIn();
    expect((await requestChallenge(other, "via-log")).body.code).toBe("ERR_HANDLE_QUARANTINED");
    const events = await relay.app.relay.store.handles.listEventsSince(0, 1000);
    const revoked = events.find((event) => event.handle === "via-log" && event.kind === "revoked");
    expect(revoked).toMatchObject({ actor: holder.did, statement: request });
  });
});

describe("expiry", () => {
  it("keeps a handle while its holder makes authenticated calls", async () => {
    const holder = await loggedIn();
    expect((await claim(holder, "busy-bee")).status).toBe(201);
    await later(INACTIVITY - 100, holder);
    expect((await holder.call("GET", `/v1/agents/${holder.did}/sessions`)).status).toBe(200);
    await later(INACTIVITY - 100, holder);
    expect(await holderOf("busy-bee")).toBe(holder.did);
  });

  it("lapses a handle after the inactivity period, quarantines it, then frees it", async () => {
    const holder = await loggedIn();
    const next = await loggedIn();
    expect((await claim(holder, "sleepy")).status).toBe(201);
    await later(INACTIVITY, holder, next);
    expect(await holderOf("sleepy")).toBe("ERR_HANDLE_NOT_FOUND");
    expect((await requestChallenge(next, "sleepy")).body.code).toBe("ERR_HANDLE_QUARANTINED");

    // Coming back after the lapse does not bring the handle back.
    expect((await holder.call("GET", `/v1/agents/${holder.did}/sessions`)).status).toBe(200);
    expect((await act(holder, "release", "sleepy")).body.code).toBe("ERR_HANDLE_NOT_FOUND");

    await later(QUARANTINE, next);
    expect((await claim(next, "sleepy")).status).toBe(201);
  });
});

describe("events", () => {
  it("records every lifecycle event in order, with the statement behind it", async () => {
    const events = await relay.app.relay.store.handles.listEventsSince(0, 1000);
    const gift = events.filter((event) => event.handle === "gift").map((event) => event.kind);
    expect(gift).toEqual(["claimed", "transfer-offered", "transferred"]);
    const sleepy = events.filter((event) => event.handle === "sleepy");
    expect(sleepy.map((event) => [event.kind, event.actor])).toEqual([
      ["claimed", expect.any(String)],
      ["lapsed", null],
      ["claimed", expect.any(String)],
    ]);
    expect(events.every((event) => event.kind === "lapsed" || event.statement !== null)).toBe(true);
  });
});
