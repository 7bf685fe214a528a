import {
  jwkThumbprint,
  publicKeyFromDid,
  type RevocationCheck,
  type RevocationEntry,
  RevocationState,
  stateItemOf,
  verifyRevocationSnapshot,
} from "@ants/protocol";
import { ClientError, withClientErrors } from "../errors/client-error.ts";
import { RelayClient } from "../relay/relay-client.ts";
import type { AccessTokenClaims } from "../resource/verify-access-token.ts";
import { fetchSnapshot, listRevocations } from "./revocation-api.ts";
import { serverSentEvents } from "./sse-events.ts";

/** Options of {@link RevocationFeed.follow}. */
export interface RevocationFeedOptions {
  /** The relay, as a client or its URL. */
  relay: RelayClient | string;
  /** The relay's DID, pinned; default the one its discovery document names. */
  relayDid?: string;
  /** The clock, Unix seconds; default the system clock. */
  now?: () => number;
  /** Wait before reconnecting a dropped stream, in ms; default 1000. */
  reconnectMs?: number;
  /** Called with each failure of the stream (it reconnects by itself). */
  onError?: (error: unknown) => void;
}

/**
 * Follows a relay's revocation feed (docs/spec/revocation.md 7): a verified snapshot, then the
 * live stream from the snapshot's sequence number, applying entries strictly in order. A repeat
 * is dropped; a gap (an entry past the next one, or a heartbeat naming a later head) is filled
 * from `GET /v1/revocations?since=` before anything else is applied; a dropped stream reconnects
 * with `Last-Event-ID`. A resource server consults it with no round trip per request.
 *
 * Fail closed: the copy is current as of the last moment the relay confirmed its head (the
 * snapshot's `iat`, then each heartbeat at the head), and it is trusted for the snapshot's
 * lifetime after that, no longer. Every check past that throws ERR_REVOCATION_FEED_STALE.
 *
 * @example
 * const feed = await RevocationFeed.follow({ relay: "https://relay.example" });
 * const claims = await verifyAccessToken(token, { issuer, audience, revocations: feed });
 */
export class RevocationFeed {
  readonly #relay: RelayClient;
  readonly #now: () => number;
  readonly #state = new RevocationState();
  readonly #reconnectMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #abort = new AbortController();
  #lifetime = 0;
  #confirmedAt = 0;
  #running: Promise<void> = Promise.resolve();

