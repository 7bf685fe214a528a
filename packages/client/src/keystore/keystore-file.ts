import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  createSigner,
  type DecryptSeedOptions,
  decryptSeed,
  didFromPublicKey,
  type Ed25519Signer,
  type EncryptSeedOptions,
  encryptSeed,
} from "@ants/protocol";
import { ClientError, withClientErrors } from "../errors/client-error.ts";

/** Options of {@link createKeystoreFile}. */
export interface CreateKeystoreOptions extends EncryptSeedOptions {
  /** Replace an existing keystore. Default false: an existing file is ERR_KEYSTORE_EXISTS. */
  force?: boolean;
}

/** An unlocked identity. The seed stays inside `signer`; nothing else holds it. */
export interface OpenedKeystore {
  signer: Ed25519Signer;
  publicKey: Uint8Array;
  did: string;
}

/** Matches the protocol's own bound; a larger file is refused without reading it all. */
const MAX_KEYSTORE_SIZE = 16 * 1024;

/**
 * Encrypts `seed` (docs/spec/keystore.md) and writes it to `path` with mode 0600, atomically: a
 * temporary file in the same directory is written, fsynced, then linked (or, with `force`,
 * renamed) into place, and the directory is fsynced, so a crash leaves either no keystore or a
 * whole one. Missing directories are created with mode 0700. Returns the identity's public key
 * and did:key. Throws ERR_KEYSTORE_EXISTS, ERR_IO, or a keystore input error.
 *
 * @example
 * const { did } = await createKeystoreFile("/srv/agent/identity.age", seed, passphrase);
 */
export async function createKeystoreFile(
  path: string,
  seed: Uint8Array,
  passphrase: string,
  options: CreateKeystoreOptions = {},
): Promise<{ did: string; publicKey: Uint8Array }> {
  const force = options.force === true;
  if (!force && (await exists(path))) throw alreadyExists(path);

  const file = await withClientErrors(() => encryptSeed(seed, passphrase, options));
  const { publicKey } = createSigner(seed);

  await io(`create ${dirname(path)}`, () => mkdir(dirname(path), { recursive: true, mode: 0o700 }));
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeDurably(temporary, file);
    await moveIntoPlace(temporary, path, force);
    await syncDirectory(dirname(path));
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  return { did: didFromPublicKey(publicKey), publicKey };
}

/**
 * Reads and decrypts the keystore at `path` and returns a signer for it. Throws
 * ERR_KEYSTORE_NOT_FOUND, ERR_IO, or any code of `decryptSeed` (wrong passphrase, truncated,
 * tampered, not a keystore, work factor too high).
 *
 * @example
 * const { signer, did } = await openKeystoreFile(path, await resolvePassphrase());
 */
export async function openKeystoreFile(
  path: string,
  passphrase: string,
  options: DecryptSeedOptions = {},
): Promise<OpenedKeystore> {
  const file = await readBounded(path);
  const seed = await withClientErrors(() => decryptSeed(file, passphrase, options));
  const signer = createSigner(seed);
  // createSigner keeps its own copy inside a KeyObject; clear the one returned to us.
  seed.fill(0);
  return { signer, publicKey: signer.publicKey, did: didFromPublicKey(signer.publicKey) };
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  await io(`write ${path}`, async () => {
    // "wx": never follow or reuse a file someone else placed at the temporary name.
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

async function moveIntoPlace(temporary: string, path: string, force: boolean): Promise<void> {
  if (force) {
    await io(`rename to ${path}`, () => rename(temporary, path));
    return;
  }
  // link() fails if the name exists, so a keystore created meanwhile is never overwritten.
  try {
    await link(temporary, path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") throw alreadyExists(path);
    throw ioError(`link to ${path}`, cause);
  }
}

async function syncDirectory(path: string): Promise<void> {
  await io(`sync ${path}`, async () => {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

async function readBounded(path: string): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ClientError("ERR_KEYSTORE_NOT_FOUND", `keystore: ${path} does not exist`, {
        cause,
      });
    }
    throw ioError(`open ${path}`, cause);
  }
  try {
    const buffer = Buffer.alloc(MAX_KEYSTORE_SIZE + 1);
    const { bytesRead } = await io(`read ${path}`, () => handle.read(buffer, 0, buffer.length, 0));
    return new Uint8Array(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw ioError(`stat ${path}`, cause);
  }
}

async function io<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (cause) {
    throw ioError(what, cause);
  }
}

function ioError(what: string, cause: unknown): ClientError {
  const reason = (cause as NodeJS.ErrnoException).code ?? "failed";
  return new ClientError("ERR_IO", `${what}: ${reason}`, { cause });
}

function alreadyExists(path: string): ClientError {
  return new ClientError(
    "ERR_KEYSTORE_EXISTS",
    `keystore: ${path} already exists; pass force to replace it`,
  );
}
