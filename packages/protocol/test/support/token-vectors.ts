// Loads the token conformance vectors of docs/spec/vectors/ and turns a chain case's inputs
// into verifier hooks, exactly as a relay would supply them.
import { readFileSync } from "node:fs";
import {
  decodeBase64url,
  type KeyResolver,
  type RevocationCheck,
  resolveDidKey,
  type VerifyChainOptions,
} from "../../src/index.ts";

const VECTORS = new URL("../../../../docs/spec/vectors/", import.meta.url);

/** Parses one vector file. */
export function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, VECTORS), "utf8")) as T;
}

/** One case of chains.json. */
export interface ChainVectorCase {
  description: string;
  delegations: string[];
  invocation: string;
  now?: number;
  audience?: string;
  request?: { method: string; url: string };
  rotatedKeys?: Record<string, string>;
  revoked?: { tokens?: string[]; kids?: string[]; epochs?: { issuer: string; before: number }[] };
  valid: boolean;
  error?: string;
  expect?: Record<string, unknown>;
}

/** chains.json. */
export interface ChainVectorFile {
  now: number;
  audience: string;
  sessionKeys: Record<string, string>;
  cases: ChainVectorCase[];
}

/** verifyChain options for a case: key rotation, session keys and revocations as hooks. */
export function chainOptions(file: ChainVectorFile, c: ChainVectorCase): VerifyChainOptions {
  const resolveKey: KeyResolver = (did, atTime, kid) => {
    const rotated = c.rotatedKeys?.[did];
    return rotated === undefined ? resolveDidKey(did, atTime, kid) : decodeBase64url(rotated);
  };
  const isRevoked: RevocationCheck = (query) => {
    if (c.revoked?.tokens?.includes(query.tokenHash)) return "token";
    if (c.revoked?.kids?.includes(query.kid)) return "key";
    const epochs = c.revoked?.epochs ?? [];
    return epochs.some((e) => e.issuer === query.issuer && query.seenAt < e.before) && "epoch";
  };
  return {
    delegations: c.delegations,
    invocation: c.invocation,
    now: c.now ?? file.now,
    audience: c.audience ?? file.audience,
    ...(c.request !== undefined && { request: c.request }),
    resolveKey,
    isRevoked,
    invocationKey: (actor, kid, atTime) => {
      const session = file.sessionKeys[actor];
      return session === undefined ? resolveKey(actor, atTime, kid) : decodeBase64url(session);
    },
  };
}
