import { randomBytes } from "node:crypto";
import { access, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { createKeystoreFile, openKeystoreFile, resolvePassphrase } from "@ants/client";
import {
  createSigner,
  type Ed25519PublicJwk,
  type Ed25519Signer,
  generateKeyPair,
  publicKeyToJwk,
} from "@ants/protocol";
import type { Logger } from "pino";
import { RelayError } from "../errors/relay-error.ts";
import { type RetiredRelayKey, readRetiredRelayKeys } from "./retired-relay-keys.ts";

/** The relay's own identity: its Ed25519 key, which signs sessions and access tokens. */
export interface RelayIdentity {
  /** The relay's DID (did:key of its key); the `aud` of invocations and sessions. */
  did: string;
  signer: Ed25519Signer;
  /** The public key as a JWK, `kid` its RFC 7638 thumbprint. */
  jwk: Ed25519PublicJwk;
  /**
   * Keys it signed with before `ants relay rotate-key`, still published during their overlap so
   * that tokens and checkpoints they signed stay verifiable.
   */
  retired?: readonly RetiredRelayKey[];
}

/**
 * The relay key whose thumbprint is `kid`: the signing key, or a former key still in its
 * overlap, so tokens the relay signed before `ants relay rotate-key` keep verifying here too.
 *
 * @example
 * const key = relayKeyFor(context.identity, jws.kid);
 */
export function relayKeyFor(identity: RelayIdentity, kid: string): Uint8Array | undefined {
  if (identity.jwk.kid === kid) return identity.signer.publicKey;
  return identity.retired?.find((key) => key.jwk.kid === kid)?.publicKey;
}

/** Options for {@link loadRelayIdentity}. */
export interface LoadRelayIdentityOptions {
  dataDir: string;
  /** A file holding the keystore passphrase (production: a secret store mount). */
  passphraseFile?: string | undefined;
  /** Test-only: a cheaper scrypt work factor for a new key. Its name says the risk. */
  insecureWorkFactorLog2ForTests?: number | undefined;
  log: Logger;
}

/** The relay's keystore inside its data directory (same age format as an agent's). */
export const RELAY_KEYSTORE_FILE = "relay-key.age";
/** Where a generated passphrase goes when none was given on a first start. */
export const GENERATED_PASSPHRASE_FILE = "relay-passphrase";

/**
 * Loads the relay's key from its data directory, creating it on the first start. Passphrase
 * sources, in order: `passphraseFile`, then a passphrase the relay generated earlier into
 * `relay-passphrase`. With neither, on a first start, the relay generates one into that file
 * (mode 0600) and logs that it did, never the passphrase itself; with neither on a later start
 * it refuses with ERR_KEYSTORE_PASSPHRASE_MISSING rather than invent a key nobody asked for.
 *
 * @example
 * const identity = await loadRelayIdentity({ dataDir: ".ants-data", log });
 */
export async function loadRelayIdentity(options: LoadRelayIdentityOptions): Promise<RelayIdentity> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const keystore = join(options.dataDir, RELAY_KEYSTORE_FILE);
  const passphrase = await relayPassphrase(options, await exists(keystore));

  if (await exists(keystore)) {
    const { signer, did, publicKey } = await openKeystoreFile(keystore, passphrase);
    const retired = await readRetiredRelayKeys(options.dataDir, Math.floor(Date.now() / 1000));
    return { did, signer, jwk: publicKeyToJwk(publicKey), retired };
  }
  const { seed } = generateKeyPair();
  const workFactor = options.insecureWorkFactorLog2ForTests;
  const created = await createKeystoreFile(keystore, seed, passphrase, {
    ...(workFactor === undefined ? {} : { insecureWorkFactorLog2ForTests: workFactor }),
  });
  // The new key signs straight away: reopening the file would cost a second scrypt run.
  const signer = createSigner(seed);
  seed.fill(0);
  options.log.info({ did: created.did, keystore }, "created the relay's identity key");
  return { did: created.did, signer, jwk: publicKeyToJwk(created.publicKey) };
}

/**
 * The relay key's passphrase, from the same sources as {@link loadRelayIdentity}; generates one
 * only when the keystore does not exist yet (which needs `log`, to say so).
 *
 * @example
 * const passphrase = await relayPassphrase({ dataDir }, true);
 */
export async function relayPassphrase(
  options: Pick<LoadRelayIdentityOptions, "dataDir" | "passphraseFile"> & { log?: Logger },
  keystoreExists: boolean,
): Promise<string> {
  if (options.passphraseFile !== undefined) {
    return resolvePassphrase({ passphraseFile: options.passphraseFile, env: {} });
  }
  const generated = join(options.dataDir, GENERATED_PASSPHRASE_FILE);
  if (await exists(generated)) return resolvePassphrase({ passphraseFile: generated, env: {} });
  if (keystoreExists) {
    throw new RelayError(
      "ERR_KEYSTORE_PASSPHRASE_MISSING",
      "relay key: it exists but no passphrase was given; use --passphrase-file",
    );
  }
  const passphrase = randomBytes(32).toString("base64url");
  await writeSecretFile(generated, `${passphrase}\n`);
  options.log?.warn(
    { passphraseFile: generated },
    "generated a passphrase for the relay key; in production, point --passphrase-file at a secret store",
  );
  return passphrase;
}

// Created with O_EXCL and mode 0600 so the secret is never readable by others, not even briefly.
async function writeSecretFile(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
