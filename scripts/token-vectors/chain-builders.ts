// Builders for chain vectors: a standard three-hop chain alice -> bob -> carol -> dan, and an
// invocation by dan signed with dan's session key.
import {
  type DelegationInput,
  type InvocationInput,
  signDelegation,
  signInvocation,
  tokenHash,
} from "../../packages/protocol/src/index.ts";
import { HOUR, KEYS, NOW, RELAY_URL, type VectorKey } from "./fixtures.ts";

const { alice, bob, carol, dan, danSession, relay } = KEYS;

/** One chain case as written to chains.json. */
export interface ChainCase {
  description: string;
  delegations: string[];
  invocation: string;
  now?: number;
  audience?: string;
  request?: { method: string; url: string };
  /** DID -> base64url public key that DID signs with now (a rotation). */
  rotatedKeys?: Record<string, string>;
  revoked?: { tokens?: string[]; kids?: string[]; epochs?: { issuer: string; before: number }[] };
  valid: boolean;
  error?: string;
  expect?: Record<string, unknown>;
}

/** Signs a delegation with fixed iat and jti. */
export function dlg(key: VectorKey, input: Omit<DelegationInput, "iat" | "jti">, jti: string) {
  return signDelegation({ ...input, iat: NOW, jti: `vector-${jti}` }, { signer: key.signer });
}

/** The root alice -> bob on /twitter, valid for two hours. */
export function root(extra: Partial<DelegationInput> = {}): string {
  return dlg(alice, { aud: bob.did, cmd: "/twitter", exp: NOW + 2 * HOUR, ...extra }, "root");
}

/** A child of `parent` issued by `from` to `to`, inheriting sub alice and exp NOW + 1 h. */
export function child(
  parent: string,
  from: VectorKey,
  to: VectorKey,
  extra: Partial<DelegationInput> = {},
  jti = `hop-${from.name}`,
): string {
  const input = { aud: to.did, sub: alice.did, cmd: "/twitter/post", exp: NOW + HOUR };
  return dlg(from, { ...input, prf: tokenHash(parent), ...extra }, jti);
}

/** alice -> bob -> carol -> dan on /twitter/post. */
export function threeHops(rootExtra: Partial<DelegationInput> = {}): string[] {
  const d0 = root(rootExtra);
  const d1 = child(d0, bob, carol);
  return [d0, d1, child(d1, carol, dan)];
}

/** dan's invocation of /twitter/post over `delegations`, signed by dan's session key. */
export function invoke(
  delegations: string[],
  extra: Partial<InvocationInput> = {},
  signer: VectorKey = danSession,
): string {
  const input: InvocationInput = {
    iss: dan.did,
    sub: alice.did,
    aud: relay.did,
    cmd: "/twitter/post",
    args: { text: "hello world", length: 11 },
    prf: delegations.map(tokenHash),
    htm: "POST",
    htu: RELAY_URL,
    iat: NOW,
    jti: "vector-invocation",
  };
  return signInvocation({ ...input, ...extra }, { signer: signer.signer });
}

/** A must-fail case. */
export function fails(
  description: string,
  error: string,
  delegations: string[],
  invocation: string,
  extra: Partial<ChainCase> = {},
): ChainCase {
  return { description, delegations, invocation, ...extra, valid: false, error };
}
