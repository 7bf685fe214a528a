export { buildRelay, DEFAULT_MAX_BODY_BYTES, type RelayOptions } from "./app/build-relay.ts";
export {
  DEFAULT_RELAY_PORT,
  type RunningRelay,
  type StartRelayOptions,
  startRelay,
} from "./app/start-relay.ts";
export { HTTP_STATUS_BY_CODE, httpStatusForCode } from "./errors/http-status.ts";
export { isRelayError, RelayError, type RelayErrorCode } from "./errors/relay-error.ts";
export { type ProblemDetails, toProblemDetails } from "./http/problem-details.ts";
export {
  DEFAULT_RELAY_KEY_OVERLAP_SECONDS,
  type RelayKeyRotation,
  type RotateRelayKeyOptions,
  rotateRelayKey,
} from "./identity/rotate-relay-key.ts";
export { migrateSqliteToPostgres } from "./store/transfer/migrate-to-postgres.ts";
export { dumpPostgresStore, restorePostgresStore } from "./store/transfer/postgres-backup.ts";
export { backupSqliteStore, restoreSqliteStore } from "./store/transfer/sqlite-backup.ts";
export type { RelayTrustOptions } from "./trust/open-trust.ts";
export { loadTrustOptions } from "./trust/trust-options-file.ts";
