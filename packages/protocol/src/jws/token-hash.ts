import { hash } from "node:crypto";

/**
 * The token hash of spec 1.3: SHA-256 over the exact bytes of a compact token as received,
 * base64url without padding (43 characters). Tokens are identified by this hash, never by `jti`.
 *
 * @example
 * tokenHash("eyJhbGciOi...") // "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"
 */
export function tokenHash(compact: string): string {
  // One-shot hashing skips the Hash object a streaming createHash would allocate per token.
  return hash("sha256", compact, "base64url");
}
