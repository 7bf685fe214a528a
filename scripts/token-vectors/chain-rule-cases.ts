// Must-fail chain vectors for the chain rules (spec 4.4 steps 1, 3, 4, 5, 6 and 7): one case
// per error code, and the attacks the issue names.
import { tokenHash } from "../../packages/protocol/src/index.ts";
import { type ChainCase, child, dlg, fails, invoke, root, threeHops } from "./chain-builders.ts";
import { HOUR, header, KEYS, NOW, payloadOf, rawToken } from "./fixtures.ts";

const { alice, bob, carol, dan, erin, frank, mallory } = KEYS;

// A two-link chain alice -> bob -> dan whose child gets `extra`, invoked by dan.
function twoLinks(
  description: string,
  error: string,
  rootExtra: object,
  childExtra: object,
): ChainCase {
  const d0 = root(rootExtra);
  const chain = [d0, child(d0, bob, dan, childExtra)];
  return fails(description, error, chain, invoke(chain));
}

function shapeCases(): ChainCase[] {
  const chain = threeHops();
  const [d0, d1, d2] = chain as [string, string, string];
  const nine = [root()];
  for (let i = 1; i < 9; i++)
    nine.push(child(nine[i - 1]!, bob, bob, { aud: bob.did }, `long-${i}`));
  const foreign = child(root(), bob, carol, {}, "foreign-parent");
  const notUnder = [
    d0,
    dlg(
      bob,
      {
        aud: dan.did,
        sub: alice.did,
        cmd: "/twitter/post",
        exp: NOW + HOUR,
        prf: tokenHash(foreign),
      },
      "wrong-prf",
    ),
  ];
  return [
    fails("no delegations", "ERR_CHAIN_EMPTY", [], invoke([])),
    fails("nine delegations", "ERR_CHAIN_TOO_LONG", nine, invoke(nine.slice(0, 8))),
    fails("a reordered chain", "ERR_CHAIN_PROOF_MISMATCH", [d1, d0, d2], invoke(chain)),
    fails(
      "a reordered chain that the invocation names in that order",
      "ERR_CHAIN_PROOF_MISMATCH",
      [d1, d0, d2],
      invoke([d1, d0, d2]),
    ),
    fails("a missing middle delegation", "ERR_CHAIN_PROOF_MISMATCH", [d0, d2], invoke(chain)),
    fails(
      "a child whose prf names another parent",
      "ERR_CHAIN_PROOF_MISMATCH",
      notUnder,
      invoke(notUnder),
    ),
  ];
}

function linkCases(): ChainCase[] {
  const d0 = root();
  const swapped = [d0, child(d0, carol, dan)];
  const notPrincipal = [
    dlg(bob, { aud: dan.did, sub: alice.did, cmd: "/twitter", exp: NOW + HOUR }, "not-principal"),
  ];
  const apr = { k: 2, of: [erin.did, frank.did] };
  return [
    fails(
      "a swapped audience: carol issues under a root addressed to bob",
      "ERR_CHAIN_LINK_MISMATCH",
      swapped,
      invoke(swapped),
    ),
    fails(
      "a root not issued by the principal",
      "ERR_CHAIN_ROOT_NOT_PRINCIPAL",
      notPrincipal,
      invoke(notPrincipal),
    ),
    twoLinks("a child that changes sub", "ERR_CHAIN_SUBJECT_CHANGED", {}, { sub: mallory.did }),
    twoLinks(
      "a widened command (/twitter/post to /twitter)",
      "ERR_CHAIN_CMD_WIDENED",
      { cmd: "/twitter/post" },
      { cmd: "/twitter" },
    ),
    twoLinks(
      "a sibling command (/twitter to /twitterx)",
      "ERR_CHAIN_CMD_WIDENED",
      {},
      { cmd: "/twitterx" },
    ),
    twoLinks("a widened command to /", "ERR_CHAIN_CMD_WIDENED", {}, { cmd: "/" }),
    twoLinks(
      "a child that outlives its parent",
      "ERR_CHAIN_OUTLIVES_PARENT",
      {},
      { exp: NOW + 3 * HOUR },
    ),
    twoLinks(
      "a child valid before its parent",
      "ERR_CHAIN_OUTLIVES_PARENT",
      { nbf: NOW - 60 },
      { nbf: NOW - 120 },
    ),
    twoLinks(
      "a child that drops its parent's nbf",
      "ERR_CHAIN_OUTLIVES_PARENT",
      { nbf: NOW - 60 },
      {},
    ),
    twoLinks("a root with dpth 0 and a child", "ERR_CHAIN_DEPTH_EXHAUSTED", { dpth: 0 }, {}),
    twoLinks(
      "a child whose dpth does not decrease",
      "ERR_CHAIN_DEPTH_WIDENED",
      { dpth: 2 },
      { dpth: 2 },
    ),
    twoLinks("a child that drops its parent's apr", "ERR_CHAIN_APPROVAL_DROPPED", { apr }, {}),
    twoLinks(
      "a child that needs fewer approvals",
      "ERR_CHAIN_APPROVAL_DROPPED",
      { apr },
      { apr: { k: 1, of: apr.of } },
    ),
    twoLinks(
      "a child that adds an approver",
      "ERR_CHAIN_APPROVAL_DROPPED",
      { apr },
      { apr: { k: 2, of: [...apr.of, mallory.did] } },
    ),
    twoLinks(
      "a child that lowers its parent's lvl",
      "ERR_CHAIN_LEVEL_LOWERED",
      { lvl: 3 },
      { lvl: 1 },
    ),
    twoLinks("a child that drops its parent's lvl", "ERR_CHAIN_LEVEL_LOWERED", { lvl: 3 }, {}),
  ];
}

