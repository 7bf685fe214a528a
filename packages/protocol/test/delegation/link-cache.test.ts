import { describe, expect, it } from "vitest";
import {
  attenuate,
  isProtocolError,
  LinkCache,
  type RevocationQuery,
  signDelegation,
  signInvocation,
  tokenHash,
  verifyChain,
} from "../../src/index.ts";
import { HTU, RELAY, T0, testAgent } from "../support/agents.ts";

const [alice, bob, carol] = ["alice", "bob", "carol"].map(testAgent) as [
  ReturnType<typeof testAgent>,
  ReturnType<typeof testAgent>,
  ReturnType<typeof testAgent>,
];
const root = signDelegation({ aud: bob.did, cmd: "/svc", exp: T0 + 600 }, { signer: alice.signer });
const child = attenuate(root, { aud: carol.did }, { signer: bob.signer });
const delegations = [root, child];
const invocation = (iat = T0) =>
  signInvocation(
    {
      sub: alice.did,
      aud: RELAY.did,
      cmd: "/svc",
      args: {},
      delegations,
      htm: "GET",
      htu: HTU,
      iat,
    },
    { signer: carol.signer },
  );

function verify(cache: LinkCache, extra: object = {}) {
  return verifyChain({
    delegations,
    invocation: invocation(),
    now: T0,
    audience: RELAY.did,
    cache,
    ...extra,
  });
}

describe("LinkCache", () => {
  it("caches every verified link by token hash", () => {
    const cache = new LinkCache();
    verify(cache);
    expect(cache.size).toBe(2);
    expect(cache.get(tokenHash(child))?.claims.aud).toBe(carol.did);
  });

  it("skips key resolution for cached links but not for the invocation", () => {
    const cache = new LinkCache();
    const resolved: string[] = [];
    const resolveKey = (did: string) => {
      resolved.push(did);
      return [alice, bob, carol].find((a) => a.did === did)!.signer.publicKey;
    };
    verify(cache, { resolveKey });
    verify(cache, { resolveKey });
    expect(resolved).toEqual([alice.did, bob.did, carol.did, carol.did]);
  });

  it("still checks revocation and expiry on cached links", () => {
    const cache = new LinkCache();
    verify(cache);
    const isRevoked = (q: RevocationQuery) => q.tokenHash === tokenHash(root) && "token";
    expect(codeOf(() => verify(cache, { isRevoked }))).toBe("ERR_REVOKED_TOKEN");
    const later = { now: T0 + 600, invocation: invocation(T0 + 600) };
    expect(codeOf(() => verify(cache, later))).toBe("ERR_TOKEN_EXPIRED");
  });

  it("flushes one token and its descendants by hash", () => {
    const cache = new LinkCache();
    verify(cache);
    expect(cache.flush(tokenHash(root))).toBe(2);
    expect(cache.size).toBe(0);
  });

  it("flushes by issuer DID and by key thumbprint", () => {
    const cache = new LinkCache();
    verify(cache);
    expect(cache.flush(bob.did)).toBe(1);
    expect(cache.get(tokenHash(root))).toBeDefined();
    verify(cache);
    expect(cache.flush(alice.kid)).toBe(2);
  });

  it("flushes everything, and forgets the least recently used beyond capacity", () => {
    const cache = new LinkCache({ capacity: 1 });
    verify(cache);
    expect(cache.size).toBe(1);
    expect(cache.get(tokenHash(child))).toBeDefined();
    cache.flushAll();
    expect(cache.size).toBe(0);
    expect(() => new LinkCache({ capacity: 0 })).toThrow(RangeError);
  });

  it("ignores a cached link presented at another position", () => {
    const cache = new LinkCache();
    verify(cache);
    const reordered = [child, root];
    const inv = signInvocation(
      {
        sub: alice.did,
        aud: RELAY.did,
        cmd: "/svc",
        args: {},
        delegations: reordered,
        htm: "GET",
        htu: HTU,
        iat: T0,
      },
      { signer: carol.signer },
    );
    const run = () =>
      verifyChain({ delegations: reordered, invocation: inv, now: T0, audience: RELAY.did, cache });
    expect(codeOf(run)).toBe("ERR_CHAIN_PROOF_MISMATCH");
  });
});

function codeOf(run: () => unknown): string {
  try {
    run();
    return "none";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}
