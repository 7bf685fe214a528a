import type { RelayErrorCode } from "../errors/relay-error.ts";

/** An OAuth error code of RFC 6749 section 5.2, RFC 8707 or RFC 9449 section 5. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "invalid_dpop_proof"
  | "server_error";

/** Which party an assertion authenticated: the client, or the grant itself (jwt-bearer). */
export type AssertionRole = "client" | "grant";

const BY_CODE: Partial<Record<RelayErrorCode, OAuthErrorCode>> = {
  ERR_OAUTH_REQUEST_INVALID: "invalid_request",
  ERR_CONTENT_TYPE_UNSUPPORTED: "invalid_request",
  ERR_CONTENT_ENCODING_UNSUPPORTED: "invalid_request",
  ERR_BODY_TOO_LARGE: "invalid_request",
  ERR_NOT_SUPPORTED: "invalid_request",
  ERR_OAUTH_GRANT_TYPE_UNSUPPORTED: "unsupported_grant_type",
  ERR_OAUTH_RESOURCE_MISSING: "invalid_target",
  ERR_RESOURCE_INVALID: "invalid_target",
  ERR_RESOURCE_IS_RELAY: "invalid_target",
  ERR_OAUTH_SCOPE_INVALID: "invalid_scope",
  ERR_TRUST_LEVEL_TOO_LOW: "invalid_scope",
  ERR_APPROVAL_REQUIRED: "invalid_grant",
  ERR_SANDBOX_RATE_LIMITED: "invalid_grant",
};

/** Codes whose HTTP status says more than 400: a client may wait and retry. */
const STATUS_BY_CODE: Partial<Record<RelayErrorCode, number>> = { ERR_SANDBOX_RATE_LIMITED: 429 };

const ASSERTION_CODES = new Set<RelayErrorCode>([
  "ERR_CLIENT_UNKNOWN",
  "ERR_ASSERTION_INVALID",
  "ERR_ASSERTION_ALG_UNSUPPORTED",
  "ERR_ASSERTION_AUDIENCE_MISMATCH",
  "ERR_ASSERTION_EXPIRED",
  "ERR_ASSERTION_REPLAYED",
  // The client ID metadata document behind a URL client_id could not be used.
  "ERR_CLIENT_METADATA_UNREACHABLE",
  "ERR_CLIENT_METADATA_INVALID",
]);

/**
 * The OAuth error and HTTP status for a relay code (docs/oauth.md section 4). Assertion failures
 * are `invalid_client` (401, RFC 6749 section 5.2) when the assertion authenticated the client,
 * `invalid_grant` when it was the grant; DPoP failures are `invalid_dpop_proof` (RFC 9449
 * section 5); everything a verified grant fails on (chain, revocation) is `invalid_grant`.
 *
 * @example
 * oauthErrorFor("ERR_ASSERTION_REPLAYED", "client"); // { error: "invalid_client", status: 401 }
 */
export function oauthErrorFor(
  code: RelayErrorCode,
  role: AssertionRole,
  status: number,
): { error: OAuthErrorCode; status: number } {
  if (status >= 500) return { error: "server_error", status };
  if (ASSERTION_CODES.has(code)) {
    return role === "client"
      ? { error: "invalid_client", status: 401 }
      : { error: "invalid_grant", status: 400 };
  }
  if (code.startsWith("ERR_DPOP_")) return { error: "invalid_dpop_proof", status: 400 };
  return { error: BY_CODE[code] ?? "invalid_grant", status: STATUS_BY_CODE[code] ?? 400 };
}
