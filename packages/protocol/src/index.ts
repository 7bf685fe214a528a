export { didFromPublicKey, publicKeyFromDid } from "./did/did-key.ts";
export { decodeBase64url, encodeBase64url } from "./encoding/base64url.ts";
export { PROTOCOL_ERROR_CODES, type ProtocolErrorCode } from "./errors/error-codes.ts";
export { isProtocolError, ProtocolError } from "./errors/protocol-error.ts";
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
