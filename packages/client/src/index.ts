export { Agent } from "./agent/agent.ts";
export type { AgentOptions, DelegateInput, InvokeInput } from "./agent/agent-types.ts";
export { type AgentSession, type StoredSession, sessionFromStored } from "./agent/session-keys.ts";
export { type ChainBreak, ChainChecker } from "./audit-log/chain-check.ts";
export {
  LogClient,
  type LogDiscovery,
  type LogEntryBundle,
  type LogSearchFilters,
  type LogSearchPage,
} from "./audit-log/log-client.ts";
export {
  type MonitorOptions,
  type MonitorProblem,
  type MonitorReport,
  monitorLog,
} from "./audit-log/monitor.ts";
export {
  type MonitorState,
  readMonitorState,
  writeMonitorState,
} from "./audit-log/monitor-state.ts";
export { ClientError, isClientError, withClientErrors } from "./errors/client-error.ts";
export {
  CLIENT_ERROR_CODES,
  CLIENT_ONLY_ERROR_CODES,
  type ClientErrorCode,
} from "./errors/client-error-codes.ts";
export {
  type EndedHandle,
  HandleClient,
  type HandleOffer,
  type HandleSolver,
  type IssuedHandleChallenge,
} from "./handles/handle-client.ts";
export {
  type ResolvedHandle,
  resolveHandleAt,
  verifiedResolution,
} from "./handles/resolve-handle.ts";
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
export {
  expressOAuth,
  fastifyOAuth,
  type NodeLikeReply,
  type NodeLikeRequest,
  toWebRequest,
} from "./oauth/framework-adapters.ts";
export { type AntsHonoEnv, type HonoLikeContext, honoOAuth } from "./oauth/hono-adapter.ts";
export {
  type AntsOAuthClientOptions,
  AntsOAuthClientProvider,
} from "./oauth/mcp-oauth-provider.ts";
export { createOAuthFetch, type OAuthFetchOptions } from "./oauth/oauth-fetch.ts";
export {
  type AntsAuthInfo,
  OAuthResourceGuard,
  type OAuthResourceOptions,
  PROTECTED_RESOURCE_METADATA_PATH,
  refusalResponse,
} from "./oauth/oauth-resource-guard.ts";
export {
  type ActClaim,
  actorsOf,
  type OAuthTokenClaims,
  verifyOAuthToken,
} from "./oauth/oauth-token-claims.ts";
export {
  CLIENT_ASSERTION_SECONDS,
  signClientAssertion,
  signTokenRequestProof,
} from "./oauth/token-request-signing.ts";
export { type ResourceRefusal, refusalFor } from "./oauth/www-authenticate.ts";
export {
  RelayClient,
  type RelayClientOptions,
  type SessionCredentials,
} from "./relay/relay-client.ts";
export type {
  AgentRecord,
  ApprovalResult,
  ApprovalStatus,
  Challenge,
  Decision,
  KeyEventAppended,
  RelayInfo,
  SessionGrant,
  SessionSummary,
  TrustExplanation,
  TrustGateExplanation,
} from "./relay/relay-types.ts";
export {
  AccessGuard,
  type AccessGuardOptions,
  type GuardedRequest,
} from "./resource/access-guard.ts";
export {
  accessProblem,
  expressAccess,
  fastifyAccess,
  type RouteAccess,
} from "./resource/access-middleware.ts";
export { callResource } from "./resource/call-resource.ts";
export {
  type AccessTokenClaims,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from "./resource/verify-access-token.ts";
export {
  fetchSnapshot,
  listRevocations,
  type RevocationPage,
  type SnapshotAnswer,
  submitRevocation,
} from "./revocation/revocation-api.ts";
export { RevocationFeed, type RevocationFeedOptions } from "./revocation/revocation-feed.ts";
export { type ServerSentEvent, serverSentEvents } from "./revocation/sse-events.ts";
