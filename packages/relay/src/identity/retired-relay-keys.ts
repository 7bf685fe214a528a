import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import {
  didFromPublicKey,
  type Ed25519PublicJwk,
  isProtocolError,
  parseStrictJson,
  publicKeyFromJwk,
  publicKeyToJwk,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";

/** The relay's former keys still published, inside its data directory. */
export const RETIRED_KEYS_FILE = "relay-keys-retired.json";
/** Most former keys kept: rotating more often than this within one overlap drops the oldest. */
const MAX_RETIRED_KEYS = 16;

/** A key the relay signed with before its last rotation, published until `until`. */
export interface RetiredRelayKey {
  /** Its public JWK, `kid` the RFC 7638 thumbprint. */
  jwk: Ed25519PublicJwk;
  publicKey: Uint8Array;
  /** The DID the relay had while this key signed. */
  did: string;
  /** When it stopped signing, Unix seconds. */
  retiredAt: number;
  /** End of the overlap: from then on it is no longer published, Unix seconds. */
  until: number;
}

interface StoredRetiredKey {
  jwk: Ed25519PublicJwk;
  retiredAt: number;
  until: number;
}

/**
 * The former keys whose overlap has not ended at `now`, newest first. A missing file is no
 * former key; a file that does not parse refuses the start with ERR_CONFIG_INVALID, since
 * silently dropping keys would make tokens and checkpoints they signed unverifiable.
 *
 * @example
 * const retired = await readRetiredRelayKeys(".ants-data", now);
 */
export async function readRetiredRelayKeys(
  dataDir: string,
  now: number,
): Promise<RetiredRelayKey[]> {
  return (await readStored(dataDir))
    .filter((key) => key.until > now)
    .map((key) => {
      const publicKey = publicKeyFromJwk(key.jwk);
      return { ...key, publicKey, did: didFromPublicKey(publicKey) };
    });
}

/**
 * Adds a key that stops signing now to the published former keys, until `until`, dropping
 * those whose overlap ended. Written atomically (temporary file renamed into place).
 *
 * @example
 * await retireRelayKey(dataDir, oldPublicKey, { now, until: now + 7 * 86_400 });
 */
export async function retireRelayKey(
  dataDir: string,
  publicKey: Uint8Array,
  times: { now: number; until: number },
): Promise<void> {
  const kept = (await readStored(dataDir)).filter((key) => key.until > times.now);
  const added = { jwk: publicKeyToJwk(publicKey), retiredAt: times.now, until: times.until };
  const keys = [added, ...kept].slice(0, MAX_RETIRED_KEYS);
  const path = join(dataDir, RETIRED_KEYS_FILE);
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ keys }, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (cause) {
    await unlink(temporary).catch(() => undefined);
    throw new RelayError("ERR_STORE_FAILED", `${path}: cannot be written`, { cause });
  }
}

async function readStored(dataDir: string): Promise<StoredRetiredKey[]> {
  const path = join(dataDir, RETIRED_KEYS_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new RelayError("ERR_STORE_FAILED", `${path}: unreadable`, { cause });
  }
  try {
    const value = parseStrictJson(text, { field: RETIRED_KEYS_FILE }) as { keys?: unknown };
    if (!Array.isArray(value?.keys)) throw new TypeError("keys: expected an array");
    return value.keys.map(checkStored);
  } catch (cause) {
    if (!isProtocolError(cause) && !(cause instanceof TypeError)) throw cause;
    throw new RelayError("ERR_CONFIG_INVALID", `${path}: ${cause.message}`, { cause });
  }
}

function checkStored(value: unknown): StoredRetiredKey {
  const key = value as Partial<StoredRetiredKey> | null;
  const time = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (key === null || typeof key !== "object" || !time(key.retiredAt) || !time(key.until)) {
    throw new TypeError("keys[]: expected {jwk, retiredAt, until}");
  }
  // Checks the key is a canonical Ed25519 key of prime order, and its kid its thumbprint.
  const jwk = publicKeyToJwk(publicKeyFromJwk(key.jwk));
  if (jwk.kid !== key.jwk?.kid) throw new TypeError("keys[].jwk.kid: not the key's thumbprint");
  return { jwk, retiredAt: key.retiredAt!, until: key.until! };
}
