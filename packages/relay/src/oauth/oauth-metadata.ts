import { GRANT_TYPES } from "./token-grants.ts";

/** The OAuth endpoints' paths under the relay's public URL. */
export const OAUTH_PATHS = {
  token: "/oauth/token",
  revoke: "/oauth/revoke",
  introspect: "/oauth/introspect",
} as const;

/**
 * The RFC 8414 authorization server metadata (docs/oauth.md section 1): the relay's public URL
 * is the issuer, clients authenticate with private_key_jwt signed EdDSA, tokens are DPoP-bound.
 *
 * @example
 * authorizationServerMetadata("https://relay.example.com").token_endpoint;
 * // "https://relay.example.com/oauth/token"
 */
export function authorizationServerMetadata(issuer: string) {
  const authMethods = ["private_key_jwt"];
  // RFC 9864's fully-specified name for Ed25519 beside RFC 8037's, for clients that send it.
  const algorithms = ["EdDSA", "Ed25519"];
  return {
    issuer,
    token_endpoint: issuer + OAUTH_PATHS.token,
    revocation_endpoint: issuer + OAUTH_PATHS.revoke,
    introspection_endpoint: issuer + OAUTH_PATHS.introspect,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: [...GRANT_TYPES],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: authMethods,
    token_endpoint_auth_signing_alg_values_supported: algorithms,
    revocation_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_signing_alg_values_supported: algorithms,
    introspection_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_signing_alg_values_supported: algorithms,
    dpop_signing_alg_values_supported: algorithms,
    // https client_id URLs are fetched and checked (docs/oauth.md 5.2).
    client_id_metadata_document_supported: true,
  };
}
