// Checks on the caller's inputs to the keystore functions, shared by encrypt and decrypt.

import { ProtocolError } from "../errors/protocol-error.ts";
import { SEED_LENGTH } from "../keys/ed25519-encoding.ts";

/** DESIGN.md section 3: keystores are written with a scrypt work factor of at least 2^18. */
export const MIN_WORK_FACTOR_LOG2 = 18;
/** The default ceiling when reading; the age library refuses to derive above 2^20. */
export const MAX_WORK_FACTOR_LOG2 = 20;
/** Far above any passphrase a person types; bounds the bytes fed to scrypt. */
const MAX_PASSPHRASE_LENGTH = 4096;

/**
 * Throws ERR_KEYSTORE_SEED_INVALID unless `seed` is 32 bytes.
 *
 * @example
 * assertSeed(new Uint8Array(32));
 */
export function assertSeed(seed: unknown): asserts seed is Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw new ProtocolError("ERR_KEYSTORE_SEED_INVALID", `seed: expected ${SEED_LENGTH} bytes`);
  }
}

/**
 * Throws ERR_KEYSTORE_PASSPHRASE_MISSING for a missing or empty passphrase, ERR_MALFORMED for one
 * over 4096 characters. The passphrase is used exactly as given: age does not normalise it.
 *
 * @example
 * assertPassphrase("correct horse battery staple");
 */
export function assertPassphrase(passphrase: unknown): asserts passphrase is string {
  if (typeof passphrase !== "string" || passphrase.length === 0) {
    throw new ProtocolError(
      "ERR_KEYSTORE_PASSPHRASE_MISSING",
      "passphrase: expected a non-empty string",
    );
  }
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) {
    throw new ProtocolError(
      "ERR_MALFORMED",
      `passphrase: expected at most ${MAX_PASSPHRASE_LENGTH} characters`,
    );
  }
}

/**
 * Throws ERR_MALFORMED unless `value` is an integer from 1 to 20 (age's own ceiling); `field`
 * names the option in the message.
 *
 * @example
 * assertWorkFactorLog2(18, "workFactorLog2");
 */
export function assertWorkFactorLog2(value: unknown, field: string): asserts value is number {
  if (
    !Number.isInteger(value) ||
    (value as number) < 1 ||
    (value as number) > MAX_WORK_FACTOR_LOG2
  ) {
    throw new ProtocolError(
      "ERR_MALFORMED",
      `${field}: expected an integer from 1 to ${MAX_WORK_FACTOR_LOG2}, got ${String(value)}`,
    );
  }
}
