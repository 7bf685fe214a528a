import { createSigner, generateKeyPair } from "@ants/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseRelayPolicy } from "../../src/policy/relay-policy.ts";
import { principalKey } from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { assertionFor, postForm, tokenProof } from "./oauth-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
const approver = principalKey();
let relay: TestRelay;
let target: RelayTarget;
let tokenUrl: string;
let kevin: TestAgent;
const dpopKey = createSigner(generateKeyPair().seed);

beforeAll(async () => {
  const policy = parseRelayPolicy({
    levels: { "/": 0, "/admin": 3 },
    sandbox: {
      "/social": { "0": { ratePerMinute: 2 }, "2": {} },
      "/pay": { "0": { approvals: { k: 1, of: [approver.did] } } },
    },
  });
  relay = await startTestRelay({ now: () => clock.now, policy });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
  tokenUrl = `${relay.url}/oauth/token`;
});
afterAll(async () => {
  await relay.close();
});
beforeEach(async () => {
  clock.now += 1000;
  kevin = new TestAgent(target, clock);
  expect((await kevin.register()).status).toBe(201);
});

/** A client_credentials request for `scope` by a new (L0) agent. */
function requestToken(scope: string) {
  return postForm(
    tokenUrl,
    {
      grant_type: "client_credentials",
      client_id: kevin.did,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertionFor(kevin, clock, relay.url),
      resource: "https://api.example.com",
      scope,
    },
    { dpop: tokenProof(dpopKey, clock, tokenUrl) },
  );
}

async function auditedDeny(index: number, reason: string) {
  const entry = await send(target, "GET", `/v1/log/entries/${index}`);
  expect(entry.body).toMatchObject({ decision: "deny", actor: kevin.did, reason });
}

describe("the token endpoint applies the sandbox of /v1/authorize to low-trust agents", () => {
  it("refuses a command above the agent's level with invalid_scope, audited", async () => {
    const answer = await requestToken("/admin/users");
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_scope", code: "ERR_TRUST_LEVEL_TOO_LOW" });
    await auditedDeny(answer.body.audit_index, "ERR_TRUST_LEVEL_TOO_LOW");
  });

  it("limits an L0 agent to the sandbox rate, then answers 429, audited", async () => {
    expect((await requestToken("/social/post")).status).toBe(200);
    expect((await requestToken("/social/like")).status).toBe(200);
    const third = await requestToken("/social/post");
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ error: "invalid_grant", code: "ERR_SANDBOX_RATE_LIMITED" });
    await auditedDeny(third.body.audit_index, "ERR_SANDBOX_RATE_LIMITED");
    // Other commands are not limited by that rule.
    expect((await requestToken("/mail/send")).status).toBe(200);
    // The limit is a sliding minute.
    clock.now += 61;
    expect((await requestToken("/social/post")).status).toBe(200);
  });

  it("refuses a command the sandbox puts under approval, since a token cannot wait for it", async () => {
    const answer = await requestToken("/pay/send");
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_grant", code: "ERR_APPROVAL_REQUIRED" });
    await auditedDeny(answer.body.audit_index, "ERR_APPROVAL_REQUIRED");
  });
});
