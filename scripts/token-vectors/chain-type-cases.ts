// Must-fail chain vectors about token types, sizes and signatures of whole chains: a token
// presented as another type, oversized invocations, unsafe numbers, forged links.
import { tokenHash } from "../../packages/protocol/src/index.ts";
import { type ChainCase, child, fails, invoke, threeHops } from "./chain-builders.ts";
import { flipSignatureBit, header, KEYS, malleate, NOW, payloadOf, rawToken } from "./fixtures.ts";

const { carol, dan, mallory } = KEYS;

/** Cases about token types and whole-chain signatures. */
export function typeCases(): ChainCase[] {
  const chain = threeHops();
  const asInvocation = invoke([chain[0]!]);
  const smuggled = [chain[0]!, asInvocation];
  return [
    fails("a delegation presented as the invocation", "ERR_JWS_TYP_MISMATCH", chain, chain[2]!),
    fails(
      "an invocation presented as a delegation",
      "ERR_JWS_TYP_MISMATCH",
      smuggled,
      invoke(smuggled),
    ),
    fails(
      "an approval presented as the invocation",
      "ERR_JWS_TYP_MISMATCH",
      chain,
      rawToken(
        header("ants-apr+jwt", KEYS.danSession),
        JSON.stringify({ iss: dan.did, inv: tokenHash(chain[2]!), iat: NOW, jti: "x" }),
        KEYS.danSession,
      ),
    ),
    fails(
      "an invocation larger than 65,536 bytes",
      "ERR_TOKEN_TOO_LARGE",
      chain,
      invoke(chain, { args: { text: "x".repeat(66_000) } }),
    ),
    fails(
      "an unsafe integer in args",
      "ERR_NUMBER_UNSAFE",
      chain,
      rawToken(
        header("ants-inv+jwt", KEYS.danSession),
        JSON.stringify(payloadOf(invoke(chain))).replace(
          '"length":11',
          '"length":9007199254740993',
        ),
        KEYS.danSession,
      ),
    ),
    fails(
      "an unsafe number in exponent form in args",
      "ERR_NUMBER_UNSAFE",
      chain,
      rawToken(
        header("ants-inv+jwt", KEYS.danSession),
        JSON.stringify(payloadOf(invoke(chain))).replace('"length":11', '"length":1e300'),
        KEYS.danSession,
      ),
    ),
    fails(
      "a child signed by mallory claiming to be carol",
      "ERR_JWS_KID_MISMATCH",
      [chain[0]!, chain[1]!, child(chain[1]!, mallory, dan, { iss: carol.did })],
      invoke([chain[0]!, chain[1]!, child(chain[1]!, mallory, dan, { iss: carol.did })]),
    ),
    fails(
      "a middle signature bit flipped",
      "ERR_SIGNATURE_INVALID",
      [chain[0]!, flipSignatureBit(chain[1]!), chain[2]!],
      invoke([chain[0]!, flipSignatureBit(chain[1]!), chain[2]!]),
    ),
    fails(
      "the invocation signed with dan's identity key instead of his session key",
      "ERR_JWS_KID_MISMATCH",
      chain,
      invoke(chain, {}, dan),
    ),
    fails(
      "a malleated invocation signature",
      "ERR_SIGNATURE_INVALID",
      chain,
      malleate(invoke(chain)),
    ),
  ];
}
