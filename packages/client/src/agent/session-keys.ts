import {
  createSigner,
  decodeBase64url,
  type Ed25519Signer,
  encodeBase64url,
  generateKeyPair,
} from "@ants/protocol";
import type { SessionGrant } from "../relay/relay-types.ts";

/** A live session as an agent holds it: the relay's grant and the session key. */
export interface AgentSession {
  token: string;
  sessionId: string;
  expiresAt: number;
  instance: string;
  signer: Ed25519Signer;
}

/**
 * A session in a form that can be written to a 0600 file and read back by another process (the
 * CLI keeps one per relay so the identity key stays locked between logins). It holds the
 * ephemeral session key's seed, which is worth at most the session's remaining minutes.
 */
export interface StoredSession {
  relay: string;
  agent: string;
  token: string;
  sessionId: string;
  expiresAt: number;
  instance: string;
  /** The session key's seed, base64url. */
  sessionKey: string;
}

/**
 * A fresh session key whose seed can still be exported once, for {@link StoredSession}.
 *
 * @example
 * const { signer, seed } = newSessionKey();
 */
export function newSessionKey(): { signer: Ed25519Signer; seed: string } {
  const { seed } = generateKeyPair();
  const signer = createSigner(seed);
  const encoded = encodeBase64url(seed);
  seed.fill(0);
  return { signer, seed: encoded };
}

/**
 * Rebuilds a session from its stored form.
 *
 * @example
 * const session = sessionFromStored(JSON.parse(text));
 */
export function sessionFromStored(stored: StoredSession): AgentSession {
  const seed = decodeBase64url(stored.sessionKey, "sessionKey");
  const signer = createSigner(seed);
  seed.fill(0);
  return {
    token: stored.token,
    sessionId: stored.sessionId,
    expiresAt: stored.expiresAt,
    instance: stored.instance,
    signer,
  };
}

/**
 * Joins a relay's grant with the key it was granted for.
 *
 * @example
 * const session = sessionFromGrant(grant, signer);
 */
export function sessionFromGrant(grant: SessionGrant, signer: Ed25519Signer): AgentSession {
  return {
    token: grant.session,
    sessionId: grant.sessionId,
    expiresAt: grant.expiresAt,
    instance: grant.instance,
    signer,
  };
}
