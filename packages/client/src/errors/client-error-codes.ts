import { PROTOCOL_ERROR_CODES } from "@ants/protocol";

/**
 * The client package's own codes. Append only: codes never change once released. The CLI maps
 * each to an exit status in one table.
 */
export const CLIENT_ONLY_ERROR_CODES = [
  "ERR_IO",
  "ERR_PASSPHRASE_FILE_UNREADABLE",
  "ERR_PASSPHRASE_MISMATCH",
  // talking to a relay
  "ERR_RELAY_UNREACHABLE",
  "ERR_RELAY_RESPONSE_INVALID",
] as const;

/**
 * The closed list of codes a ClientError can carry: every protocol code, passed through
 * unchanged when a protocol call fails, plus the client's own.
 */
export const CLIENT_ERROR_CODES = [...PROTOCOL_ERROR_CODES, ...CLIENT_ONLY_ERROR_CODES] as const;

/** One of the client package's stable error codes. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
