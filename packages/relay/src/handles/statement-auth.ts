import {
  type HandleAction,
  type HandleStatementClaims,
  normalizeHandle,
  parseHandleStatement,
  verifyHandleStatement,
} from "@ants/protocol";
import type { FastifyRequest } from "fastify";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import { authenticate } from "../sessions/authenticate.ts";

/**
 * Authenticates a handle request (docs/spec/handles.md 8.2): the session token in
 * `Authorization: DPoP <token>`, and the body's `statement`, signed by that session's key, as
 * the request's proof of possession, so one signature check both authenticates the request and
 * records what the agent asked for. Throws ERR_SESSION_*, the statement's parse and signature
 * codes, ERR_HANDLE_STATEMENT_INVALID or ERR_HANDLE_STATEMENT_REPLAYED.
 *
 * @example
 * const claims = await authenticateStatement(app.relay, request, "release", request.params.name);
 */
export async function authenticateStatement(
  context: RelayContext,
  request: FastifyRequest,
  act: HandleAction,
  handleInput: string,
): Promise<HandleStatementClaims> {
  const session = await authenticate(context, request, { withProof: false });
  const statement = (request.body as { statement: string }).statement;
  const parsed = parseHandleStatement(statement);
  const now = context.now();
  const claims = verifyHandleStatement(parsed, {
    sessionKey: session.publicKey,
    agent: session.agent,
    relay: context.identity.did,
    act,
    handle: normalizeHandle(handleInput),
    method: request.method,
    url: context.publicUrl + pathOf(request.url),
    now,
  });
  // Same window and store as DPoP proofs; the prefix keeps the two kinds of jti apart.
  if (!context.dpopReplay.checkAndRemember(`handle:${session.jkt}:${claims.jti}`, now)) {
    throw new RelayError("ERR_HANDLE_STATEMENT_REPLAYED", "statement.jti: already used");
  }
  return claims;
}

// RFC 9449 section 4.3 check 9: the URL is compared without query and fragment.
function pathOf(url: string): string {
  const end = url.indexOf("?");
  return end === -1 ? url : url.slice(0, end);
}
