import { signDelegation, tokenHash } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalBy, authorize, childDelegation, invocationFor } from "../helpers/scenario.ts";
import type { TestAgent } from "../helpers/test-agent.ts";
import { revoke } from "../revocation/revocation-helpers.ts";
import { type AttackWorld, rootFor, startAttackWorld } from "./attack-world.ts";

// Issue 13, attack suite: delegation chains that widen, reorder, splice or outlive their
// parents, and replays of invocations and approvals. Each is a `deny` with its reason code.
let world: AttackWorld;
let kevin: TestAgent;
let stuart: TestAgent;
let bob: TestAgent;
beforeAll(async () => {
  world = await startAttackWorld();
  kevin = await world.agent();
  stuart = await world.agent();
  bob = await world.agent();
});
afterAll(async () => {
  await world.close();
});

/** A child of `parent` signed by kevin for stuart, with no check of the attenuation rules. */
function rawChild(parent: string, claims: { cmd?: string; exp?: number; lvl?: number }) {
  const now = world.clock.now;
  return signDelegation(
    {
      iss: kevin.did,
      aud: stuart.did,
      sub: parentClaims(parent).sub,
      cmd: claims.cmd ?? "/social/draft",
      exp: claims.exp ?? now + 3600,
      prf: tokenHash(parent),
      ...(claims.lvl === undefined ? {} : { lvl: claims.lvl }),
    },
    { signer: kevin.signer, now },
  );
}

function parentClaims(token: string): { sub: string } {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
}

async function invoke(chain: string[], cmd: string, principal: string) {
  const invocation = invocationFor(stuart, chain, { cmd, args: {}, principal });
  return { invocation, answer: await authorize(stuart, { invocation, chain }) };
}

describe("attenuation", () => {
  it("denies a child delegation that outlives its parent", async () => {
    const { principal, root } = rootFor(world, kevin);
    const child = rawChild(root, { exp: world.clock.now + 2 * 86_400 });
    const { answer } = await invoke([root, child], "/social/draft", principal.did);
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_CHAIN_OUTLIVES_PARENT" });
  });

  it.each([
    ["/admin", "an unrelated command"],
    ["/socialx", "the sibling-prefix command"],
  ])("denies a widened command: %s (%s)", async (cmd) => {
    const { principal, root } = rootFor(world, kevin);
    const child = rawChild(root, { cmd });
    const { answer } = await invoke([root, child], cmd, principal.did);
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_CHAIN_CMD_WIDENED" });
  });

  it("denies a child that drops its parent's approval requirement", async () => {
    const principal = rootFor(world, kevin).principal;
    const root = signDelegation(
      {
        aud: kevin.did,
        cmd: "/social",
        exp: world.clock.now + 86_400,
        apr: { k: 1, of: [bob.did] },
      },
      { signer: principal.signer, now: world.clock.now },
    );
    const child = rawChild(root, {});
    const { answer } = await invoke([root, child], "/social/draft", principal.did);
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_CHAIN_APPROVAL_DROPPED" });
  });

  it("denies a child that lowers its parent's minimum level", async () => {
    const principal = rootFor(world, kevin).principal;
    const root = signDelegation(
      { aud: kevin.did, cmd: "/social", exp: world.clock.now + 86_400, lvl: 2 },
      { signer: principal.signer, now: world.clock.now },
    );
    const child = rawChild(root, { lvl: 1 });
    const { answer } = await invoke([root, child], "/social/draft", principal.did);
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_CHAIN_LEVEL_LOWERED" });
  });
});

