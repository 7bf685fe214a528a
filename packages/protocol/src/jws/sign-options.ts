import { randomBytes } from "node:crypto";
import type { Ed25519Signer } from "../keys/ed25519.ts";

/** Options shared by the token signing functions. */
export interface SignTokenOptions {
  /** The key that signs; its RFC 7638 thumbprint becomes the header's `kid`. */
  signer: Ed25519Signer;
  /** Time used for `iat` when the claims omit it; default the system clock (Unix seconds). */
  now?: number;
}

/**
 * The current time in Unix seconds, or `now` when given.
 *
 * @example
 * issuedAt({ signer }); // 1767225600
 */
export function issuedAt(options: SignTokenOptions): number {
  return options.now ?? Math.floor(Date.now() / 1000);
}

/**
 * A fresh `jti`: 128 random bits, base64url (DESIGN section 5).
 *
 * @example
 * randomJti(); // "3q2-7wAAAAAAAAAAAAAAAA"
 */
export function randomJti(): string {
  return randomBytes(16).toString("base64url");
}
