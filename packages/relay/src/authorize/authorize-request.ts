import {
  type InvocationClaims,
  MAX_CLOCK_SKEW_SECONDS,
  type ParsedJws,
  parseInvocation,
  publicKeyFromDid,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { LiveSession } from "../sessions/session-registry.ts";

/** The body of `POST /v1/authorize`. */
export interface AuthorizeBody {
  invocation: string;
  chain: string[];
  resource?: string;
}

/** An invocation bound to the caller's session (docs/spec/authorize.md 1.1, step 2). */
export interface BoundInvocation {
  jws: ParsedJws;
  claims: InvocationClaims;
}

/** The path `htu` must name on `POST /v1/authorize`. */
export const AUTHORIZE_PATH = "/v1/authorize";

const URI_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * Checks `resource` (step 1): an absolute http(s) URI without fragment that is not the relay.
 * Throws ERR_RESOURCE_INVALID or ERR_RESOURCE_IS_RELAY.
 *
 * @example
 * checkResource("https://api.example.com", { publicUrl, relayDid });
 */
export function checkResource(resource: string, relay: { publicUrl: string; did: string }): void {
  if (resource === relay.did) throw isRelay();
  // RFC 3986 section 2: a URI is printable ASCII, so the access token that carries it in `aud`
  // never holds a lone surrogate or a control character.
  if (!URI_CHARACTERS.test(resource)) {
    throw new RelayError("ERR_RESOURCE_INVALID", "resource: expected an ASCII URI");
  }
  // Another agent as the resource: the invocation is addressed to it, which is what lets its
  // later invocation name this one as `cause` (docs/spec/audit-log.md 2.3).
  if (resource.startsWith("did:")) {
    checkAgentResource(resource);
    return;
  }
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new RelayError("ERR_RESOURCE_INVALID", "resource: expected an absolute URI");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || resource.includes("#")) {
    throw new RelayError(
      "ERR_RESOURCE_INVALID",
      "resource: expected an http(s) URI without fragment",
    );
  }
  // An access token must never be usable at the relay itself, whatever path it names.
  if (url.origin === new URL(relay.publicUrl).origin) throw isRelay();
}

function checkAgentResource(resource: string): void {
  try {
    publicKeyFromDid(resource);
  } catch {
    throw new RelayError("ERR_RESOURCE_INVALID", "resource: expected a valid did:key");
  }
}

function isRelay(): RelayError {
  return new RelayError("ERR_RESOURCE_IS_RELAY", "resource: the relay itself is never a resource");
}

/**
 * Binds the invocation to the caller (step 2), without its signature, which the chain
 * verification checks once: the invocation names the session's agent and key, this request,
 * and a fresh `iat`. Throws the parse codes, ERR_INVOCATION_ACTOR_MISMATCH,
 * ERR_JWS_KID_MISMATCH, ERR_INVOCATION_HTTP_MISMATCH or ERR_INVOCATION_CLOCK_SKEW.
 *
 * @example
 * const bound = bindInvocation(body.invocation, session, { url, now });
 */
export function bindInvocation(
  invocation: string,
  session: LiveSession,
  expected: { url: string; now: number },
): BoundInvocation {
  // Parsed once here; chain verification and the audit entry reuse this parse.
  const { jws, claims } = parseInvocation(invocation);
  if (claims.iss !== session.agent) {
    throw new RelayError("ERR_INVOCATION_ACTOR_MISMATCH", "iss: not the session's agent");
  }
  if (jws.kid !== session.jkt) {
    throw new RelayError("ERR_JWS_KID_MISMATCH", "header.kid: not the session key");
  }
  if (claims.htm !== "POST" || claims.htu !== expected.url) {
    throw new RelayError("ERR_INVOCATION_HTTP_MISMATCH", "htm/htu: not this request");
  }
  if (Math.abs(expected.now - claims.iat) > MAX_CLOCK_SKEW_SECONDS) {
    throw new RelayError(
      "ERR_INVOCATION_CLOCK_SKEW",
      `iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`,
    );
  }
  return { jws, claims };
}
