import { publicKeyFromDid } from "../did/did-key.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readDid,
  readHash,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";
import { type ParsedJws, parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { HANDLE_STATEMENT_TYP } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import { normalizeHandle } from "./normalize-handle.ts";

/** What a handle statement asks the relay to do (docs/spec/handles.md 8.2). */
export type HandleAction = "claim" | "transfer" | "accept" | "release" | "revoke";

/** The claims of a handle statement. Exactly one of the action's own members is present. */
export interface HandleStatementClaims {
  /** The acting agent's DID. */
  readonly iss: string;
  /** The relay's DID. */
  readonly aud: string;
  readonly act: HandleAction;
  /** The canonical handle. */
  readonly handle: string;
  /** claim: the challenge seed the proof of work was done for. */
  readonly seed?: string;
  /** transfer: the agent the holder offers the handle to. */
  readonly to?: string;
  /** accept: the token hash of the transfer statement being accepted. */
  readonly offer?: string;
  /** revoke: why the operator revokes it. */
  readonly reason?: string;
  /** The request's method and URL: the statement is the request's proof of possession. */
  readonly htm: string;
  readonly htu: string;
  readonly iat: number;
  readonly jti: string;
}

/** Inputs of {@link signHandleStatement}; `iat` and `jti` default to now and 128 random bits. */
export type HandleStatementInput = Omit<HandleStatementClaims, "iat" | "jti"> & {
  iat?: number;
  jti?: string;
};

/** A handle statement that parsed, before its signature is checked. */
export interface ParsedHandleStatement {
  readonly jws: ParsedJws;
  readonly claims: HandleStatementClaims;
}

/** What the relay expects of a statement (docs/spec/handles.md 8.2, checks 3 to 6). */
export interface VerifyHandleStatementOptions {
  /** The session public key the caller's session token is bound to. */
  sessionKey: Uint8Array;
  /** The agent the session belongs to. */
  agent: string;
  /** The relay's DID. */
  relay: string;
  /** The action and canonical handle the endpoint serves. */
  act: HandleAction;
  handle: string;
  /** The request's method and URL (the relay's public origin plus the path). */
  method: string;
  url: string;
  now: number;
}

/** A handle statement is a few hundred bytes; 4 KiB leaves room and bounds the parse. */
export const MAX_HANDLE_STATEMENT_BYTES = 4096;

const BASE_MEMBERS = ["iss", "aud", "act", "handle", "htm", "htu", "iat", "jti"];
/** Each action's own member: the one thing the signer commits to besides the handle. */
const ACTION_MEMBER: Record<HandleAction, "seed" | "to" | "offer" | "reason" | undefined> = {
  claim: "seed",
  transfer: "to",
  accept: "offer",
  release: undefined,
  revoke: "reason",
};
const SEED_PATTERN = /^[A-Za-z0-9_-]{64}$/;
const METHOD_PATTERN = /^[A-Z]{1,16}$/;
const MAX_URL_LENGTH = 2048;
const MAX_REASON_LENGTH = 256;

/**
 * Signs a handle statement with the agent's session key; the statement is both the agent's
 * signed intent and the request's proof of possession (docs/spec/handles.md 8.2).
 *
 * @example
 * const statement = signHandleStatement(
 *   { iss: agent, aud: relayDid, act: "release", handle: "kevin", htm: "POST", htu },
 *   { signer: sessionKey },
 * );
 */
export function signHandleStatement(
  input: HandleStatementInput,
  options: SignTokenOptions,
): string {
  const claims = { ...input, iat: input.iat ?? issuedAt(options), jti: input.jti ?? randomJti() };
  readHandleStatementClaims(claims);
  return signCompactJws(HANDLE_STATEMENT_TYP, claims, options.signer);
}

/**
 * Checks a handle statement's payload against docs/spec/handles.md 8.2: only the members of its
 * action, each of the right shape. Throws ERR_TOKEN_CLAIM_INVALID or ERR_HANDLE_INVALID.
 *
 * @example
 * const claims = readHandleStatementClaims(jws.payload);
 */
export function readHandleStatementClaims(payload: Claims): HandleStatementClaims {
  const act = payload.act;
  if (typeof act !== "string" || !Object.hasOwn(ACTION_MEMBER, act)) {
    claimInvalid("act", "claim, transfer, accept, release or revoke");
  }
  const own = ACTION_MEMBER[act as HandleAction];
  assertOnlyMembers(payload, new Set([...BASE_MEMBERS, ...(own ? [own] : [])]), "statement");
  const handle = payload.handle;
  if (typeof handle !== "string" || normalizeHandle(handle) !== handle) {
    claimInvalid("handle", "a handle in canonical form");
  }
  if (typeof payload.htm !== "string" || !METHOD_PATTERN.test(payload.htm)) {
    claimInvalid("htm", "an HTTP method");
  }
  if (typeof payload.htu !== "string" || payload.htu.length > MAX_URL_LENGTH) {
    claimInvalid("htu", "the request URL");
  }
  return {
    iss: readDid(payload.iss, "iss"),
    aud: readDid(payload.aud, "aud"),
    act: act as HandleAction,
    handle,
    ...readActionMember(own, payload),
    htm: payload.htm,
    htu: payload.htu,
    iat: readTime(payload.iat, "iat"),
    jti: readJti(payload.jti),
  };
}

function readActionMember(
  own: string | undefined,
  payload: Claims,
): Partial<HandleStatementClaims> {
  const value = own === undefined ? undefined : payload[own];
  switch (own) {
    case "seed":
      if (typeof value !== "string" || !SEED_PATTERN.test(value)) claimInvalid("seed", "a seed");
      return { seed: value };
    case "to":
      publicKeyFromDid(readDid(value, "to"));
      return { to: value as string };
    case "offer":
      return { offer: readHash(value, "offer") };
    case "reason":
      if (typeof value !== "string" || value.length < 1 || value.length > MAX_REASON_LENGTH) {
        claimInvalid("reason", `1 to ${MAX_REASON_LENGTH} characters`);
      }
      return { reason: value };
    default:
      return {};
  }
}

/**
 * Parses a handle statement and its claims (8.2 checks 1 and 2), before the relay looks up the
 * caller's session. Throws parse errors (ERR_JWS_*, ERR_TOKEN_*), ERR_HANDLE_INVALID.
 *
 * @example
 * const parsed = parseHandleStatement(body.statement);
 */
export function parseHandleStatement(token: unknown): ParsedHandleStatement {
  const jws = parseCompactJws(token, {
    typ: HANDLE_STATEMENT_TYP,
    maxBytes: MAX_HANDLE_STATEMENT_BYTES,
  });
  return { jws, claims: readHandleStatementClaims(jws.payload) };
}

/**
 * Checks a parsed statement against the caller's session and the request (8.2 checks 3 to 6):
 * signed by the session key, issued by the session's agent for this relay, for this action and
 * handle, for this method and URL, and within 60 s of now. Replay of `jti` is the relay's to
 * check. Throws ERR_JWS_KID_MISMATCH, ERR_SIGNATURE_INVALID, ERR_KEY_* or
 * ERR_HANDLE_STATEMENT_INVALID.
 *
 * @example
 * verifyHandleStatement(parsed, { sessionKey, agent, relay, act: "claim", handle, method, url, now });
 */
export function verifyHandleStatement(
  parsed: ParsedHandleStatement,
  options: VerifyHandleStatementOptions,
): HandleStatementClaims {
  verifyJwsSignature(parsed.jws, options.sessionKey);
  const { claims } = parsed;

  if (claims.iss !== options.agent) mismatch("iss: not the session's agent");
  if (claims.aud !== options.relay) mismatch("aud: not this relay");
  if (claims.act !== options.act) mismatch(`act: expected ${options.act}`);
  if (claims.handle !== options.handle) mismatch("handle: not the handle of this request");
  if (claims.to === claims.iss) mismatch("to: the holder itself");

  if (claims.htm !== options.method || claims.htu !== options.url) {
    mismatch("htm, htu: not this request");
  }

  if (Math.abs(options.now - claims.iat) > MAX_CLOCK_SKEW_SECONDS) {
    mismatch(`iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`);
  }
  return claims;
}

function mismatch(message: string): never {
  throw new ProtocolError("ERR_HANDLE_STATEMENT_INVALID", message);
}
