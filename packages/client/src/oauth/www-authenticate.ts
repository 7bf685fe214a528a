import { isClientError } from "../errors/client-error.ts";

/** A refusal as the resource server sends it: status, challenge header, JSON body. */
export interface ResourceRefusal {
  status: 401 | 403;
  /** The `WWW-Authenticate` header value. */
  challenge: string;
  body: { error?: string; error_description?: string; code?: string };
}

/**
 * Builds the RFC 6750 section 3 / RFC 9449 section 7.1 challenge for a refusal, with the RFC 9728
 * section 5.1 `resource_metadata` pointer. No token at all gets a challenge without `error`
 * (RFC 6750 3.1); a DPoP failure `invalid_dpop_proof`; a command the token does not cover
 * `insufficient_scope` (403) with the scope needed; everything else `invalid_token` (401).
 *
 * @example
 * const refusal = refusalFor(error, { metadataUrl, scope: "/social/post" });
 */
export function refusalFor(
  error: unknown,
  context: { metadataUrl: string; scope: string },
): ResourceRefusal {
  const base = `DPoP algs="EdDSA", resource_metadata="${context.metadataUrl}"`;
  if (error === undefined) return { status: 401, challenge: base, body: {} };
  const code = isClientError(error) ? error.code : "ERR_ACCESS_TOKEN_INVALID";
  const description = isClientError(error) ? error.message : "access token: invalid";
  const quoted = description.replaceAll('"', "'");
  if (code === "ERR_ACCESS_TOKEN_CMD_MISMATCH") {
    return {
      status: 403,
      challenge: `${base}, error="insufficient_scope", scope="${context.scope}"`,
      body: { error: "insufficient_scope", error_description: description, code },
    };
  }
  const oauthError = code.startsWith("ERR_DPOP_") ? "invalid_dpop_proof" : "invalid_token";
  return {
    status: 401,
    challenge: `${base}, error="${oauthError}", error_description="${quoted}"`,
    body: { error: oauthError, error_description: description, code },
  };
}
