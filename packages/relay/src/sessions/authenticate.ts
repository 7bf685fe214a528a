import { verifyDpopProof } from "@ants/protocol";
import type { FastifyRequest } from "fastify";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import { keyEventBookOf } from "../key-events/key-event-book.ts";
import { assertCallerNotRevoked } from "../revocation/caller-check.ts";
import { markNonceChallenge } from "./dpop-nonces.ts";
import type { LiveSession } from "./session-registry.ts";

const DPOP_SCHEME = /^DPoP ([A-Za-z0-9_.-]+)$/i;

declare module "fastify" {
  interface FastifyRequest {
    /** The caller's live session, once authenticated. */
    session?: LiveSession;
  }
}

/**
 * Authenticates a request by its session token and, unless `withProof` is false, its DPoP
 * proof, in the order of docs/spec/sessions.md 4.1; sets `request.agent` and `request.session`.
 * `POST /v1/authorize` passes `withProof: false`: the signed invocation is its proof. Throws
 * ERR_SESSION_*, ERR_DPOP_*.
 *
 * @example
 * app.get("/v1/x", { preHandler: (request) => authenticate(app.relay, request) }, handler);
 */
export async function authenticate(
  context: RelayContext,
  request: FastifyRequest,
  { withProof = true } = {},
): Promise<LiveSession> {
  const token = readSessionToken(request.headers.authorization);
  const now = context.now();
  // A session opened on another instance sharing the store is adopted on its first use here.
  const session = context.sessions.lookup(token, now) ?? (await context.sessions.adopt(token, now));
  if (session === undefined) throw await context.sessions.explainMiss(token, now);
  // After a rotation the inception key is revoked; the session was opened with the current key.
  const currentKid = (agent: string) => keyEventBookOf(context).get(agent)?.currentKey.kid;
  assertCallerNotRevoked(context.revocations, session, now, currentKid);
  if (withProof) checkProof(context, request, token, session, now);
  request.session = session;
  request.agent = {
    agent: session.agent,
    sessionId: session.id,
    instance: session.instance,
    sessionKeyThumbprint: session.jkt,
  };
  return session;
}

function readSessionToken(header: string | undefined): string {
  const match = header === undefined ? null : DPOP_SCHEME.exec(header);
  if (match === null) {
    throw new RelayError("ERR_SESSION_MISSING", "authorization: expected DPoP <session token>");
  }
  return match[1]!;
}

function checkProof(
  context: RelayContext,
  request: FastifyRequest,
  token: string,
  session: LiveSession,
  now: number,
): void {
  const proof = request.headers.dpop;
  if (typeof proof !== "string" || proof === "") {
    throw new RelayError("ERR_DPOP_MISSING", "dpop: expected one DPoP header");
  }
  const { jti, nonce } = verifyDpopProof(proof, {
    method: request.method,
    url: context.publicUrl + pathOf(request.url),
    accessToken: token,
    expectedThumbprint: session.jkt,
    now,
  });
  // Only this process's current nonces: a proof accepted elsewhere, or before a restart, fails here.
  if (!context.dpopNonces.accepts(nonce, now)) {
    markNonceChallenge(request);
    throw new RelayError(
      "ERR_DPOP_NONCE_REQUIRED",
      "dpop.nonce: retry with the nonce of this relay's DPoP-Nonce header",
    );
  }
  if (!context.dpopReplay.checkAndRemember(`${session.jkt}:${jti}`, now)) {
    throw new RelayError("ERR_DPOP_REPLAYED", "dpop.jti: this proof was already used");
  }
}

// RFC 9449 section 4.3 check 9: htu is compared without query and fragment.
function pathOf(url: string): string {
  const end = url.indexOf("?");
  return end === -1 ? url : url.slice(0, end);
}
