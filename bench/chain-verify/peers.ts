// The peers the benchmark compares against, each on the same work as far as its model allows:
// jose on the same four JWS, biscuit on a three-block token with equivalent checks, and UCAN
// 0.10 (@ucans/ucans) on a three-hop chain plus the invoker's token. A peer that does not
// install or load is reported as skipped, with the reason.
import { readFileSync } from "node:fs";
import { compactVerify } from "jose";
import { AGENTS, NOW } from "./ants-fixtures.ts";

/** A prepared peer: one verification per call. */
export interface Peer {
  readonly name: string;
  /** Signature checks one verification performs. */
  readonly signatures: number;
  readonly verify: () => unknown;
}

/** jose's compactVerify on the same four JWS, keys imported once. */
export function josePeer(delegations: string[], invocation: string): Peer {
  const { alice, bob, carol, danSession } = AGENTS;
  const pairs = [
    [delegations[0]!, alice.keyObject],
    [delegations[1]!, bob.keyObject],
    [delegations[2]!, carol.keyObject],
    [invocation, danSession.keyObject],
  ] as const;
  return {
    name: "jose compactVerify, same 4 JWS",
    signatures: 4,
    verify: async () => {
      for (const [token, key] of pairs) await compactVerify(token, key);
    },
  };
}

// biscuit-wasm is built for bundlers; Node 20 cannot import its .wasm as a module, so the
// module is instantiated by hand the way a bundler would.
async function loadBiscuit() {
  const dir = new URL("./", import.meta.resolve("@biscuit-auth/biscuit-wasm"));
  const bg = await import(new URL("biscuit_bg.js", dir).href);
  const snippetName = "./snippets/biscuit-auth-4a94c16b4e5134af/inline0.js";
  const snippet = await import(new URL(snippetName, dir).href);
  const module = new WebAssembly.Module(readFileSync(new URL("biscuit_bg.wasm", dir)));
  const instance = new WebAssembly.Instance(module, {
    "./biscuit_bg.js": bg,
    [snippetName]: snippet,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
  return bg;
}

const LIMITS = { max_facts: 1000, max_iterations: 100, max_time_micro: 1_000_000 };

/** biscuit: authority block plus two attenuation blocks; parse, verify and authorize. */
export async function biscuitPeer(): Promise<Peer> {
  const bg = await loadBiscuit();
  const root = new bg.KeyPair();
  const builder = bg.Biscuit.builder();
  builder.addCode(`right("/twitter"); principal("${AGENTS.alice.did}");`);
  let token = builder.build(root.getPrivateKey());
  for (const code of [
    `check if operation($op), $op.starts_with("/twitter/post"); check if time($t), $t <= ${NOW + 86_400};`,
    `check if length($l), $l <= 280; check if tag("bench");`,
  ]) {
    const block = bg.Biscuit.block_builder();
    block.addCode(code);
    token = token.appendBlock(block);
  }
  const encoded: string = token.toBase64();
  const rootPublic = root.getPublicKey();
  return {
    name: "biscuit-wasm 0.5.0, 3 blocks + authorizer",
    signatures: 3,
    verify: () => {
      const parsed = bg.Biscuit.fromBase64(encoded, rootPublic);
      const authorizer = new bg.Authorizer();
      authorizer.addToken(parsed);
      authorizer.addCode(
        `operation("/twitter/post"); time(${NOW}); length(24); tag("bench"); allow if right("/twitter");`,
      );
      // The default 1 ms time limit trips on a loaded machine; the work is the same.
      authorizer.authorizeWithLimits(LIMITS);
      authorizer.free();
      parsed.free();
    },
  };
}

/** UCAN 0.10: alice -> bob -> carol -> dan, and dan -> relay as the invocation. */
export async function ucanPeer(): Promise<Peer> {
  const ucans = await import("@ucans/ucans");
  const keys = await Promise.all([0, 1, 2, 3, 4].map(() => ucans.EdKeypair.create()));
  const capability = {
    with: { scheme: "svc", hierPart: "//twitter" },
    can: { namespace: "twitter", segments: ["post"] },
  };
  let proof: string | undefined;
  for (let i = 0; i < 4; i++) {
    const ucan = await ucans.build({
      issuer: keys[i]!,
      audience: keys[i + 1]!.did(),
      capabilities: [capability],
      lifetimeInSeconds: 86_400,
      ...(proof !== undefined && { proofs: [proof] }),
    });
    proof = ucans.encode(ucan);
  }
  const outer = proof!;
  const options = {
    audience: keys[4]!.did(),
    requiredCapabilities: [{ capability, rootIssuer: keys[0]!.did() }],
  };
  return {
    name: "@ucans/ucans 0.12.0, 3 hops + invoker",
    signatures: 4,
    verify: async () => {
      const result = await ucans.verify(outer, options);
      if (!result.ok) throw new Error("ucan chain refused");
    },
  };
}