function claimCases(): ChainCase[] {
  const cases: ChainCase[] = [];
  for (const [cmd, what] of [
    ["/twitter/../admin", ".."],
    ["/twitter//post", "//"],
    ["/Twitter", "upper case"],
    ["/twitter/", "a trailing slash"],
    ["twitter", "no leading slash"],
  ]) {
    const token = rawToken(
      header("ants-dlg+jwt", alice),
      JSON.stringify({ ...payloadOf(root()), cmd }),
      alice,
    );
    cases.push(fails(`a cmd with ${what}`, "ERR_CMD_MALFORMED", [token], invoke([token])));
  }
  const p = payloadOf(root());
  const raw = (payload: object) =>
    rawToken(header("ants-dlg+jwt", alice), JSON.stringify(payload), alice);
  const withClaims = (description: string, error: string, payload: object) =>
    fails(description, error, [raw(payload)], invoke([raw(payload)]));
  return [
    ...cases,
    withClaims("an unknown claim", "ERR_TOKEN_CLAIM_INVALID", { ...p, admin: true }),
    withClaims("exp missing", "ERR_TOKEN_CLAIM_INVALID", { ...p, exp: undefined }),
    withClaims("exp not an integer", "ERR_TOKEN_CLAIM_INVALID", { ...p, exp: NOW + 0.5 }),
    withClaims("nbf not below exp", "ERR_TOKEN_CLAIM_INVALID", { ...p, nbf: p.exp }),
    withClaims("an apr asking for more approvals than approvers", "ERR_TOKEN_CLAIM_INVALID", {
      ...p,
      apr: { k: 3, of: [erin.did, frank.did] },
    }),
    withClaims("an unknown policy operator", "ERR_POLICY_UNKNOWN_OPERATOR", {
      ...p,
      pol: [["matches", ".text", "^a"]],
    }),
    withClaims("an unknown operator nested under or", "ERR_POLICY_UNKNOWN_OPERATOR", {
      ...p,
      pol: [
        [
          "or",
          [
            ["==", ".a", 1],
            ["regex", ".a", "x"],
          ],
        ],
      ],
    }),
    withClaims("a malformed policy statement", "ERR_POLICY_MALFORMED", {
      ...p,
      pol: [["<", ".length"]],
    }),
    withClaims("a policy that is not an array", "ERR_POLICY_MALFORMED", { ...p, pol: { "==": 1 } }),
  ];
}

/** Chain-rule must-fail cases. */
export function ruleChainCases(): ChainCase[] {
  return [...shapeCases(), ...linkCases(), ...claimCases()];
}
