// Must-fail chain vectors for time, the invocation against its chain, keys and revocation
// (spec 4.4 steps 4.4 to 4.7, 5, 6 and 7).
import { didFromPublicKey, tokenHash } from "../../packages/protocol/src/index.ts";
import { type ChainCase, child, dlg, fails, invoke, root, threeHops } from "./chain-builders.ts";
import { HOUR, header, KEYS, NOW, payloadOf, RELAY_URL, rawToken } from "./fixtures.ts";

const { alice, bob, carol, dan, mallory } = KEYS;

function timeCases(): ChainCase[] {
  const chain = threeHops();
  const future = [root({ nbf: NOW + 600 })];
  return [
    fails("an expired delegation", "ERR_TOKEN_EXPIRED", chain, invoke(chain, { iat: NOW + HOUR }), {
      now: NOW + HOUR,
    }),
    fails("a delegation not yet valid", "ERR_TOKEN_NOT_YET_VALID", future, invoke(future)),
    fails(
      "an invocation 61 s old",
      "ERR_INVOCATION_CLOCK_SKEW",
      chain,
      invoke(chain, { iat: NOW - 61 }),
    ),
  ];
}

function invocationCases(): ChainCase[] {
  const chain = threeHops();
  const toCarol = [root(), child(root(), bob, carol)];
  const big = Array.from({ length: 60 }, () => "a");
  const strict = [
    dlg(
      alice,
      { aud: dan.did, cmd: "/twitter", exp: NOW + HOUR, pol: [["<=", ".length", 10]] },
      "strict",
    ),
  ];
  const heavy = [root({ pol: [["any", ".xs", ["like", ".", "*a".repeat(2000)]]] })];
  heavy.push(child(heavy[0]!, bob, dan));
  return [
    fails(
      "the leaf's audience is not the invoker",
      "ERR_CHAIN_AUDIENCE_NOT_INVOKER",
      toCarol,
      invoke(toCarol),
    ),
    fails(
      "an invocation for another principal",
      "ERR_INVOCATION_SUBJECT_MISMATCH",
      chain,
      invoke(chain, { sub: mallory.did }),
    ),
    fails(
      "an invocation of a command outside the chain",
      "ERR_INVOCATION_CMD_MISMATCH",
      chain,
      invoke(chain, { cmd: "/twitter/delete" }),
    ),
    fails(
      "an invocation of a sibling command",
      "ERR_INVOCATION_CMD_MISMATCH",
      chain,
      invoke(chain, { cmd: "/twitter/postx" }),
    ),
    fails(
      "an invocation addressed to another relay",
      "ERR_INVOCATION_AUDIENCE",
      chain,
      invoke(chain, { aud: mallory.did }),
    ),
    fails(
      "an invocation bound to another request",
      "ERR_INVOCATION_HTTP_MISMATCH",
      chain,
      invoke(chain, { htu: "https://relay.example/v1/other" }),
      { request: { method: "POST", url: RELAY_URL } },
    ),
    fails("arguments that fail a policy", "ERR_POLICY_FAILED", strict, invoke(strict)),
    fails(
      "a policy over the step budget",
      "ERR_POLICY_TOO_COMPLEX",
      heavy,
      invoke(heavy, { args: { xs: big } }),
    ),
  ];
}

function keyCases(): ChainCase[] {
  const chain = threeHops();
  const web = [dlg(alice, { aud: "did:web:example.com", cmd: "/twitter", exp: NOW + HOUR }, "web")];
  web.push(
    rawToken(
      header("ants-dlg+jwt", mallory),
      JSON.stringify({
        iss: "did:web:example.com",
        aud: dan.did,
        sub: alice.did,
        cmd: "/twitter",
        exp: NOW + HOUR,
        iat: NOW,
        jti: "web-child",
        prf: tokenHash(web[0]!),
        pol: [],
      }),
      mallory,
    ),
  );
  // did:key of the identity point (0x01 then zeros), a small-order key.
  const smallOrder = didFromPublicKey(new Uint8Array(32).fill(0, 1).fill(1, 0, 1));
  const weak = [
    rawToken(
      header("ants-dlg+jwt", mallory),
      JSON.stringify({ ...payloadOf(root()), iss: smallOrder, sub: smallOrder }),
      mallory,
    ),
  ];
  return [
    fails("an issuer whose DID resolves to no key", "ERR_KEY_UNKNOWN", web, invoke(web)),
    fails(
      "an issuer whose did:key is a small-order point",
      "ERR_KEY_SMALL_ORDER",
      weak,
      invoke(weak, { sub: smallOrder }),
    ),
    fails(
      "bob's delegation signed with his old key after a rotation",
      "ERR_JWS_KID_MISMATCH",
      chain,
      invoke(chain),
      { rotatedKeys: { [bob.did]: KEYS.bobRotated.publicKey } },
    ),
    fails("a revoked delegation", "ERR_REVOKED_TOKEN", chain, invoke(chain), {
      revoked: { tokens: [tokenHash(chain[1]!)] },
    }),
    fails("a revoked signing key", "ERR_REVOKED_KEY", chain, invoke(chain), {
      revoked: { kids: [carol.kid] },
    }),
    fails("a revoked issuer epoch", "ERR_REVOKED_EPOCH", chain, invoke(chain), {
      revoked: { epochs: [{ issuer: alice.did, before: NOW + 1 }] },
    }),
    fails("a revoked session key", "ERR_REVOKED_KEY", chain, invoke(chain), {
      revoked: { kids: [KEYS.danSession.kid] },
    }),
    fails(
      "an invocation audience check against the relay",
      "ERR_INVOCATION_AUDIENCE",
      chain,
      invoke(chain),
      { audience: mallory.did },
    ),
  ];
}

/** Must-fail cases for time, invocations, keys and revocation. */
export function invocationChainCases(): ChainCase[] {
  return [...timeCases(), ...invocationCases(), ...keyCases()];
}
