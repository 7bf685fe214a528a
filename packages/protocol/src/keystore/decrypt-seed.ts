import { Decrypter, type Identity } from "age-encryption";
import { ProtocolError } from "../errors/protocol-error.ts";
import { type AgeHeader, parseAgeHeader } from "./age-header.ts";
import { assertPassphrase, assertWorkFactorLog2, MAX_WORK_FACTOR_LOG2 } from "./keystore-inputs.ts";
import { decodeKeystorePayload, KEYSTORE_PAYLOAD_LENGTH } from "./keystore-payload.ts";

/** Options of {@link decryptSeed}. */
export interface DecryptSeedOptions {
  /** Refuse files whose scrypt work factor exceeds 2^this, before any work. Default 20. */
  maxWorkFactorLog2?: number;
}

/** A keystore is a few hundred bytes; anything far larger is refused unread. */
const MAX_KEYSTORE_SIZE = 16 * 1024;
/** age spec, "Payload": a 16-byte nonce, then ChaCha20-Poly1305 chunks with a 16-byte tag. */
const PAYLOAD_NONCE_LENGTH = 16;
const CHUNK_TAG_LENGTH = 16;
/** age spec: a 16-byte salt is 22 characters of canonical unpadded base64. */
const SCRYPT_SALT = /^[A-Za-z0-9+/]{21}[AQgw]$/;
const SCRYPT_LOG2 = /^[1-9][0-9]{0,2}$/;

/**
 * Decrypts a keystore written by {@link encryptSeed} and returns the 32-byte seed. The header is
 * parsed and the work factor checked before any scrypt work. Throws, each with its own code:
 * ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH, ERR_KEYSTORE_PASSPHRASE_WRONG, ERR_KEYSTORE_TRUNCATED,
 * ERR_KEYSTORE_TAMPERED, ERR_KEYSTORE_NOT_ANTS (another kind of age file, or another payload),
 * ERR_KEYSTORE_PASSPHRASE_MISSING; ERR_NOT_SUPPORTED for a ceiling above 20.
 *
 * @example
 * const seed = await decryptSeed(await readFile("identity.age"), passphrase);
 * const signer = createSigner(seed);
 */
export async function decryptSeed(
  file: Uint8Array,
  passphrase: string,
  options: DecryptSeedOptions = {},
): Promise<Uint8Array> {
  assertPassphrase(passphrase);
  const ceiling = checkCeiling(options.maxWorkFactorLog2 ?? MAX_WORK_FACTOR_LOG2);
  if (!(file instanceof Uint8Array)) {
    throw new ProtocolError("ERR_MALFORMED", "file: expected bytes");
  }
  if (file.length > MAX_KEYSTORE_SIZE) {
    throw new ProtocolError(
      "ERR_KEYSTORE_NOT_ANTS",
      `file: larger than ${MAX_KEYSTORE_SIZE} bytes`,
    );
  }

  const header = parseAgeHeader(file);

  const workFactorLog2 = scryptWorkFactor(header);
  if (workFactorLog2 > ceiling) {
    throw new ProtocolError(
      "ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH",
      `scrypt work factor: expected at most 2^${ceiling}, got 2^${workFactorLog2}`,
    );
  }

  const payload = await decryptPayload(file, header, passphrase);

  const seed = decodeKeystorePayload(payload);
  payload.fill(0);
  if (seed === undefined) {
    throw new ProtocolError("ERR_KEYSTORE_NOT_ANTS", "payload: not an ants-keystore/v1 seed");
  }
  return seed;
}

function checkCeiling(ceiling: number): number {
  if (Number.isInteger(ceiling) && ceiling > MAX_WORK_FACTOR_LOG2) {
    throw new ProtocolError(
      "ERR_NOT_SUPPORTED",
      `maxWorkFactorLog2: the age library derives at most 2^${MAX_WORK_FACTOR_LOG2}`,
    );
  }
  assertWorkFactorLog2(ceiling, "maxWorkFactorLog2");
  return ceiling;
}

/**
 * age spec, "scrypt recipient stanza": `-> scrypt <base64 salt> <log2 N>`, and it must be the
 * only stanza. Any other recipient makes this some other age file, not a passphrase keystore.
 */
function scryptWorkFactor(header: AgeHeader): number {
  const [stanza, ...others] = header.stanzas;
  if (stanza === undefined || stanza.args[0] !== "scrypt" || others.length > 0) {
    throw new ProtocolError(
      "ERR_KEYSTORE_NOT_ANTS",
      "header: expected exactly one scrypt recipient",
      { details: { recipients: header.stanzas.map((s) => s.args[0]) } },
    );
  }
  const [, salt, logN] = stanza.args;
  const wellFormed = SCRYPT_SALT.test(salt ?? "") && SCRYPT_LOG2.test(logN ?? "");
  if (stanza.args.length !== 3 || !wellFormed) {
    throw new ProtocolError("ERR_KEYSTORE_TAMPERED", "header: malformed scrypt stanza");
  }
  return Number(logN);
}

/**
 * Runs the age decryption proper. A passphrase that unwraps no file key is reported as wrong;
 * after that, any failure is a damaged file: truncated when it is shorter than a v1 keystore
 * with this header must be, tampered otherwise.
 */
async function decryptPayload(file: Uint8Array, header: AgeHeader, passphrase: string) {
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  // Identities are tried in order: this one is reached only when scrypt found no file key.
  let passphraseRejected = false;
  const rejectionWitness: Identity = {
    unwrapFileKey: () => {
      passphraseRejected = true;
      return null;
    },
  };
  decrypter.addIdentity(rejectionWitness);
  try {
    return await decrypter.decrypt(file);
  } catch (cause) {
    if (passphraseRejected) {
      // The scrypt stanza's salt and wrapped key are not covered by anything but the
      // passphrase itself, so a change there is indistinguishable from a wrong passphrase.
      throw new ProtocolError(
        "ERR_KEYSTORE_PASSPHRASE_WRONG",
        "passphrase: does not open this keystore",
      );
    }
    const expected =
      header.length + PAYLOAD_NONCE_LENGTH + KEYSTORE_PAYLOAD_LENGTH + CHUNK_TAG_LENGTH;
    if (file.length < expected) {
      throw new ProtocolError("ERR_KEYSTORE_TRUNCATED", "file: shorter than a keystore", { cause });
    }
    throw new ProtocolError("ERR_KEYSTORE_TAMPERED", "file: fails authentication", { cause });
  }
}
