export { type ApprovalClaims, readApprovalClaims } from "./approval/approval-claims.ts";
export { type ApprovalInput, signApproval } from "./approval/sign-approval.ts";
export {
  approvalsMet,
  type VerifiedApproval,
  type VerifyApprovalOptions,
  verifyApproval,
} from "./approval/verify-approval.ts";
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
  APPROVAL_TYP,
  DELEGATION_TYP,
  INVOCATION_TYP,
  MAX_APPROVAL_BYTES,
  MAX_DELEGATION_BYTES,
  MAX_INVOCATION_BYTES,
  type TokenTyp,
} from "./jws/token-types.ts";
export { verifyJwsSignature } from "./jws/verify-jws-signature.ts";
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
