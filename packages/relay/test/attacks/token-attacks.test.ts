import { AccessGuard } from "@ants/client";
import {
  decodeBase64url,
  didFromPublicKey,
  encodeBase64url,
  jwkThumbprint,
  signDpopProof,
} from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize, childDelegation, invocationFor } from "../helpers/scenario.ts";
import type { TestAgent } from "../helpers/test-agent.ts";
import { kidOf, revoke } from "../revocation/revocation-helpers.ts";
import {
  type AttackWorld,
  forgedJws,
  rootFor,
  startAttackWorld,
  withPart,
} from "./attack-world.ts";

// Issue 13, attack suite: access tokens replayed or bent at a resource server (the SDK's
// AccessGuard), a delegation backdated after its key was compromised, and forged keys and
// malleated signatures inside the tokens of a chain.
const RESOURCE = "https://api.example";
let world: AttackWorld;
let kevin: TestAgent;
let guard: AccessGuard;
beforeAll(async () => {
  world = await startAttackWorld();
  kevin = await world.agent();
  guard = new AccessGuard({
    issuer: world.relay.url,
    audience: RESOURCE,
    now: () => world.clock.now,
  });
});
afterAll(async () => {
  await world.close();
});

// RFC 8032 section 5.1.7: L, the order of the base point.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** An access token for kevin to post `args` at RESOURCE, from a fresh chain. */
async function accessToken(args: Record<string, string>): Promise<string> {
  const { principal, root } = rootFor(world, kevin);
  const invocation = invocationFor(kevin, [root], {
    cmd: "/social/post",
    args,
    principal: principal.did,
  });
  const answer = await authorize(kevin, { invocation, chain: [root], resource: RESOURCE });
  expect(answer.body.decision).toBe("allow");
  return answer.body.accessToken as string;
}

/** The request kevin's SDK would send to RESOURCE with `token`, its proof signed by his session key. */
function request(token: string, args: unknown) {
  const dpop = signDpopProof(
    { htm: "POST", htu: `${RESOURCE}/posts`, accessToken: token },
    { signer: kevin.sessionSigner, now: world.clock.now },
  );
  return { method: "POST", url: "/posts", authorization: `DPoP ${token}`, dpop, args };
}

async function codeOf(check: Promise<unknown>): Promise<unknown> {
  return check.then(
    () => "accepted",
    (error: { code?: unknown }) => error.code,
  );
}

describe("access tokens at the resource server", () => {
  it("refuses an access token used twice with ERR_ACCESS_TOKEN_REPLAYED", async () => {
    const token = await accessToken({ text: "hi" });
    await guard.check(request(token, { text: "hi" }), { cmd: "/social/post" });
    const again = guard.check(request(token, { text: "hi" }), { cmd: "/social/post" });
    expect(await codeOf(again)).toBe("ERR_ACCESS_TOKEN_REPLAYED");
  });

  it("refuses an access token reused with other args with ERR_ACCESS_TOKEN_ARGS_MISMATCH", async () => {
    const token = await accessToken({ text: "hi" });
    const other = guard.check(request(token, { text: "buy now" }), { cmd: "/social/post" });
    expect(await codeOf(other)).toBe("ERR_ACCESS_TOKEN_ARGS_MISMATCH");
  });

  it("refuses a relay session token presented as an access token with ERR_ACCESS_TOKEN_INVALID", async () => {
    const check = guard.check(request(kevin.session, {}), { cmd: "/social/post" });
    expect(await codeOf(check)).toBe("ERR_ACCESS_TOKEN_INVALID");
  });
});

