import { decodeBase64url } from "@ants/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { RelayError } from "../errors/relay-error.ts";
import { toCodedError, toProblemDetails } from "../http/problem-details.ts";
import { AssertionJtiLedger } from "../oauth/assertion-jti-ledger.ts";
import { agentClientDocument, clientDocumentPath } from "../oauth/client-document.ts";
import { type ClientDocumentOptions, ClientDocuments } from "../oauth/client-documents.ts";
import { FORM_CONTENT_TYPE, MAX_FORM_BODY_BYTES, parseFormBody } from "../oauth/form-body.ts";
import { issueToken } from "../oauth/issue-token.ts";
import { RevokedTokens } from "../oauth/issued-tokens.ts";
import { type AssertionRole, oauthErrorFor } from "../oauth/oauth-errors.ts";
import { authorizationServerMetadata, OAUTH_PATHS } from "../oauth/oauth-metadata.ts";
import {
  introspectToken,
  revokeToken,
  type TokenEndpointsState,
} from "../oauth/revoke-introspect.ts";
import { JWT_BEARER_GRANT } from "../oauth/token-grants.ts";

const metadataSchema = {
  summary: "OAuth 2.0 authorization server metadata (RFC 8414)",
  tags: ["oauth"],
  response: { 200: { type: "object", additionalProperties: true } },
} as const;

const clientDocumentSchema = {
  summary:
    "An agent's OAuth client ID metadata document (draft-ietf-oauth-client-id-metadata-document)",
  tags: ["oauth"],
  params: {
    type: "object",
    required: ["id"],
    properties: { id: { type: "string", minLength: 1, maxLength: 256 } },
  },
  response: { 200: { type: "object", additionalProperties: true } },
} as const;

/** Options of {@link registerOAuthRoutes}. */
export interface OAuthRouteOptions {
  /** How https `client_id` URLs are fetched and cached (docs/oauth.md 5.2). */
  clientMetadata?: ClientDocumentOptions;
}

/** A form body: every parameter a string; unknown ones are ignored (RFC 6749 section 3.2). */
const formBodySchema = {
  type: "object",
  description: "application/x-www-form-urlencoded parameters (docs/oauth.md section 2)",
  additionalProperties: { type: "string" },
} as const;

const oauthErrorSchema = {
  description: "RFC 6749 section 5.2 error beside the relay's problem details and `code`.",
  type: "object",
  required: ["error", "code"],
  additionalProperties: true,
  properties: { error: { type: "string" }, error_description: { type: "string" } },
} as const;

/**
 * The OAuth 2.0 authorization server (docs/oauth.md): RFC 8414 metadata at
 * `/.well-known/oauth-authorization-server` and `/.well-known/openid-configuration`, and
 * `POST /oauth/token`, `POST /oauth/revoke` and `POST /oauth/introspect`, and each agent's client
 * ID metadata document at `/agents/{id}/client.json` (and under `/v1`). The form endpoints
 * live in their own scope, the only place the relay reads `application/x-www-form-urlencoded`,
 * and answer errors as RFC 6749 JSON with the relay's code.
 *
 * @example
 * await app.register(registerOAuthRoutes);
 */
export async function registerOAuthRoutes(
  app: FastifyInstance,
  options: OAuthRouteOptions = {},
): Promise<void> {
  for (const path of [
    "/.well-known/oauth-authorization-server",
    "/.well-known/openid-configuration",
  ]) {
    app.get(path, { schema: metadataSchema }, async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return authorizationServerMetadata(app.relay.publicUrl);
    });
  }
  for (const prefix of ["", "/v1"]) {
    app.get<{ Params: { id: string } }>(
      prefix + clientDocumentPath(":id"),
      { schema: clientDocumentSchema },
      async (request, reply) => {
        const agent = await app.relay.store.agents.get(request.params.id);
        if (agent === undefined)
          throw new RelayError("ERR_AGENT_NOT_FOUND", "agent: not registered");
        // Short: the key in it changes when the agent rotates.
        reply.header("cache-control", "public, max-age=60");
        const key = decodeBase64url(agent.publicKey, "agent key");
        return agentClientDocument(app.relay.publicUrl, agent.id, key);
      },
    );
  }
  const clients = new ClientDocuments(options.clientMetadata);
  await app.register(registerFormEndpoints, { clients });
}

