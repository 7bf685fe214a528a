import { didFromPublicKey, publicKeyFromDid } from "../did/did-key.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readDid,
  readTime,
} from "../jws/claim-checks.ts";
import { parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { HANDLE_BINDING_TYP } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import type { Ed25519Signer } from "../keys/ed25519.ts";
import { normalizeHandle } from "./normalize-handle.ts";

/**
 * The claims of a handle binding (docs/spec/handles.md 8.3): the relay `iss` states that, on
 * the relay at `origin`, `handle` is held by the agent `sub` since `since`, as of `iat`.
 */
export interface HandleBindingClaims {
  /** The relay's DID; its key signed the binding. */
  readonly iss: string;
  /** The holder's agent ID. */
  readonly sub: string;
  /** The canonical handle. */
  readonly handle: string;
  /** The relay's public origin, so `@handle@host` names exactly one binding. */
  readonly origin: string;
  /** When the holder took the handle (claim or accepted transfer). */
  readonly since: number;
  readonly iat: number;
  /** A short lifetime: a binding is a cacheable answer, not a credential. */
  readonly exp: number;
}

/** What a client expects of a binding; every field left out is not checked. */
export interface VerifyHandleBindingOptions {
  /** The relay's public key, from its JWKS or `/.well-known/ants-relay`. */
  relayKey: Uint8Array;
  /** The handle asked for, in any spelling `normalizeHandle` accepts. */
  handle?: string;
  /** The relay origin the client called. */
  origin?: string;
  /** Unix seconds. Default: the clock. */
  now?: number;
}

/** How long a binding stays valid by default: five minutes, like an access token. */
export const HANDLE_BINDING_TTL_SECONDS = 300;
/** A binding is small; the cap bounds the parse. */
export const MAX_HANDLE_BINDING_BYTES = 4096;

const MEMBERS = new Set(["iss", "sub", "handle", "origin", "since", "iat", "exp"]);
const MAX_ORIGIN_LENGTH = 2048;

/**
 * Signs a handle binding with the relay's key. `iss` is the did:key of the signer.
 *
 * @example
 * const binding = signHandleBinding(
 *   { sub: agent, handle: "kevin", origin: "https://relay.example.com", since, iat: now },
 *   relaySigner,
 * );
 */
export function signHandleBinding(
  input: Omit<HandleBindingClaims, "iss" | "exp"> & { exp?: number },
  signer: Ed25519Signer,
): string {
  const claims: HandleBindingClaims = {
    iss: didFromPublicKey(signer.publicKey),
    sub: input.sub,
    handle: input.handle,
    origin: input.origin,
    since: input.since,
    iat: input.iat,
    exp: input.exp ?? input.iat + HANDLE_BINDING_TTL_SECONDS,
  };
  readHandleBindingClaims({ ...claims });
  return signCompactJws(HANDLE_BINDING_TYP, claims, signer);
}

/**
 * Verifies a handle binding from a relay, in order: parse (tokens.md 4.3 with this `typ`),
 * claims, signature under `relayKey`, `iss` the did:key of that key, then the handle, origin
 * and time window asked for. Throws parse and signature codes, ERR_TOKEN_CLAIM_INVALID,
 * ERR_HANDLE_BINDING_INVALID, ERR_TOKEN_NOT_YET_VALID or ERR_TOKEN_EXPIRED.
 *
 * @example
 * const { sub } = verifyHandleBinding(answer.binding, { relayKey, handle: "kevin" });
 */
export function verifyHandleBinding(
  token: unknown,
  options: VerifyHandleBindingOptions,
): HandleBindingClaims {
  const jws = parseCompactJws(token, {
    typ: HANDLE_BINDING_TYP,
    maxBytes: MAX_HANDLE_BINDING_BYTES,
  });
  const claims = readHandleBindingClaims(jws.payload);
  verifyJwsSignature(jws, options.relayKey);

  if (claims.iss !== didFromPublicKey(options.relayKey)) {
    throw invalid("iss: not the DID of the relay key");
  }
  if (options.handle !== undefined && claims.handle !== normalizeHandle(options.handle)) {
    throw invalid("handle: not the handle asked for");
  }
  if (options.origin !== undefined && claims.origin !== options.origin) {
    throw invalid("origin: not the relay asked");
  }

  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (claims.iat > now + MAX_CLOCK_SKEW_SECONDS) {
    throw new ProtocolError("ERR_TOKEN_NOT_YET_VALID", "iat: in the future");
  }
  if (now >= claims.exp + MAX_CLOCK_SKEW_SECONDS) {
    throw new ProtocolError("ERR_TOKEN_EXPIRED", "exp: the binding has expired");
  }
  return claims;
}

/**
 * Checks a binding's payload: exactly the members of 8.3, each of the right shape. Throws
 * ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * readHandleBindingClaims(jws.payload);
 */
export function readHandleBindingClaims(payload: Claims): HandleBindingClaims {
  assertOnlyMembers(payload, MEMBERS, "binding");
  const iss = readDid(payload.iss, "iss");
  const sub = readDid(payload.sub, "sub");
  publicKeyFromDid(sub);
  const handle = payload.handle;
  if (typeof handle !== "string" || normalizeHandle(handle) !== handle) {
    claimInvalid("handle", "a handle in canonical form");
  }
  const origin = payload.origin;
  if (typeof origin !== "string" || origin.length < 1 || origin.length > MAX_ORIGIN_LENGTH) {
    claimInvalid("origin", "the relay's origin URL");
  }
  const since = readTime(payload.since, "since");
  const iat = readTime(payload.iat, "iat");
  const exp = readTime(payload.exp, "exp");
  if (since > iat || exp <= iat) claimInvalid("since, iat, exp", "since <= iat < exp");
  return { iss, sub, handle, origin, since, iat, exp };
}

function invalid(message: string): ProtocolError {
  return new ProtocolError("ERR_HANDLE_BINDING_INVALID", message);
}
