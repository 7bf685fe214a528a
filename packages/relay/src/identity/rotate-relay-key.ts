import { rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { createKeystoreFile, openKeystoreFile } from "@ants/client";
import { generateKeyPair, jwkThumbprint } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import { RELAY_KEYSTORE_FILE, relayPassphrase } from "./relay-identity.ts";
import { retireRelayKey } from "./retired-relay-keys.ts";

/** How long a former relay key stays published unless told otherwise: 7 days. */
export const DEFAULT_RELAY_KEY_OVERLAP_SECONDS = 7 * 86_400;

/** Options for {@link rotateRelayKey}. */
export interface RotateRelayKeyOptions {
  dataDir: string;
  /** A file holding the keystore passphrase; default the relay's generated one in `dataDir`. */
  passphraseFile?: string | undefined;
  /** How long the old key stays published, seconds; default 7 days. */
  overlapSeconds?: number;
  /** Unix seconds; default the system clock. */
  now?: number;
  /** Test-only: a cheaper scrypt work factor for the new key. Its name says the risk. */
  insecureWorkFactorLog2ForTests?: number | undefined;
}

/** What {@link rotateRelayKey} did. */
export interface RelayKeyRotation {
  previous: { did: string; kid: string };
  current: { did: string; kid: string };
  /** Until when the previous key stays published, Unix seconds. */
  overlapUntil: number;
}

/**
 * Rotates the relay's own key in its data directory: a new key becomes the signing key (same
 * passphrase), and the old one is published beside it in the JWKS and the relay document until
 * the overlap ends, so access tokens, session tokens and checkpoints it signed stay verifiable.
 * The relay's DID is the did:key of its signing key, so it changes too. Takes effect when the
 * relay (each instance sharing the data directory's key) next starts. Throws
 * ERR_KEYSTORE_NOT_FOUND without a key, and the keystore's codes for a wrong passphrase.
 *
 * @example
 * const rotation = await rotateRelayKey({ dataDir: ".ants-data" });
 */
export async function rotateRelayKey(options: RotateRelayKeyOptions): Promise<RelayKeyRotation> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const overlap = options.overlapSeconds ?? DEFAULT_RELAY_KEY_OVERLAP_SECONDS;
  const keystore = join(options.dataDir, RELAY_KEYSTORE_FILE);
  const passphrase = await relayPassphrase(options, true);
  const old = await openKeystoreFile(keystore, passphrase);

  // Written beside the old keystore first: until the rename the old key is intact.
  const staged = `${keystore}.rotating`;
  const { seed } = generateKeyPair();
  const workFactor = options.insecureWorkFactorLog2ForTests;
  const created = await createKeystoreFile(staged, seed, passphrase, {
    force: true,
    ...(workFactor === undefined ? {} : { insecureWorkFactorLog2ForTests: workFactor }),
  });
  seed.fill(0);
  try {
    await retireRelayKey(options.dataDir, old.publicKey, { now, until: now + overlap });
    await rename(staged, keystore);
  } catch (cause) {
    await unlink(staged).catch(() => undefined);
    if (cause instanceof RelayError) throw cause;
    throw new RelayError("ERR_STORE_FAILED", `${keystore}: cannot be replaced`, { cause });
  }
  return {
    previous: { did: old.did, kid: jwkThumbprint(old.publicKey) },
    current: { did: created.did, kid: jwkThumbprint(created.publicKey) },
    overlapUntil: now + overlap,
  };
}