describe("chain shape", () => {
  it("denies a reordered chain", async () => {
    const { principal, root } = rootFor(world, kevin);
    const child = rawChild(root, {});
    const { answer } = await invoke([child, root], "/social/draft", principal.did);
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_CHAIN_PROOF_MISMATCH" });
  });

  it("denies a chain spliced from another principal's root", async () => {
    const first = rootFor(world, kevin);
    const second = rootFor(world, kevin);
    const child = rawChild(first.root, {});
    const { answer } = await invoke([second.root, child], "/social/draft", second.principal.did);
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_CHAIN_PROOF_MISMATCH" });
  });

  it("denies a chain whose middle link was revoked by its issuer", async () => {
    const { principal, root } = rootFor(world, kevin);
    const middle = childDelegation([root], kevin, stuart, {
      cmd: "/social",
      now: world.clock.now,
    });
    const leaf = childDelegation([root, middle], stuart, stuart, {
      cmd: "/social/draft",
      now: world.clock.now,
    });
    const chain = [root, middle, leaf];
    expect((await invoke(chain, "/social/draft", principal.did)).answer.body.decision).toBe(
      "allow",
    );
    const revoked = await revoke(world.target, world.clock, kevin, {
      kind: "token",
      target: tokenHash(middle),
    });
    expect(revoked.status).toBe(201);
    const { answer } = await invoke(chain, "/social/draft", principal.did);
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_REVOKED_TOKEN" });
  });
});

describe("revocation", () => {
  it("keeps a token standing when another agent revokes its own token carrying the same jti", async () => {
    const { principal, root } = rootFor(world, kevin);
    const child = rawChild(root, {});
    const chain = [root, child];
    const { jti } = JSON.parse(Buffer.from(child.split(".")[1]!, "base64url").toString());
    // Bob signs a token of his own with kevin's jti and revokes it: revocation is by hash.
    const copy = signDelegation(
      { aud: stuart.did, cmd: "/social/draft", exp: world.clock.now + 3600, jti },
      { signer: bob.signer, now: world.clock.now },
    );
    const revoked = await revoke(
      world.target,
      world.clock,
      bob,
      {
        kind: "token",
        target: tokenHash(copy),
      },
      { token: copy },
    );
    expect(revoked.status).toBe(201);
    const refused = await revoke(
      world.target,
      world.clock,
      bob,
      {
        kind: "token",
        target: tokenHash(child),
      },
      { token: child },
    );
    expect(refused.body.code).toBe("ERR_REVOCATION_FORBIDDEN");
    const { answer } = await invoke(chain, "/social/draft", principal.did);
    expect(answer.body.decision).toBe("allow");
  });
});

describe("replays", () => {
  it("refuses an invocation presented twice", async () => {
    const { principal, root } = rootFor(world, kevin);
    const chain = [root, rawChild(root, {})];
    const { invocation, answer } = await invoke(chain, "/social/draft", principal.did);
    expect(answer.body.decision).toBe("allow");
    const again = await authorize(stuart, { invocation, chain });
    expect(again.status).toBe(403);
    expect(again.body.code).toBe("ERR_INVOCATION_REPLAYED");
  });

  it("does not let an approval of one invocation release another", async () => {
    const { principal, root } = rootFor(world, kevin);
    const child = childDelegation([root], kevin, stuart, {
      cmd: "/social/post",
      apr: { k: 1, of: [kevin.did] },
      now: world.clock.now,
    });
    const chain = [root, child];
    const first = await invoke(chain, "/social/post", principal.did);
    const second = await invoke(chain, "/social/post", principal.did);
    expect([first.answer.body.decision, second.answer.body.decision]).toEqual([
      "pending",
      "pending",
    ]);
    const approval = approvalBy(kevin, first.answer.body.invocationHash);
    expect((await kevin.call("POST", "/v1/approvals", undefined, { approval })).status).toBe(201);
    // Submitting the same approval again names the first invocation only, whatever is pending.
    const reused = await kevin.call("POST", "/v1/approvals", undefined, { approval });
    expect(reused.body.invocationHash).toBe(first.answer.body.invocationHash);
    const other = await stuart.call("GET", `/v1/authorize/${second.answer.body.invocationHash}`);
    expect(other.body.decision).toBe("pending");
    const released = await stuart.call("GET", `/v1/authorize/${first.answer.body.invocationHash}`);
    expect(released.body.decision).toBe("allow");
  });
});
