export { type ApprovalClaims, readApprovalClaims } from "./approval/approval-claims.ts";
export { type ApprovalInput, signApproval } from "./approval/sign-approval.ts";
export {
  approvalsMet,
  type VerifiedApproval,
  type VerifyApprovalOptions,
  verifyApproval,
} from "./approval/verify-approval.ts";
export {
  buildDecisionEntry,
  buildEventEntry,
  type DecisionEntryInput,
  type EventEntryInput,
  hashArgs,
  type KnownInvocationParts,
  redactInvocation,
} from "./audit-log/build-log-entry.ts";
export { CANONICAL_JSON_MAX_DEPTH, canonicalJson } from "./audit-log/canonical-json.ts";
export {
  type Checkpoint,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from "./audit-log/checkpoint.ts";
export { consistencyProof, consistencyProofPlan } from "./audit-log/consistency-proof.ts";
export {
  foldSubtreeHashes,
  type HashReader,
  readHashes,
  rootAtSize,
  subtreeRoot,
} from "./audit-log/hash-reader.ts";
export { inclusionProof, inclusionProofPlan } from "./audit-log/inclusion-proof.ts";
export {
  type DecisionEntry,
  type EventEntry,
  entryAgent,
  LOG_DECISIONS,
  LOG_ENTRY_VERSION,
  LOG_EVENT_KINDS,
  type LogDecision,
  type LogEntry,
  type LogEntryPrev,
  type LogEventKind,
  MAX_ENTRY_BYTES,
  type RedactedInvocation,
} from "./audit-log/log-entry.ts";
export { assertLogEntry, decodeLogEntry, encodeLogEntry } from "./audit-log/log-entry-codec.ts";
export { MemoryHashStore } from "./audit-log/memory-hash-store.ts";
export { frontierNodes, MerkleFrontier, type NodeHash } from "./audit-log/merkle-frontier.ts";
export {
  emptyRootHash,
  HASH_SIZE,
  hashesEqual,
  isHash,
  LEAF_HASH_PREFIX,
  leafHash,
  NODE_HASH_PREFIX,
  nodeHash,
} from "./audit-log/merkle-hash.ts";
export {
  createNoteSigner,
  formatVerifierKey,
  isNoteKeyName,
  NOTE_ED25519_TYPE,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  parseVerifierKey,
} from "./audit-log/note-key.ts";
export {
  assembleProof,
  type ProofOptions,
  type ProofPlan,
  planNodes,
  type RangeHashCache,
} from "./audit-log/proof-plan.ts";
export { rootHash } from "./audit-log/root-hash.ts";
export {
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  type NoteSignatureKey,
  type OpenedNote,
  openNote,
  signNote,
} from "./audit-log/signed-note.ts";
export {
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  encodeHashTile,
} from "./audit-log/tile-codec.ts";
export { createTileHashReader, type TileSource } from "./audit-log/tile-hash-reader.ts";
export {
  hashesAtTileLevel,
  isTileWithinTree,
  tileForNode,
  tilesForConsistencyProof,
  tilesForInclusionProof,
  tilesForNodes,
} from "./audit-log/tile-layout.ts";
export {
  type EntryBundleId,
  entryBundlePath,
  formatTileIndex,
  MAX_TILE_LEVEL,
  type ParsedTilePath,
  parseTilePath,
  TILE_HEIGHT,
  TILE_WIDTH,
  type TileId,
  tilePath,
} from "./audit-log/tile-path.ts";
export {
  fullSubtrees,
  isPowerOfTwo,
  isTreeSize,
  largestPowerOfTwoBelow,
  type NodeId,
} from "./audit-log/tree-math.ts";
export {
  assertConsistency,
  type ConsistencyInput,
  verifyConsistency,
} from "./audit-log/verify-consistency.ts";
export {
  assertInclusion,
  type InclusionInput,
  verifyInclusion,
} from "./audit-log/verify-inclusion.ts";
export { type AttenuationInput, attenuate } from "./delegation/attenuate.ts";
export { commandCovers, isCommand, readCommand } from "./delegation/command.ts";
export {
  type ApprovalRequirement,
  type CheckedDelegationClaims,
  type DelegationClaims,
  MAX_APPROVERS,
  MAX_LEVEL,
  readDelegationClaims,
} from "./delegation/delegation-claims.ts";
export { LinkCache, type LinkCacheOptions, type VerifiedLink } from "./delegation/link-cache.ts";
export {
  checkChild,
  checkRoot,
  MAX_CHAIN_LENGTH,
  type ParentLink,
} from "./delegation/link-rules.ts";
export { type DelegationInput, signDelegation } from "./delegation/sign-delegation.ts";
export {
  type KeyResolver,
  type RevocationCheck,
  type RevocationHit,
  type RevocationKind,
  type RevocationQuery,
  resolveDidKey,
  type VerificationHooks,
} from "./delegation/verification-hooks.ts";
export {
  type ChainApproval,
  type DelegationChainResult,
  type VerifyDelegationsOptions,
  verifyDelegations,
} from "./delegation/verify-delegations.ts";
export { didFromPublicKey, publicKeyFromDid } from "./did/did-key.ts";
export { decodeBase64url, encodeBase64url } from "./encoding/base64url.ts";
export { PROTOCOL_ERROR_CODES, type ProtocolErrorCode } from "./errors/error-codes.ts";
export { isProtocolError, ProtocolError } from "./errors/protocol-error.ts";
export {
  HANDLE_BINDING_TTL_SECONDS,
  type HandleBindingClaims,
  MAX_HANDLE_BINDING_BYTES,
  readHandleBindingClaims,
  signHandleBinding,
  type VerifyHandleBindingOptions,
  verifyHandleBinding,
} from "./handles/handle-binding.ts";
export {
  type HandleAction,
  type HandleStatementClaims,
  type HandleStatementInput,
  MAX_HANDLE_STATEMENT_BYTES,
  type ParsedHandleStatement,
  parseHandleStatement,
  readHandleStatementClaims,
  signHandleStatement,
  type VerifyHandleStatementOptions,
  verifyHandleStatement,
} from "./handles/handle-statement.ts";
export {
  HANDLE_MAX_LENGTH,
  HANDLE_MIN_LENGTH,
  normalizeHandle,
} from "./handles/normalize-handle.ts";
export {
  formatHandleRef,
  type HandleRef,
  parseHandleRef,
} from "./handles/parse-handle-ref.ts";
export {
  DEFAULT_RESERVED_HANDLES,
  reservedHandleSet,
  validateHandle,
} from "./handles/reserved-handles.ts";
export {
  type InvocationClaims,
  readInvocationClaims,
} from "./invocation/invocation-claims.ts";
export { type InvocationInput, signInvocation } from "./invocation/sign-invocation.ts";
export {
  type ChainVerification,
  type InvocationKeyResolver,
  MAX_CLOCK_SKEW_SECONDS,
  type ParsedInvocation,
  parseInvocation,
  type VerifyChainOptions,
  verifyChain,
} from "./invocation/verify-chain.ts";
export {
  type JsonValue,
  parseStrictJson,
  parseStrictJsonBytes,
  type StrictJsonOptions,
} from "./json/strict-json.ts";
export {
  type Ed25519PublicJwk,
  jwkThumbprint,
  publicKeyFromJwk,
  publicKeyToJwk,
} from "./jwk/jwk.ts";
export { type ParsedJws, type ParseJwsOptions, parseCompactJws } from "./jws/compact-jws.ts";
export { signCompactJws } from "./jws/sign-jws.ts";
export type { SignTokenOptions } from "./jws/sign-options.ts";
export { tokenHash } from "./jws/token-hash.ts";
export {
  ACCESS_TOKEN_TYP,
  APPROVAL_TYP,
  DELEGATION_TYP,
  HANDLE_BINDING_TYP,
  HANDLE_STATEMENT_TYP,
  INVOCATION_TYP,
  KEY_EVENT_TYP,
  LOGIN_TYP,
  MAX_APPROVAL_BYTES,
  MAX_DELEGATION_BYTES,
  MAX_INVOCATION_BYTES,
  OUTCOME_TYP,
  OWNER_CERT_TYP,
  REGISTRATION_TYP,
  REVOCATION_SNAPSHOT_TYP,
  REVOCATION_TYP,
  SESSION_TYP,
  type TokenTyp,
  VOUCH_TYP,
} from "./jws/token-types.ts";
export { verifyJwsSignature } from "./jws/verify-jws-signature.ts";
export {
  type GuardianApprovalClaims,
  type InceptionClaims,
  type KeyEventClaims,
  ROTATION_AUTHORITIES,
  ROTATION_REASONS,
  type RotationAuthority,
  type RotationClaims,
  type RotationReason,
  readKeyEventClaims,
} from "./key-events/key-event-claims.ts";
export {
  DEFAULT_RECOVERY_WINDOW_SECONDS,
  MAX_GUARDIANS,
  MAX_KEY_EVENT_BYTES,
  MAX_KEY_EVENTS,
  MAX_OWNER_CERT_BYTES,
  MAX_RECOVERY_KEYS,
  MAX_RECOVERY_WINDOW_SECONDS,
} from "./key-events/key-event-limits.ts";
export type {
  KeyHistory,
  KeyPeriod,
  KeyRevocation,
  VerifiedKeyEvent,
} from "./key-events/key-history.ts";
export { nextKeyDigest } from "./key-events/next-key-digest.ts";
export {
  type GuardianQuorum,
  type OwnerCertificateClaims,
  type OwnerCertificateInput,
  readOwnerCertificateClaims,
  signOwnerCertificate,
  type VerifiedOwnerCertificate,
  verifyOwnerCertificate,
} from "./key-events/owner-certificate.ts";
export { RANK_GUARDIANS, RANK_NEXT } from "./key-events/rotation-authority.ts";
export {
  type GuardianApprovalInput,
  type InceptionInput,
  type RotationInput,
  signGuardianApproval,
  signInception,
  signRotation,
} from "./key-events/sign-key-events.ts";
export {
  extendKeyEventLog,
  type KeyEventLog,
  type KeyEventRecord,
  type VerifyKeyEventLogOptions,
  verifyKeyEventLog,
} from "./key-events/verify-key-event-log.ts";
export {
  assertValidPublicKey,
  createSigner,
  type Ed25519Signer,
  generateKeyPair,
  verifySignature,
} from "./keys/ed25519.ts";
export { type DecryptSeedOptions, decryptSeed } from "./keystore/decrypt-seed.ts";
export { type EncryptSeedOptions, encryptSeed } from "./keystore/encrypt-seed.ts";
export {
  MAX_WORK_FACTOR_LOG2,
  MIN_WORK_FACTOR_LOG2,
} from "./keystore/keystore-inputs.ts";
export { type CompiledPolicy, compilePolicy, type Statement } from "./policy/compile-policy.ts";
export { type EvaluatePolicyOptions, evaluatePolicy } from "./policy/evaluate-policy.ts";
export { MAX_POLICY_STEPS, StepBudget } from "./policy/step-budget.ts";
export {
  type IssueChallengeOptions,
  issueChallenge,
  verifyChallenge,
} from "./proof-of-work/challenge.ts";
export {
  type HandleDifficulty,
  type HandleDifficultyOptions,
  handleDifficulty,
} from "./proof-of-work/difficulty-policy.ts";
export { type HandleChallenge, parseChallenge } from "./proof-of-work/parse-challenge.ts";
export { type HandleSolution, parseSolution } from "./proof-of-work/parse-solution.ts";
export {
  DEFAULT_BASE_DIFFICULTY,
  DEFAULT_CHALLENGE_LIFETIME_SECONDS,
  DEFAULT_MAX_SOLVER_DIFFICULTY,
  MAX_DIFFICULTY,
  MEMORY_HARD_BELOW_LENGTH,
  MEMORY_STEP_SCRYPT,
  MIN_DIFFICULTY,
  SUB_PUZZLE_COUNT,
} from "./proof-of-work/pow-constants.ts";
export { checkPuzzleSolution } from "./proof-of-work/puzzle.ts";
export {
  type SolveProgress,
  type SolvePuzzleOptions,
  solvePuzzle,
} from "./proof-of-work/solve-puzzle.ts";
export { type VerifySolutionOptions, verifySolution } from "./proof-of-work/verify-solution.ts";
export {
  MAX_REVOCATION_REASON_LENGTH,
  REVOCATION_KINDS,
  type RevocationLogKind,
  type RevocationRequestClaims,
  readRevocationClaims,
  readTarget as readRevocationTarget,
} from "./revocation/revocation-claims.ts";
export {
  MAX_REVOCATION_REQUEST_BYTES,
  type ParsedRevocationRequest,
  parseRevocationRequest,
  type RevocationRequestInput,
  signRevocationRequest,
  type VerifyRevocationRequestOptions,
  verifyRevocationRequest,
} from "./revocation/revocation-request.ts";
export {
  type RevocationSnapshot,
  signRevocationSnapshot,
  type VerifySnapshotOptions,
  verifyRevocationSnapshot,
} from "./revocation/revocation-snapshot.ts";
export {
  type RevocationEntry,
  RevocationState,
  type RevocationStateItem,
  stateItemOf,
} from "./revocation/revocation-state.ts";
export {
  accessTokenHash,
  DPOP_TYP,
  type DpopProofInput,
  MAX_DPOP_PROOF_BYTES,
  signDpopProof,
  type VerifiedDpopProof,
  type VerifyDpopOptions,
  verifyDpopProof,
} from "./session/dpop-proof.ts";
export {
  type LoginClaims,
  type LoginInput,
  type ParsedLogin,
  parseLoginStatement,
  readLoginClaims,
  signLoginStatement,
  verifyLoginStatement,
} from "./session/login-statement.ts";
export {
  MAX_DECLARED_INSTANCES,
  MAX_RECOVERY_BYTES,
  type RegistrationClaims,
  type RegistrationInput,
  readRegistrationClaims,
  signRegistration,
  verifyRegistration,
} from "./session/registration-statement.ts";
export {
  OUTCOME_RESULTS,
  type OutcomeClaims,
  type OutcomeInput,
  type OutcomeResult,
  type ParsedOutcome,
  parseOutcome,
  readOutcomeClaims,
  signOutcome,
  verifyOutcome,
} from "./trust/outcome-statement.ts";
export {
  MAX_TRUST_STATEMENT_BYTES,
  type VerifyTrustStatementOptions,
} from "./trust/trust-statement.ts";
export {
  MAX_VOUCH_SECONDS,
  type ParsedVouch,
  parseVouch,
  readVouchClaims,
  signVouch,
  type VouchClaims,
  type VouchInput,
  verifyVouch,
} from "./trust/vouch-statement.ts";
