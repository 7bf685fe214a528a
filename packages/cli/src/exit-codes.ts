import type { CliErrorCode } from "./cli-error.ts";

/** Exit status for success. */
export const EXIT_OK = 0;
/** Exit status for any code the table below does not name, and for uncoded failures. */
export const EXIT_FAILURE = 1;

/**
 * The one table from error code to exit status. Statuses group what a script would branch on;
 * they stay below 64 so they never collide with signal statuses (128 + n). Never renumber.
 */
export const EXIT_CODES: Readonly<Partial<Record<CliErrorCode, number>>> = {
  ERR_USAGE: 2,
  ERR_KEYSTORE_EXISTS: 3,
  ERR_KEYSTORE_NOT_FOUND: 4,
  ERR_KEYSTORE_PASSPHRASE_MISSING: 5,
  ERR_PASSPHRASE_FILE_UNREADABLE: 5,
  ERR_PASSPHRASE_MISMATCH: 5,
  ERR_KEYSTORE_PASSPHRASE_WRONG: 6,
  ERR_KEYSTORE_TRUNCATED: 7,
  ERR_KEYSTORE_TAMPERED: 7,
  ERR_KEYSTORE_NOT_ANTS: 7,
  ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH: 8,
  ERR_KEYSTORE_WORK_FACTOR_TOO_LOW: 8,
  ERR_KEYSTORE_PATH_ESCAPES_HOME: 9,
  ERR_KEYSTORE_SEED_INVALID: 10,
  ERR_IO: 11,
  ERR_NOT_SUPPORTED: 12,
  // a key event log refused (docs/spec/key-events.md 4)
  ERR_KEL_MALFORMED: 13,
  ERR_KEL_SIGNATURE_INVALID: 13,
  ERR_KEL_WRONG_SIGNER: 13,
  ERR_KEL_DIGEST_MISMATCH: 13,
  ERR_KEL_AFTER_FINAL: 13,
  ERR_KEL_WINDOW_EXCEEDED: 13,
  ERR_KEL_OUT_OF_ORDER: 13,
  ERR_KEL_CHAIN_BROKEN: 13,
  ERR_KEL_RANK_NOT_HIGHER: 13,
  ERR_KEL_THRESHOLD_NOT_MET: 13,
  ERR_KEL_KEY_REUSED: 13,
  // a token or chain refused (docs/spec/tokens.md 4.4); malformed tokens keep EXIT_FAILURE
  ERR_SIGNATURE_INVALID: 14,
  ERR_JWS_KID_MISMATCH: 14,
  ERR_KEY_UNKNOWN: 14,
  ERR_TOKEN_EXPIRED: 15,
  ERR_TOKEN_NOT_YET_VALID: 15,
  ERR_INVOCATION_CLOCK_SKEW: 15,
  ERR_REVOKED_TOKEN: 16,
  ERR_REVOKED_KEY: 16,
  ERR_REVOKED_EPOCH: 16,
  ERR_POLICY_FAILED: 17,
  ERR_POLICY_TOO_COMPLEX: 17,
  ERR_CHAIN_EMPTY: 18,
  ERR_CHAIN_TOO_LONG: 18,
  ERR_CHAIN_LINK_MISMATCH: 18,
  ERR_CHAIN_PROOF_MISMATCH: 18,
  ERR_CHAIN_ROOT_NOT_PRINCIPAL: 18,
  ERR_CHAIN_SUBJECT_CHANGED: 18,
  ERR_CHAIN_CMD_WIDENED: 18,
  ERR_CHAIN_OUTLIVES_PARENT: 18,
  ERR_CHAIN_DEPTH_EXHAUSTED: 18,
  ERR_CHAIN_DEPTH_WIDENED: 18,
  ERR_CHAIN_APPROVAL_DROPPED: 18,
  ERR_CHAIN_LEVEL_LOWERED: 18,
  ERR_CHAIN_AUDIENCE_NOT_INVOKER: 18,
  ERR_INVOCATION_AUDIENCE: 18,
  ERR_INVOCATION_CMD_MISMATCH: 18,
  ERR_INVOCATION_SUBJECT_MISMATCH: 18,
  ERR_INVOCATION_HTTP_MISMATCH: 18,
  // the audit log failed verification (docs/log-api.md, monitoring): never trust it silently
  ERR_LOG_INCONSISTENT: 19,
  ERR_LOG_PROOF_INVALID: 19,
  ERR_LOG_NOTE_SIGNATURE_INVALID: 19,
  ERR_LOG_NOTE_UNVERIFIED: 19,
  // ants relay backup, restore and migrate refused (docs/operations.md)
  ERR_STORE_NOT_EMPTY: 20,
  ERR_BACKUP_INVALID: 21,
  // ants invoke --wait: still pending when the wait ran out
  ERR_APPROVAL_REQUIRED: 22,
};

/**
 * The exit status for an error code; EXIT_FAILURE for codes without an entry.
 *
 * @example
 * exitCodeFor("ERR_KEYSTORE_EXISTS"); // 3
 */
export function exitCodeFor(code: string): number {
  return EXIT_CODES[code as CliErrorCode] ?? EXIT_FAILURE;
}
