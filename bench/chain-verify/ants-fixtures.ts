// The chain every row of the benchmark verifies: alice -> bob -> carol -> dan on /twitter/post
// with a policy on two links, and dan's invocations signed by his session key.
import { createPublicKey, type KeyObject } from "node:crypto";
import {
  attenuate,
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  LinkCache,
  signDelegation,
  signInvocation,
  verifyChain,
} from "../../packages/protocol/src/index.ts";

const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A benchmark agent. */
export interface BenchAgent {
  readonly signer: Ed25519Signer;
  readonly did: string;
  readonly keyObject: KeyObject;
}

function agent(byte: number): BenchAgent {
  const signer = createSigner(new Uint8Array(32).fill(byte));
  const keyObject = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, signer.publicKey]),
    format: "der",
    type: "spki",
  });
  return { signer, did: didFromPublicKey(signer.publicKey), keyObject };
}

export const NOW = Math.floor(Date.now() / 1000);
export const AGENTS = {
  alice: agent(1),
  bob: agent(2),
  carol: agent(3),
  dan: agent(4),
  danSession: agent(5),
  relay: agent(6),
};
const ARGS = { text: "hello from the benchmark", length: 24, tags: ["bench"] };
const HTU = "https://relay.example/v1/authorize";

/** The three delegations, root first. */
export function buildDelegations(): string[] {
  const { alice, bob, carol, dan } = AGENTS;
  const root = signDelegation(
    { aud: bob.did, cmd: "/twitter", exp: NOW + 86_400, pol: [["<=", ".length", 280]] },
    { signer: alice.signer },
  );
  const hop = attenuate(root, { aud: carol.did, cmd: "/twitter/post" }, { signer: bob.signer });
  const leaf = attenuate(
    [root, hop],
    { aud: dan.did, pol: [["any", ".tags", ["==", ".", "bench"]]] },
    {
      signer: carol.signer,
    },
  );
  return [root, hop, leaf];
}

/** `count` invocations of the same action, each with its own jti (so each is fresh). */
export function buildInvocations(delegations: string[], count: number): string[] {
  const { alice, dan, danSession, relay } = AGENTS;
  return Array.from({ length: count }, (_, i) =>
    signInvocation(
      {
        iss: dan.did,
        sub: alice.did,
        aud: relay.did,
        cmd: "/twitter/post",
        args: ARGS,
        delegations,
        htm: "POST",
        htu: HTU,
        jti: `bench-${i}`,
      },
      { signer: danSession.signer, now: NOW },
    ),
  );
}

// A relay answers key lookups from memory; so does the benchmark.
const identityKeys = new Map(
  Object.values(AGENTS).map((a) => [a.did, a.signer.publicKey] as const),
);
const sessionKey = AGENTS.danSession.signer.publicKey;

// Hooks are created once, as a relay would hold them, not per request.
const resolveKey = (did: string) => identityKeys.get(did);
const invocationKey = () => sessionKey;
const isRevoked = (): false => false;

/** Verifies one chain plus invocation as the relay would, with an optional link cache. */
export function antsVerify(delegations: string[], invocation: string, cache?: LinkCache): void {
  verifyChain({
    delegations,
    invocation,
    now: NOW,
    audience: AGENTS.relay.did,
    resolveKey,
    invocationKey,
    isRevoked,
    cache,
  });
}

/** A link cache already holding the chain. */
export function warmCache(delegations: string[], invocation: string): LinkCache {
  const cache = new LinkCache();
  antsVerify(delegations, invocation, cache);
  return cache;
}
