import { Encrypter } from "age-encryption";
import { ProtocolError } from "../errors/protocol-error.ts";
import {
  assertPassphrase,
  assertSeed,
  assertWorkFactorLog2,
  MIN_WORK_FACTOR_LOG2,
} from "./keystore-inputs.ts";
import { encodeKeystorePayload } from "./keystore-payload.ts";

/** Options of {@link encryptSeed}. */
export interface EncryptSeedOptions {
  /** log2 of the scrypt work factor, 18 to 20. Default 18 (2^18, age's own default). */
  workFactorLog2?: number;
  /**
   * A work factor below 2^18, for tests only: it makes the passphrase far cheaper to guess.
   * Takes precedence over `workFactorLog2`. Never set it for a real key.
   */
  insecureWorkFactorLog2ForTests?: number;
}

/**
 * Encrypts a 32-byte Ed25519 seed as an age v1 file with a single scrypt recipient
 * (docs/spec/keystore.md). The result opens with `age -d` and the passphrase. Throws
 * ERR_KEYSTORE_SEED_INVALID, ERR_KEYSTORE_PASSPHRASE_MISSING, ERR_KEYSTORE_WORK_FACTOR_TOO_LOW
 * or ERR_MALFORMED.
 *
 * @example
 * const file = await encryptSeed(seed, "correct horse battery staple");
 * await writeFile("identity.age", file, { mode: 0o600 });
 */
export async function encryptSeed(
  seed: Uint8Array,
  passphrase: string,
  options: EncryptSeedOptions = {},
): Promise<Uint8Array> {
  assertSeed(seed);
  assertPassphrase(passphrase);
  const workFactorLog2 = chooseWorkFactor(options);

  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  encrypter.setScryptWorkFactor(workFactorLog2);
  const payload = encodeKeystorePayload(seed);
  try {
    return await encrypter.encrypt(payload);
  } finally {
    // The payload holds the seed in hex; do not leave a copy for the garbage collector.
    payload.fill(0);
  }
}

function chooseWorkFactor(options: EncryptSeedOptions): number {
  const insecure = options.insecureWorkFactorLog2ForTests;
  if (insecure !== undefined) {
    assertWorkFactorLog2(insecure, "insecureWorkFactorLog2ForTests");
    return insecure;
  }
  const chosen = options.workFactorLog2 ?? MIN_WORK_FACTOR_LOG2;
  assertWorkFactorLog2(chosen, "workFactorLog2");
  if (chosen < MIN_WORK_FACTOR_LOG2) {
    throw new ProtocolError(
      "ERR_KEYSTORE_WORK_FACTOR_TOO_LOW",
      `workFactorLog2: expected at least ${MIN_WORK_FACTOR_LOG2}, got ${chosen}`,
    );
  }
  return chosen;
}
