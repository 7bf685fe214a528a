import { decodeBase64url, tokenHash } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { SessionRecord, SessionRepository } from "../store/relay-store.ts";
import { peekSessionClaims } from "./session-token.ts";

/** A live session as held in memory. */
export interface LiveSession {
  /** Token hash: the session id. */
  readonly id: string;
  readonly token: string;
  readonly agent: string;
  readonly instance: string;
  /** Thumbprint of the session key (`cnf.jkt`). */
  readonly jkt: string;
  readonly publicKey: Uint8Array;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Live sessions in memory, keyed by the exact token, so authenticating a request is a map lookup
 * (DESIGN.md section 4), and by agent and instance, so a new login replaces the old one. The
 * store is written first: a session exists in memory only once it is durable, and survives a
 * restart through {@link SessionRegistry.load}.
 *
 * @example
 * const sessions = new SessionRegistry(store.sessions, relayDid);
 * await sessions.load(now);
 * const live = sessions.lookup(token, now);
 */
export class SessionRegistry {
  readonly #store: SessionRepository;
  readonly #relay: string;
  readonly #byToken = new Map<string, LiveSession>();
  readonly #byId = new Map<string, LiveSession>();
  readonly #byAgent = new Map<string, Map<string, LiveSession>>();

  constructor(store: SessionRepository, relayDid: string) {
    this.#store = store;
    this.#relay = relayDid;
  }

  /** Loads every live session from the store (at start). */
  async load(now: number): Promise<void> {
    for (const record of await this.#store.listAllLive(now)) this.#add(fromRecord(record));
  }

  /** Opens a session durably, replacing the live one of the same agent instance. */
  async open(record: SessionRecord): Promise<LiveSession> {
    const replaced = await this.#store.open(record);
    for (const id of replaced) this.#forget(id);
    const live = fromRecord(record);
    this.#forget(this.#byAgent.get(record.agent)?.get(record.instance)?.id);
    this.#add(live);
    return live;
  }

  /**
   * A live session that another relay instance sharing the store opened after this one loaded:
   * read once by id (the token's hash), kept in memory, and it supersedes an older session of the
   * same agent instance held here. Only a miss costs this read.
   */
  async adopt(token: string, now: number): Promise<LiveSession | undefined> {
    if (!isTokenShaped(token)) return undefined;
    const record = await this.#store.get(tokenHash(token));
    if (record === undefined || record.token !== token) return undefined;
    if (record.endedAt !== null || record.expiresAt <= now) return undefined;
    const held = this.#byAgent.get(record.agent)?.get(record.instance);
    if (held !== undefined && held.issuedAt > record.issuedAt) return undefined;
    this.#forget(held?.id);
    this.#add(fromRecord(record));
    return this.lookup(token, now);
  }

  /** The live session for this exact token, or undefined (expired ones included). */
  lookup(token: string, now: number): LiveSession | undefined {
    const session = this.#byToken.get(token);
    if (session === undefined || session.expiresAt <= now) return undefined;
    return session;
  }

  /** The live session with this id, if any. */
  byId(id: string, now: number): LiveSession | undefined {
    const session = this.#byId.get(id);
    return session !== undefined && session.expiresAt > now ? session : undefined;
  }

  /** An agent's live sessions. */
  liveOf(agent: string, now: number): LiveSession[] {
    const instances = this.#byAgent.get(agent);
    if (instances === undefined) return [];
    return [...instances.values()].filter((session) => session.expiresAt > now);
  }

  /** Ends a live session durably; false when it was not live. */
  async end(id: string, now: number): Promise<boolean> {
    const ended = await this.#store.end(id, now);
    this.#forget(id);
    return ended;
  }

  /**
   * The error for a token that is not a live session (docs/spec/sessions.md 4.2). Runs only on
   * failure: one indexed store lookup, never on the success path.
   */
  async explainMiss(token: string, now: number): Promise<RelayError> {
    const id = isTokenShaped(token) ? tokenHash(token) : undefined;
    const record = id === undefined ? undefined : await this.#store.get(id);
    if (record !== undefined) {
      if (record.endReason === "replaced") {
        return new RelayError("ERR_SESSION_REPLACED", "session: replaced by a newer login");
      }
      if (record.endReason === null && record.expiresAt <= now) {
        return new RelayError("ERR_SESSION_EXPIRED", "session: expired; log in again");
      }
      return new RelayError("ERR_SESSION_UNKNOWN", "session: ended");
    }
    const aud = peekSessionClaims(token)?.aud;
    if (typeof aud === "string" && aud !== this.#relay) {
      return new RelayError("ERR_SESSION_WRONG_RELAY", "session: issued for another relay");
    }
    return new RelayError("ERR_SESSION_UNKNOWN", "session: not a session of this relay");
  }

  /** Drops expired sessions from memory; the store keeps them for the record. */
  sweep(now: number): void {
    for (const session of this.#byToken.values()) {
      if (session.expiresAt <= now) this.#forget(session.id);
    }
  }

  #add(session: LiveSession): void {
    this.#byToken.set(session.token, session);
    this.#byId.set(session.id, session);
    let instances = this.#byAgent.get(session.agent);
    if (instances === undefined) {
      instances = new Map();
      this.#byAgent.set(session.agent, instances);
    }
    instances.set(session.instance, session);
  }

  #forget(id: string | undefined): void {
    const session = id === undefined ? undefined : this.#byId.get(id);
    if (session === undefined) return;
    this.#byId.delete(session.id);
    this.#byToken.delete(session.token);
    const instances = this.#byAgent.get(session.agent);
    if (instances?.get(session.instance) === session) instances.delete(session.instance);
    if (instances?.size === 0) this.#byAgent.delete(session.agent);
  }
}

function fromRecord(record: SessionRecord): LiveSession {
  return {
    id: record.id,
    token: record.token,
    agent: record.agent,
    instance: record.instance,
    jkt: record.keyThumbprint,
    publicKey: decodeBase64url(record.publicKey, "session key"),
    issuedAt: record.issuedAt,
    expiresAt: record.expiresAt,
  };
}

// A session token is a compact JWS well under the body cap; anything else is not worth hashing.
function isTokenShaped(token: string): boolean {
  return token.length <= 4096 && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
