import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import type { AssertionJtiLedger } from "./assertion-jti-ledger.ts";
import { verifyAssertion } from "./client-assertion.ts";
import type { ClientDocuments } from "./client-documents.ts";
import { requireParameter } from "./form-body.ts";
import { decideGrant } from "./grant-decision.ts";
import { signOAuthAccessToken } from "./oauth-access-token.ts";
import { OAUTH_PATHS } from "./oauth-metadata.ts";
import { verifyTokenProof } from "./token-dpop.ts";
import {
  authenticateClient,
  exchangeGrant,
  GRANT_TYPES,
  type GrantContext,
  type GrantOutcome,
  JWT_BEARER_GRANT,
  readTarget,
  selfGrant,
  TOKEN_EXCHANGE_GRANT,
} from "./token-grants.ts";

/** RFC 8693 section 3: the type of the token the exchange issued. */
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

/** One token request as the route hands it over. */
export interface TokenRequest {
  form: Record<string, string>;
  /** The `DPoP` header (RFC 9449 section 4.1). */
  dpop: string | string[] | undefined;
  /** Single use of assertion `jti`s on this relay. */
  assertionReplay: AssertionJtiLedger;
  /** Keys of `client_id`s: agents' DIDs and client ID metadata document URLs. */
  clients: ClientDocuments;
}

/** The RFC 6749 section 5.1 answer. */
export interface TokenAnswer {
  access_token: string;
  token_type: "DPoP";
  expires_in: number;
  scope: string;
  issued_token_type?: string;
}

/**
 * `POST /oauth/token` (docs/oauth.md section 2), in order: `grant_type`, `resource` and `scope`,
 * the DPoP proof, the grant's assertion (and chain), then the shared decision (revocation, trust
 * gate, audit entry) and the DPoP-bound at+jwt. Throws coded RelayErrors that the route maps to
 * OAuth errors.
 *
 * @example
 * const answer = await issueToken(context, { form, dpop, assertionReplay, clients });
 */
export async function issueToken(
  context: RelayContext,
  request: TokenRequest,
): Promise<TokenAnswer> {
  const now = context.now();
  const grant: GrantContext = {
    context,
    form: request.form,
    now,
    replay: request.assertionReplay,
    clients: request.clients,
  };
  const grantType = requireParameter(request.form, "grant_type");
  if (!(GRANT_TYPES as readonly string[]).includes(grantType)) {
    throw new RelayError("ERR_OAUTH_GRANT_TYPE_UNSUPPORTED", "grant_type: not supported");
  }
  const { resource, command } = readTarget(grant);
  const jkt = verifyTokenProof(request.dpop, {
    url: context.publicUrl + OAUTH_PATHS.token,
    now,
    replay: context.dpopReplay,
  });

  const outcome = await runGrant(grant, grantType, command);
  const { auditIndex } = await decideGrant(context, outcome, now);
  const { token, expiresAt } = signOAuthAccessToken(context.identity, {
    issuer: context.publicUrl,
    resource,
    principal: outcome.principal,
    actor: outcome.assertion.agent,
    instructors: outcome.instructors,
    command,
    jkt,
    auditIndex,
    now,
    notAfter: outcome.notAfter,
  });
  const answer: TokenAnswer = {
    access_token: token,
    token_type: "DPoP",
    expires_in: expiresAt - now,
    scope: command,
  };
  if (grantType === TOKEN_EXCHANGE_GRANT) answer.issued_token_type = ACCESS_TOKEN_TYPE;
  return answer;
}

async function runGrant(
  grant: GrantContext,
  grantType: string,
  command: string,
): Promise<GrantOutcome> {
  if (grantType === "client_credentials") {
    return selfGrant(await authenticateClient(grant), command);
  }
  if (grantType === JWT_BEARER_GRANT) {
    const assertion = await verifyAssertion(
      grant.context,
      requireParameter(grant.form, "assertion"),
      {
        issuer: grant.context.publicUrl,
        now: grant.now,
        replay: grant.replay,
        clients: grant.clients,
      },
    );
    return selfGrant(assertion, command);
  }
  if (grantType === TOKEN_EXCHANGE_GRANT) {
    return exchangeGrant(grant, await authenticateClient(grant), command);
  }
  throw new RelayError("ERR_OAUTH_GRANT_TYPE_UNSUPPORTED", "grant_type: not supported");
}
