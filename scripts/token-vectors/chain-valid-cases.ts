// Must-pass chain vectors.
import { tokenHash } from "../../packages/protocol/src/index.ts";
import { type ChainCase, child, dlg, invoke, root, threeHops } from "./chain-builders.ts";
import { HOUR, KEYS, NOW, RELAY_URL } from "./fixtures.ts";

const { alice, bob, bobRotated, carol, dan, erin, frank } = KEYS;

function passes(
  description: string,
  delegations: string[],
  invocation: string,
  expect: Record<string, unknown>,
  extra: Partial<ChainCase> = {},
): ChainCase {
  const hashes = { tokenHashes: delegations.map(tokenHash), invocationHash: tokenHash(invocation) };
  const base = { principal: alice.did, actor: dan.did, command: "/twitter/post", minLevel: 0 };
  return {
    description,
    delegations,
    invocation,
    ...extra,
    valid: true,
    expect: { ...base, depth: delegations.length, approvals: [], ...expect, ...hashes },
  };
}

/** Must-pass cases: single hop, three hops, policies on args, approvals, rotation. */
export function validChainCases(): ChainCase[] {
  const single = [dlg(alice, { aud: dan.did, cmd: "/twitter", exp: NOW + HOUR }, "single")];
  const chain = threeHops();
  const policed = threeHops({ pol: [["<=", ".length", 280]] });
  const policed2 = [
    policed[0]!,
    policed[1]!,
    child(policed[1]!, carol, dan, {
      pol: [
        ["like", ".text", "hello *"],
        ["any", ".tags?", ["==", ".", "news"]],
      ],
    }),
  ];
  const apr = { k: 2, of: [erin.did, frank.did] };
  const approved = [root({ apr, lvl: 1 })];
  approved.push(child(approved[0]!, bob, dan, { apr, lvl: 2 }));
  const anything = [dlg(alice, { aud: dan.did, cmd: "/", exp: NOW + HOUR }, "top")];
  const rotatedRoot = root();
  const rotated = [rotatedRoot, child(rotatedRoot, bobRotated, dan, { iss: bob.did })];
  return [
    passes("single hop: the principal delegates straight to the actor", single, invoke(single), {
      depth: 1,
    }),
    passes("three hops: alice -> bob -> carol -> dan", chain, invoke(chain), {}),
    passes(
      "a policy on every link holds for the arguments",
      policed2,
      invoke(policed2, { args: { text: "hello world", length: 11, tags: ["news"] } }),
      {},
    ),
    passes("approvals required: two of erin and frank, level 2", approved, invoke(approved), {
      approvals: [
        { ...apr, tokenHash: tokenHash(approved[0]!), issuer: alice.did },
        { ...apr, tokenHash: tokenHash(approved[1]!), issuer: bob.did },
      ],
      minLevel: 2,
    }),
    passes("a root on / covers any command", anything, invoke(anything, { cmd: "/mail/send" }), {
      command: "/mail/send",
    }),
    passes(
      "the invocation names a command below the delegated one",
      single,
      invoke(single, { cmd: "/twitter/post/thread" }),
      { command: "/twitter/post/thread" },
    ),
    passes(
      "after bob rotates keys, a delegation signed with bob's new key verifies",
      rotated,
      invoke(rotated),
      {},
      { rotatedKeys: { [bob.did]: bobRotated.publicKey } },
    ),
    passes(
      "an invocation bound to the request's method and URI",
      chain,
      invoke(chain),
      {},
      { request: { method: "POST", url: RELAY_URL } },
    ),
    passes(
      "an invocation 60 s ahead of the verifier's clock is within the skew",
      chain,
      invoke(chain, { iat: NOW + 60 }),
      {},
    ),
  ];
}
