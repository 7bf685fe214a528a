export { ClientError, isClientError, withClientErrors } from "./errors/client-error.ts";
export {
  CLIENT_ERROR_CODES,
  CLIENT_ONLY_ERROR_CODES,
  type ClientErrorCode,
} from "./errors/client-error-codes.ts";
export {
  KEY_EVENT_LOG_FILE,
  type KeyEventLogDocument,
  readKeyEventLogFile,
  readTokenFile,
  verifyKeyEventLogDocument,
  writeKeyEventLogFile,
} from "./key-events/key-event-log-file.ts";
export {
  approveGuardianRotation,
  type CreateInceptionOptions,
  createInception,
  type PrepareRotationOptions,
  prepareRotation,
  withApprovals,
} from "./key-events/key-event-signing.ts";
export {
  type AntsHomeOptions,
  antsHome,
  DEFAULT_KEYSTORE_NAME,
  keystorePath,
} from "./keystore/ants-home.ts";
export {
  type CreateKeystoreOptions,
  createKeystoreFile,
  type OpenedKeystore,
  openKeystoreFile,
} from "./keystore/keystore-file.ts";
export { type ResolvePassphraseOptions, resolvePassphrase } from "./keystore/passphrase.ts";
export { promptHidden } from "./keystore/tty-prompt.ts";
