/** `typ` of a delegation (docs/spec/tokens.md 2.1). */
export const DELEGATION_TYP = "ants-dlg+jwt";
/** `typ` of an invocation (docs/spec/tokens.md 2.2). */
export const INVOCATION_TYP = "ants-inv+jwt";
/** `typ` of an approval (docs/spec/tokens.md 2.3). */
export const APPROVAL_TYP = "ants-apr+jwt";

/** `typ` of a registration statement (docs/spec/sessions.md 2.1). */
export const REGISTRATION_TYP = "ants-reg+jwt";
/** `typ` of a login statement (docs/spec/sessions.md 3.2). */
export const LOGIN_TYP = "ants-login+jwt";
/** `typ` of a relay-signed session token (docs/spec/sessions.md 3.3). */
export const SESSION_TYP = "ants-session+jwt";
/** `typ` of a relay-signed access token for a resource server (RFC 9068 section 2.1). */
export const ACCESS_TOKEN_TYP = "at+jwt";
/** `typ` of a handle statement, signed by an agent's session key (docs/spec/handles.md 8.2). */
export const HANDLE_STATEMENT_TYP = "ants-handle+jwt";
/** `typ` of a relay-signed handle binding, the answer to a resolve (docs/spec/handles.md 8.3). */
export const HANDLE_BINDING_TYP = "ants-handle-binding+jwt";

/** `typ` of every key event: inception, rotation, guardian approval (docs/spec/key-events.md). */
export const KEY_EVENT_TYP = "ants-kel+jwt";
/** `typ` of an owner's recovery certificate (docs/spec/key-events.md 2.1). */
export const OWNER_CERT_TYP = "ants-owner-cert+jwt";

/** `typ` of a revocation request, signed by the revoker's key (docs/spec/revocation.md 2). */
export const REVOCATION_TYP = "ants-rev+jwt";
/** `typ` of a relay-signed revocation snapshot (docs/spec/revocation.md 5). */
export const REVOCATION_SNAPSHOT_TYP = "ants-rev-snapshot+jwt";

/** `typ` of a vouch, signed by the voucher's identity key (docs/spec/trust.md 3.1). */
export const VOUCH_TYP = "ants-vouch+jwt";
/** `typ` of an outcome report, signed by the reporter's identity key (docs/spec/trust.md 3.2). */
export const OUTCOME_TYP = "ants-outcome+jwt";

/** The token types this package signs and verifies. */
export type TokenTyp =
  | typeof DELEGATION_TYP
  | typeof INVOCATION_TYP
  | typeof APPROVAL_TYP
  | typeof REGISTRATION_TYP
  | typeof LOGIN_TYP
  | typeof SESSION_TYP
  | typeof ACCESS_TOKEN_TYP
  | typeof HANDLE_STATEMENT_TYP
  | typeof HANDLE_BINDING_TYP
  | typeof KEY_EVENT_TYP
  | typeof OWNER_CERT_TYP
  | typeof REVOCATION_TYP
  | typeof REVOCATION_SNAPSHOT_TYP
  | typeof VOUCH_TYP
  | typeof OUTCOME_TYP;

/** Largest delegation or approval accepted, in bytes of its compact form (spec 4.1). */
export const MAX_DELEGATION_BYTES = 8192;
/** Largest invocation accepted, in bytes of its compact form (spec 4.1). */
export const MAX_INVOCATION_BYTES = 65_536;
/** Largest approval accepted, in bytes of its compact form (spec 4.1). */
export const MAX_APPROVAL_BYTES = 8192;
