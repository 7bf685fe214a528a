import type { RelayContext } from "../app/relay-context.ts";
import type { AssertionJtiLedger } from "./assertion-jti-ledger.ts";
import type { ClientDocuments } from "./client-documents.ts";
import { requireParameter } from "./form-body.ts";
import { type RevokedTokens, readActiveToken } from "./issued-tokens.ts";
import { authenticateClient } from "./token-grants.ts";

/** What the revocation and introspection endpoints share. */
export interface TokenEndpointsState {
  revoked: RevokedTokens;
  /** Single use of client assertion `jti`s. */
  assertionReplay: AssertionJtiLedger;
  /** Keys of `client_id`s: agents' DIDs and client ID metadata document URLs. */
  clients: ClientDocuments;
}

/**
 * `POST /oauth/revoke` (RFC 7009 section 2.1): the client authenticates with private_key_jwt; an
 * active access token whose `client_id` is that client is revoked. The answer is the same for
 * any token (section 2.2), so nothing is learnt about tokens of others. Throws the client
 * authentication codes.
 *
 * @example
 * await revokeToken(context, form, state);
 */
export async function revokeToken(
  context: RelayContext,
  form: Record<string, string>,
  state: TokenEndpointsState,
): Promise<void> {
  const now = context.now();
  const client = await authenticateClient({
    context,
    form,
    now,
    replay: state.assertionReplay,
    clients: state.clients,
  });
  const token = requireParameter(form, "token");
  const claims = readActiveToken(context, token, state.revoked, now);
  if (claims?.client_id !== client.agent) return;
  state.revoked.revoke(claims.jti as string, claims.exp as number);
}

/**
 * `POST /oauth/introspect` (RFC 7662 section 2): any registered agent authenticated with
 * private_key_jwt may ask; the answer is `{ active: false }` for anything not active here, or
 * the token's claims with `active: true` and `token_type: "DPoP"`. Throws the client
 * authentication codes.
 *
 * @example
 * const answer = await introspectToken(context, form, state);
 */
export async function introspectToken(
  context: RelayContext,
  form: Record<string, string>,
  state: TokenEndpointsState,
): Promise<Record<string, unknown>> {
  const now = context.now();
  await authenticateClient({
    context,
    form,
    now,
    replay: state.assertionReplay,
    clients: state.clients,
  });
  const claims = readActiveToken(context, requireParameter(form, "token"), state.revoked, now);
  if (claims === undefined) return { active: false };
  return { active: true, token_type: "DPoP", ...claims };
}
