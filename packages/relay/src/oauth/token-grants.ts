import { commandCovers, isCommand, verifyDelegations } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { checkResource } from "../authorize/authorize-request.ts";
import { RelayError } from "../errors/relay-error.ts";
import type { AssertionJtiLedger } from "./assertion-jti-ledger.ts";
import { type VerifiedAssertion, verifyAssertion } from "./client-assertion.ts";
import type { ClientDocuments } from "./client-documents.ts";
import { requireParameter } from "./form-body.ts";
import type { GrantSubject } from "./grant-decision.ts";

/** RFC 7523 section 2.1 grant type. */
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** RFC 8693 section 2.1 grant type. */
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
/** RFC 7523 section 2.2 client assertion type. */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The subject token type of a delegation chain (docs/oauth.md 2.4). */
export const DELEGATION_TOKEN_TYPE = "urn:ants:params:oauth:token-type:delegation";
/** The grants `POST /oauth/token` serves. */
export const GRANT_TYPES = ["client_credentials", JWT_BEARER_GRANT, TOKEN_EXCHANGE_GRANT] as const;

/** What a grant's own checks establish, before the shared decision. */
export interface GrantOutcome extends GrantSubject {
  /** Delegators after the chain's root, nearest first. */
  instructors: string[];
  /** The chain's earliest `exp`, or infinity without a chain. */
  notAfter: number;
}

/** The request-wide inputs every grant needs. */
export interface GrantContext {
  context: RelayContext;
  form: Record<string, string>;
  now: number;
  /** Single use of assertion `jti`s. */
  replay: AssertionJtiLedger;
  /** Keys of `client_id`s: agents' DIDs and client ID metadata document URLs. */
  clients: ClientDocuments;
}

/**
 * Reads `resource` (RFC 8707, required exactly once: the form parser refuses repeats) and
 * `scope` (one command path). Throws ERR_OAUTH_RESOURCE_MISSING, ERR_RESOURCE_INVALID,
 * ERR_RESOURCE_IS_RELAY or ERR_OAUTH_SCOPE_INVALID.
 *
 * @example
 * const { resource, command } = readTarget(grant);
 */
export function readTarget(grant: GrantContext): { resource: string; command: string } {
  const resource = grant.form.resource;
  if (resource === undefined || resource.length === 0) {
    throw new RelayError("ERR_OAUTH_RESOURCE_MISSING", "resource: required (RFC 8707)");
  }
  const { context } = grant;
  checkResource(resource, { publicUrl: context.publicUrl, did: context.identity.did });
  const command = grant.form.scope;
  if (command === undefined || !isCommand(command)) {
    throw new RelayError("ERR_OAUTH_SCOPE_INVALID", "scope: expected one command path");
  }
  return { resource, command };
}

/**
 * Authenticates the client by private_key_jwt (RFC 7523 section 2.2). Throws the assertion codes
 * of verifyAssertion, or ERR_OAUTH_REQUEST_INVALID for a missing or foreign assertion type.
 *
 * @example
 * const client = await authenticateClient(grant);
 */
export async function authenticateClient(grant: GrantContext): Promise<VerifiedAssertion> {
  const type = requireParameter(grant.form, "client_assertion_type");
  if (type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new RelayError("ERR_OAUTH_REQUEST_INVALID", "client_assertion_type: unsupported");
  }
  return verifyAssertion(grant.context, requireParameter(grant.form, "client_assertion"), {
    issuer: grant.context.publicUrl,
    now: grant.now,
    clientId: requireParameter(grant.form, "client_id"),
    replay: grant.replay,
    clients: grant.clients,
  });
}

/**
 * `client_credentials` and `jwt-bearer`: the agent acts for itself.
 *
 * @example
 * const outcome = selfGrant(assertion, "/twitter/post");
 */
export function selfGrant(assertion: VerifiedAssertion, command: string): GrantOutcome {
  return {
    assertion,
    principal: assertion.agent,
    command,
    chain: [],
    delegate: null,
    minLevel: 0,
    instructors: [],
    notAfter: Number.POSITIVE_INFINITY,
  };
}

/**
 * RFC 8693 token exchange: verifies the delegation chain in `subject_token` (docs/oauth.md 2.4)
 * for the authenticated agent. Throws the chain's codes, ERR_OAUTH_REQUEST_INVALID,
 * ERR_OAUTH_SCOPE_INVALID, ERR_APPROVAL_REQUIRED or ERR_NOT_SUPPORTED (a chain with policies).
 *
 * @example
 * const outcome = exchangeGrant(grant, client, "/twitter/post");
 */
export function exchangeGrant(
  grant: GrantContext,
  client: VerifiedAssertion,
  command: string,
): GrantOutcome {
  if (requireParameter(grant.form, "subject_token_type") !== DELEGATION_TOKEN_TYPE) {
    throw new RelayError("ERR_OAUTH_REQUEST_INVALID", "subject_token_type: unsupported");
  }
  const { context } = grant;
  const chain = verifyDelegations({
    delegations: requireParameter(grant.form, "subject_token").split(","),
    now: grant.now,
    isRevoked: context.revocations.check,
    firstSeen: context.firstSeen.lookup,
    cache: context.linkCache,
  });
  context.firstSeen.recordLinks(chain.links, grant.now);
  if (chain.delegate !== client.agent) {
    throw new RelayError("ERR_OAUTH_REQUEST_INVALID", "subject_token: not delegated to the client");
  }
  if (!commandCovers(chain.command, command)) {
    throw new RelayError("ERR_OAUTH_SCOPE_INVALID", "scope: wider than the chain's command");
  }
  // A token carries no arguments, so it cannot honour a policy over them, nor wait for approvals.
  if (chain.policies.some((policy) => policy.length > 0)) {
    throw new RelayError("ERR_NOT_SUPPORTED", "subject_token: chains with pol need /v1/authorize");
  }
  if (chain.approvals.length > 0) {
    throw new RelayError("ERR_APPROVAL_REQUIRED", "subject_token: approvals need /v1/authorize");
  }
  return {
    assertion: client,
    principal: chain.principal,
    command,
    chain: chain.tokenHashes,
    delegate: chain.delegate,
    minLevel: chain.minLevel,
    instructors: chain.links
      .slice(1)
      .map((link) => link.claims.iss)
      .reverse(),
    notAfter: chain.expiresAt,
  };
}