async function registerFormEndpoints(
  scope: FastifyInstance,
  { clients }: { clients: ClientDocuments },
): Promise<void> {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    FORM_CONTENT_TYPE,
    { parseAs: "string", bodyLimit: MAX_FORM_BODY_BYTES },
    (_request, body, done) => {
      try {
        done(null, parseFormBody(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  scope.setErrorHandler(sendOAuthError);
  // (iss, jti) of accepted assertions, in the store: shared by relays on it, kept over restarts.
  const assertionReplay = new AssertionJtiLedger(scope.relay.store.assertionJtis);

  scope.post(
    OAUTH_PATHS.token,
    {
      schema: {
        summary: "Issue a DPoP-bound at+jwt (client_credentials, jwt-bearer, token-exchange)",
        tags: ["oauth"],
        body: formBodySchema,
        response: { "4xx": oauthErrorSchema, "5xx": oauthErrorSchema },
      },
    },
    async (request, reply) => {
      const answer = await issueToken(scope.relay, {
        form: request.body as Record<string, string>,
        dpop: request.headers.dpop,
        assertionReplay,
        clients,
      });
      // RFC 6749 section 5.1: token answers are never cached.
      reply.header("cache-control", "no-store").header("pragma", "no-cache");
      return answer;
    },
  );
  registerRevokeAndIntrospect(scope, { revoked: new RevokedTokens(), assertionReplay, clients });
}

function registerRevokeAndIntrospect(scope: FastifyInstance, state: TokenEndpointsState): void {
  const schema = (summary: string) => ({
    summary,
    tags: ["oauth"],
    body: formBodySchema,
    response: { "4xx": oauthErrorSchema, "5xx": oauthErrorSchema },
  });
  scope.post(
    OAUTH_PATHS.revoke,
    { schema: schema("Revoke an access token (RFC 7009)") },
    async (request, reply) => {
      await revokeToken(scope.relay, request.body as Record<string, string>, state);
      return reply.code(200).header("cache-control", "no-store").send();
    },
  );
  scope.post(
    OAUTH_PATHS.introspect,
    { schema: schema("Introspect an access token (RFC 7662)") },
    async (request, reply) => {
      const answer = await introspectToken(
        scope.relay,
        request.body as Record<string, string>,
        state,
      );
      reply.header("cache-control", "no-store");
      return answer;
    },
  );
}

// RFC 6749 section 5.2: JSON with `error`; the relay's problem fields and `code` ride along.
async function sendOAuthError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const coded = toCodedError(error);
  const problem = toProblemDetails(coded);
  const form = request.body as Record<string, string> | undefined;
  const role: AssertionRole = form?.grant_type === JWT_BEARER_GRANT ? "grant" : "client";
  // A refusal after authentication is an audit entry: name it, as a `deny` on authorize does.
  const auditIndex = coded.details?.auditIndex;
  const audited = typeof auditIndex === "number" ? { audit_index: auditIndex } : {};
  const { error: oauthError, status } = oauthErrorFor(problem.code, role, problem.status);
  if (status >= 500) request.log.error({ err: error }, "internal error");
  request.server.relay.metrics.recordUnauthenticated(request.routeOptions.url ?? "", problem.code);
  if (oauthError === "invalid_client")
    reply.header("www-authenticate", 'Bearer error="invalid_client"');
  return reply
    .code(status)
    .header("cache-control", "no-store")
    .type("application/json")
    .send({ error: oauthError, error_description: problem.detail, ...problem, status, ...audited });
}