  private constructor(relay: RelayClient, options: RevocationFeedOptions) {
    this.#relay = relay;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#reconnectMs = options.reconnectMs ?? 1000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Loads and verifies the snapshot, then follows the stream in the background. */
  static async follow(options: RevocationFeedOptions): Promise<RevocationFeed> {
    const relay =
      typeof options.relay === "string" ? new RelayClient({ url: options.relay }) : options.relay;
    const feed = new RevocationFeed(relay, options);
    const did = options.relayDid ?? (await relay.discover()).did;
    const answer = await fetchSnapshot(relay);
    const snapshot = await withClientErrors(() =>
      verifyRevocationSnapshot(answer.snapshot, {
        relay: did,
        relayKey: publicKeyFromDid(did),
        now: feed.#now(),
      }),
    );
    for (const item of snapshot.state) feed.#state.apply(item);
    feed.#state.advanceTo(snapshot.seq);
    feed.#lifetime = snapshot.exp - snapshot.iat;
    feed.#confirmedAt = snapshot.iat;
    feed.#running = feed.#follow();
    return feed;
  }

  /** The sequence number of the last entry applied. */
  get seq(): number {
    return this.#state.seq;
  }

  /** Until when (Unix seconds) the copy may be trusted without a newer confirmation. */
  get freshUntil(): number {
    return this.#confirmedAt + this.#lifetime;
  }

  /** Throws ERR_REVOCATION_FEED_STALE once the copy is older than the snapshot's lifetime. */
  assertFresh(now = this.#now()): void {
    if (now >= this.freshUntil) {
      throw new ClientError("ERR_REVOCATION_FEED_STALE", "revocations: the local copy is stale", {
        details: { seq: this.seq, freshUntil: this.freshUntil },
      });
    }
  }

  /** verifyChain's hook, offline: fails closed when stale, else answers from the copy. */
  readonly check: RevocationCheck = (query) => {
    this.assertFresh();
    return this.#state.check(query);
  };

  /**
   * The revocation step of access-token verification (docs/spec/revocation.md 7.2): the actor,
   * its instructors and the principal must not have their keys revoked, nor the session key the
   * token is bound to. Throws ERR_REVOCATION_FEED_STALE or ERR_REVOKED_KEY with the entry's seq.
   */
  assertNotRevoked(claims: AccessTokenClaims, now = this.#now()): void {
    this.assertFresh(now);
    const kids = [
      claims.cnf.jkt,
      ...[claims.client_id, claims.sub, ...actors(claims.act)].map(kidOf),
    ];
    for (const kid of kids) {
      const seq = kid === undefined ? undefined : this.#state.lookup("key", kid);
      if (seq !== undefined) {
        throw new ClientError(
          "ERR_REVOKED_KEY",
          `access token: a key behind it is revoked (seq ${seq})`,
          {
            details: { seq },
          },
        );
      }
    }
  }

  /**
   * Refuses a revoked handle before a resolution is trusted. Throws ERR_REVOCATION_FEED_STALE or
   * ERR_REVOKED_HANDLE with the entry's seq.
   */
  assertHandleNotRevoked(handle: string, now = this.#now()): void {
    this.assertFresh(now);
    const seq = this.#state.lookup("handle", handle);
    if (seq !== undefined) {
      throw new ClientError("ERR_REVOKED_HANDLE", `handle: revoked (seq ${seq})`, {
        details: { seq },
      });
    }
  }

  /** Stops following. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #follow(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      try {
        await this.#readStream();
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        this.#onError(error);
      }
      await sleep(this.#reconnectMs, this.#abort.signal);
    }
  }

  async #readStream(): Promise<void> {
    const response = await fetch(`${this.#relay.url}/v1/revocations/stream`, {
      headers: { "last-event-id": String(this.seq), accept: "text/event-stream" },
      signal: this.#abort.signal,
    });
    if (response.status !== 200 || response.body === null) {
      throw new ClientError("ERR_RELAY_RESPONSE_INVALID", `stream: answered ${response.status}`);
    }
    for await (const event of serverSentEvents(response.body)) {
      if (event.event === "revocation") await this.#receive(JSON.parse(event.data));
      else if (event.event === "heartbeat") await this.#heartbeat(JSON.parse(event.data));
    }
  }

  async #receive(entry: RevocationEntry): Promise<void> {
    if (entry.seq <= this.seq) return;
    if (entry.seq !== this.seq + 1) await this.#catchUp(entry.seq - 1);
    this.#apply(entry);
  }

  async #heartbeat(beat: { seq: number; time: number }): Promise<void> {
    if (beat.seq > this.seq) await this.#catchUp(beat.seq);
    if (beat.seq === this.seq) this.#confirmedAt = Math.max(this.#confirmedAt, beat.time);
  }

  // Fills a gap from the log, in order, up to `head`.
  async #catchUp(head: number): Promise<void> {
    while (this.seq < head) {
      const { entries } = await listRevocations(this.#relay, this.seq);
      if (entries.length === 0) {
        throw new ClientError(
          "ERR_REVOCATION_FEED_GAP",
          `revocations: entries after ${this.seq} missing`,
        );
      }
      for (const entry of entries) this.#apply(entry);
    }
  }

  #apply(entry: RevocationEntry): void {
    if (entry.seq !== this.seq + 1) {
      throw new ClientError(
        "ERR_REVOCATION_FEED_GAP",
        `revocations: ${entry.seq} after ${this.seq}`,
      );
    }
    this.#state.apply(stateItemOf(entry));
    this.#state.advanceTo(entry.seq);
  }
}

function actors(act: { sub: string; act?: unknown } | undefined): string[] {
  const found: string[] = [];
  for (let at: unknown = act; found.length < 16 && typeof at === "object" && at !== null; ) {
    const { sub, act: next } = at as { sub?: unknown; act?: unknown };
    if (typeof sub === "string") found.push(sub);
    at = next;
  }
  return found;
}

function kidOf(did: string): string | undefined {
  try {
    return jwkThumbprint(publicKeyFromDid(did));
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
