import { describe, expect, it } from "vitest";
import {
  attenuate,
  isProtocolError,
  type ProtocolErrorCode,
  signDelegation,
  signInvocation,
  verifyDelegations,
} from "../../src/index.ts";
import { T0, testAgent } from "../support/agents.ts";

const alice = testAgent("alice");
const bob = testAgent("bob");
const carol = testAgent("carol");
const apr = { k: 2, of: [testAgent("erin").did, testAgent("frank").did] };

const root = signDelegation(
  { aud: bob.did, cmd: "/twitter", exp: T0 + 3600, nbf: T0 - 60, apr, lvl: 2, dpth: 3 },
  { signer: alice.signer, now: T0 },
);

function codeOf(run: () => unknown): ProtocolErrorCode | "none" {
  try {
    run();
    return "none";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe("attenuate", () => {
  it("derives a child that inherits the parent's conditions and verifies", () => {
    const child = attenuate(
      root,
      { aud: carol.did, cmd: "/twitter/post" },
      { signer: bob.signer, now: T0 },
    );
    const chain = verifyDelegations({ delegations: [root, child], now: T0 });
    expect(chain.delegate).toBe(carol.did);
    expect(chain.command).toBe("/twitter/post");
    expect(chain.approvals.map(({ k, of }) => ({ k, of }))).toEqual([apr, apr]);
    expect(chain.minLevel).toBe(2);
    expect(chain.links[1]!.depth).toBe(2);
  });

  it("keeps only the child's own statements in its pol", () => {
    const pol = [["==", ".lang", "en"]];
    const child = attenuate(root, { aud: carol.did, pol }, { signer: bob.signer, now: T0 });
    expect(verifyDelegations({ delegations: [root, child], now: T0 }).policies).toEqual([[], pol]);
  });

  const refusals: [string, object, ProtocolErrorCode][] = [
    ["a wider command", { cmd: "/" }, "ERR_CHAIN_CMD_WIDENED"],
    ["a sibling command", { cmd: "/twitterx" }, "ERR_CHAIN_CMD_WIDENED"],
    ["a later exp", { exp: T0 + 3601 }, "ERR_CHAIN_OUTLIVES_PARENT"],
    ["an earlier nbf", { nbf: T0 - 61 }, "ERR_CHAIN_OUTLIVES_PARENT"],
    ["a dpth that does not decrease", { dpth: 3 }, "ERR_CHAIN_DEPTH_WIDENED"],
    ["fewer approvals", { apr: { k: 1, of: apr.of } }, "ERR_CHAIN_APPROVAL_DROPPED"],
    ["a lower level", { lvl: 1 }, "ERR_CHAIN_LEVEL_LOWERED"],
    ["another issuer than the parent's audience", { iss: carol.did }, "ERR_CHAIN_LINK_MISMATCH"],
    ["a malformed command", { cmd: "/twitter/../x" }, "ERR_CMD_MALFORMED"],
    ["an unknown policy operator", { pol: [["regex", ".a", "x"]] }, "ERR_POLICY_UNKNOWN_OPERATOR"],
  ];
  for (const [what, change, code] of refusals) {
    it(`refuses ${what} with ${code}`, () => {
      const input = { aud: carol.did, ...change };
      expect(codeOf(() => attenuate(root, input, { signer: bob.signer, now: T0 }))).toBe(code);
    });
  }

  it("refuses a hop beyond the chain's depth when given the whole chain", () => {
    const last = signDelegation(
      { aud: bob.did, cmd: "/x", exp: T0 + 60, dpth: 0 },
      { signer: alice.signer },
    );
    const run = () => attenuate([last], { aud: carol.did }, { signer: bob.signer });
    expect(codeOf(run)).toBe("ERR_CHAIN_DEPTH_EXHAUSTED");
  });

  it("refuses an empty parent chain and a parent that is not a delegation", () => {
    expect(codeOf(() => attenuate([], { aud: carol.did }, { signer: bob.signer }))).toBe(
      "ERR_CHAIN_EMPTY",
    );
    const invocation = signInvocation(
      {
        sub: alice.did,
        aud: bob.did,
        cmd: "/x",
        args: {},
        prf: [],
        htm: "POST",
        htu: "https://r/",
      },
      { signer: alice.signer },
    );
    expect(codeOf(() => attenuate(invocation, { aud: carol.did }, { signer: bob.signer }))).toBe(
      "ERR_JWS_TYP_MISMATCH",
    );
  });
});