describe("access tokens for another audience", () => {
  it("refuses, at the resource server, a token minted for another resource with ERR_ACCESS_TOKEN_AUDIENCE", async () => {
    const token = await accessToken({ text: "hi" });
    const elsewhere = new AccessGuard({
      issuer: world.relay.url,
      audience: "https://other.example",
      now: () => world.clock.now,
    });
    const check = elsewhere.check(request(token, { text: "hi" }), { cmd: "/social/post" });
    expect(await codeOf(check)).toBe("ERR_ACCESS_TOKEN_AUDIENCE");
  });

  it("refuses to mint an access token for the relay itself with ERR_RESOURCE_IS_RELAY", async () => {
    const { principal, root } = rootFor(world, kevin);
    const invocation = invocationFor(kevin, [root], {
      cmd: "/social/post",
      args: {},
      principal: principal.did,
    });
    const answer = await authorize(kevin, { invocation, chain: [root], resource: world.relay.url });
    expect(answer.body.code).toBe("ERR_RESOURCE_IS_RELAY");
  });
});

describe("keys and signatures inside a chain", () => {
  it("denies a delegation backdated before its key's compromise with ERR_REVOKED_KEY", async () => {
    const bob = await world.agent();
    const { principal, root } = rootFor(world, bob);
    world.clock.now += 20;
    await revoke(world.target, world.clock, bob, {
      kind: "key",
      target: kidOf(bob),
      compromisedSince: world.clock.now - 10,
    });
    // The thief signs with bob's stolen key and writes an iat from an hour before.
    const backdated = childDelegation([root], bob, kevin, {
      cmd: "/social/post",
      now: world.clock.now - 3600,
    });
    const invocation = invocationFor(kevin, [root, backdated], {
      cmd: "/social/post",
      args: {},
      principal: principal.did,
    });
    const answer = await authorize(kevin, { invocation, chain: [root, backdated] });
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_REVOKED_KEY" });
  });

  it("denies a root delegation from a small-order public key with ERR_KEY_SMALL_ORDER", async () => {
    // The neutral point: R = encode(identity) and S = 0 satisfy [S]B = R + [k]A for any k.
    const neutral = new Uint8Array(32);
    neutral[0] = 1;
    const forger = didFromPublicKey(neutral);
    const now = world.clock.now;
    const header = { alg: "EdDSA", typ: "ants-dlg+jwt", kid: jwkThumbprint(neutral) };
    const claims = {
      iss: forger,
      aud: kevin.did,
      sub: forger,
      cmd: "/social",
      pol: [],
      exp: now + 600,
      iat: now,
      jti: "small-order-root-1",
    };
    const root = forgedJws(header, claims, Uint8Array.from([1, ...new Uint8Array(63)]));
    const invocation = invocationFor(kevin, [root], {
      cmd: "/social/post",
      args: {},
      principal: forger,
    });
    const answer = await authorize(kevin, { invocation, chain: [root] });
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_KEY_SMALL_ORDER" });
  });

  it("denies a delegation whose signature was malleated to S + L with ERR_SIGNATURE_INVALID", async () => {
    const { principal, root } = rootFor(world, kevin);
    const signature = decodeBase64url(root.split(".")[2]!, "signature");
    const s = leToBigInt(signature.subarray(32)) + L;
    const malleated = withPart(
      root,
      2,
      encodeBase64url(Buffer.concat([signature.subarray(0, 32), bigIntToLe(s)])),
    );
    const invocation = invocationFor(kevin, [malleated], {
      cmd: "/social/post",
      args: {},
      principal: principal.did,
    });
    const answer = await authorize(kevin, { invocation, chain: [malleated] });
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_SIGNATURE_INVALID" });
  });

  it("denies an invocation whose signature was malleated to S + L with ERR_SIGNATURE_INVALID", async () => {
    const { principal, root } = rootFor(world, kevin);
    const invocation = invocationFor(kevin, [root], {
      cmd: "/social/post",
      args: {},
      principal: principal.did,
    });
    const signature = decodeBase64url(invocation.split(".")[2]!, "signature");
    const s = leToBigInt(signature.subarray(32)) + L;
    const malleated = withPart(
      invocation,
      2,
      encodeBase64url(Buffer.concat([signature.subarray(0, 32), bigIntToLe(s)])),
    );
    const answer = await authorize(kevin, { invocation: malleated, chain: [root] });
    expect(answer.body.code ?? answer.body.reason).toBe("ERR_SIGNATURE_INVALID");
  });
});

function leToBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString("hex")}`);
}

function bigIntToLe(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, "0"), "hex").reverse());
}
