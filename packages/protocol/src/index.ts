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
  type Ed25519PublicJwk,
  jwkThumbprint,
  publicKeyFromJwk,
  publicKeyToJwk,
} from "./jwk/jwk.ts";
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
