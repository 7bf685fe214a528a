/**
 * The closed list of error codes the relay raises itself. Codes never change once released; add
 * new ones at the end of their group. Protocol codes pass through unchanged, and both lists map
 * to an HTTP status in the one table of `http-status.ts`.
 */
export const RELAY_ERROR_CODES = [
  // request shape (DESIGN.md section 6, step 1)
  "ERR_REQUEST_UNKNOWN_FIELD",
  "ERR_REQUEST_FIELD_MISSING",
  "ERR_REQUEST_FIELD_INVALID",
  "ERR_BODY_TOO_LARGE",
  "ERR_CONTENT_TYPE_UNSUPPORTED",
  "ERR_URL_INVALID",
  "ERR_ROUTE_NOT_FOUND",
  "ERR_RATE_LIMITED",
  "ERR_INTERNAL",
  "ERR_UNAVAILABLE",
  // agents
  "ERR_AGENT_NOT_FOUND",
  "ERR_AGENT_EXISTS",
  "ERR_REGISTRATION_INVALID",
  // challenges and sessions
  "ERR_CHALLENGE_UNKNOWN",
  "ERR_CHALLENGE_USED",
  "ERR_CHALLENGE_EXPIRED",
  "ERR_LOGIN_INVALID",
  "ERR_SESSION_MISSING",
  "ERR_SESSION_UNKNOWN",
  "ERR_SESSION_EXPIRED",
  "ERR_SESSION_REPLACED",
  "ERR_SESSION_WRONG_RELAY",
  "ERR_SESSION_FORBIDDEN",
  "ERR_INSTANCES_EXCEEDED",
  // proof of possession (RFC 9449)
  "ERR_DPOP_MISSING",
  "ERR_DPOP_REPLAYED",
  // authorization
  "ERR_RESOURCE_IS_RELAY",
  "ERR_RESOURCE_INVALID",
  "ERR_INVOCATION_ACTOR_MISMATCH",
  "ERR_INVOCATION_REPLAYED",
  "ERR_TRUST_LEVEL_TOO_LOW",
  "ERR_PENDING_NOT_FOUND",
  "ERR_APPROVAL_INVALID",
  "ERR_APPROVER_NOT_LISTED",
  // configuration
  "ERR_CONFIG_INVALID",
  "ERR_STORE_FAILED",
] as const;

/** One of the relay's own stable error codes. */
export type RelayOwnErrorCode = (typeof RELAY_ERROR_CODES)[number];
