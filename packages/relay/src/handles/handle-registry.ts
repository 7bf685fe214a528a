import { randomBytes } from "node:crypto";
import { tokenHash } from "@ants/protocol";
import type { Logger } from "pino";
import { RelayError } from "../errors/relay-error.ts";
import type { HandleEventRecord, HandleRecord, HandleWrite } from "../store/handle-repository.ts";
import type { RelayStore } from "../store/relay-store.ts";
import type { HandlePolicy } from "./handle-policy.ts";
import { HandleRevocations } from "./handle-revocations.ts";
import { type HandleStatus, handleStatus, lapseTime } from "./handle-status.ts";
import { endHolding, lostRace } from "./handle-writes.ts";
import { HolderActivity } from "./holder-activity.ts";

/**
 * Where lifecycle events go besides the handle event table: the audit log's `appendEvent`
 * (packages/relay/src/audit-log/audit-log.ts) has this shape, so the relay passes its audit log
 * here once the log is wired into the relay's context.
 */
export interface HandleAuditSink {
  appendEvent(input: {
    event: "handle";
    action: string;
    subject: string;
    actor: string | null;
    data: Record<string, unknown>;
    time: number;
  }): Promise<unknown>;
}

/** What a registry works with. */
export interface HandleRegistryDeps {
  store: RelayStore;
  policy: HandlePolicy;
  now: () => number;
  log: Logger;
  /** Optional second home of every lifecycle event (see {@link HandleAuditSink}). */
  audit?: HandleAuditSink;
}

/** How often lapsed handles are written, spent seeds purged and activity persisted. */
const SWEEP_MS = 60_000;
/** The registration rate is counted over the last hour, re-read at most every 10 s. */
const RATE_WINDOW_SECONDS = 3600;
const RATE_CACHE_SECONDS = 10;

/**
 * The relay's handle registry: status of a name, compare-and-set writes with their events,
 * holder activity, the challenge secret and the periodic sweep. The operations themselves live
 * in handle-claims.ts and handle-lifecycle.ts.
 *
 * @example
 * const handles = await HandleRegistry.open({ store, policy, now, log });
 * const status = await handles.status("kevin");
 */
export class HandleRegistry {
  readonly deps: HandleRegistryDeps;
  readonly policy: HandlePolicy;
  readonly activity: HolderActivity;
  /** Follows the revocation log: entries of kind `handle` quarantine their handle. */
  readonly revocations: HandleRevocations;
  readonly secret: Uint8Array;
  readonly #timer: NodeJS.Timeout;
  #rate = { at: Number.NEGATIVE_INFINITY, count: 0 };

  private constructor(deps: HandleRegistryDeps, secret: Uint8Array) {
    this.deps = deps;
    this.policy = deps.policy;
    this.secret = secret;
    this.activity = new HolderActivity(
      deps.store.handles,
      deps.policy.inactivitySeconds,
      (agent, lastSeen) => void this.#settleQuietly(agent, lastSeen),
    );
    this.revocations = new HandleRevocations(this);
    this.#timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.#timer.unref();
  }

  /** Loads the challenge secret (created on first start) and the holders' activity. */
  static async open(deps: HandleRegistryDeps): Promise<HandleRegistry> {
    const secret = await deps.store.handles.challengeSecret(randomBytes(32));
    const registry = new HandleRegistry(deps, secret);
    await registry.activity.load();
    return registry;
  }

  /** The status of a canonical name now. */
  async status(name: string, now = this.deps.now()): Promise<HandleStatus> {
    const record = await this.deps.store.handles.get(name);
    if (record === undefined) return handleStatus(record, undefined, now, this.policy);
    const status = handleStatus(record, this.activity.lastSeen(record.agent), now, this.policy);
    if (status.kind === "held" || record.state !== "held") return status;
    return handleStatus(record, await this.#storedLastSeen(record.agent), now, this.policy);
  }

  /** The names an agent holds now, lapsed ones left out. */
  async handlesOf(agent: string, now = this.deps.now()): Promise<string[]> {
    const held = await this.deps.store.handles.listHeldBy(agent);
    let lastSeen = this.activity.lastSeen(agent);
    const isHeld = (record: HandleRecord) =>
      handleStatus(record, lastSeen, now, this.policy).kind === "held";
    if (!held.every(isHeld)) lastSeen = await this.#storedLastSeen(agent);
    return held.filter(isHeld).map((record) => record.name);
  }

  /**
   * A holder's last call as the store knows it, taken into memory when later. Consulted only
   * before calling a handle lapsed, so a holder served by another relay instance (which writes
   * its time at least hourly) is never lapsed here; the hot path stays a map lookup.
   */
  async #storedLastSeen(agent: string): Promise<number | undefined> {
    const stored = await this.deps.store.handles.lastSeen(agent);
    if (stored !== undefined) this.activity.observe(agent, stored);
    return this.activity.lastSeen(agent) ?? stored;
  }

  /** Claims recorded in the last hour, cached for a few seconds. */
  async recentClaims(now = this.deps.now()): Promise<number> {
    if (now - this.#rate.at >= RATE_CACHE_SECONDS) {
      const count = await this.deps.store.handles.countClaimsSince(now - RATE_WINDOW_SECONDS);
      this.#rate = { at: now, count };
    }
    return this.#rate.count;
  }

  /**
   * Writes one change with its event, then hands the event to the audit sink. Throws the code
   * the caller names for a lost race, ERR_POW_REPLAYED or ERR_HANDLE_LIMIT_REACHED.
   */
  async commit(
    change: HandleWrite,
    onConflict: () => RelayError,
  ): Promise<HandleEventRecord & { seq: number }> {
    const result = await this.deps.store.handles.write(change);
    if (result.outcome !== "written") throw this.#refusal(result.outcome, onConflict);
    const event = { ...change.event, seq: result.seq };
    this.deps.log.info({ handle: event.handle, agent: event.agent, kind: event.kind }, "handle");
    await this.#audit(event);
    return event;
  }

  /** Stops tracking an agent once it holds nothing. */
  async forgetIfEmpty(agent: string): Promise<void> {
    if ((await this.deps.store.handles.listHeldBy(agent)).length === 0) {
      this.activity.forget(agent);
    }
  }

  /**
   * Writes the lapse of every handle of `agent` whose holder has been inactive since
   * `lastSeen` for the inactivity period. The stored time is consulted too, so an instance
   * that missed calls served by another never lapses an active holder.
   */
  async settleLapses(agent: string, lastSeen: number): Promise<void> {
    const stored = (await this.deps.store.handles.lastSeen(agent)) ?? 0;
    const seen = Math.max(lastSeen, stored);
    for (const record of await this.deps.store.handles.listHeldBy(agent)) {
      const lapsedAt = lapseTime(record, seen, this.policy);
      if (this.deps.now() < lapsedAt) continue;
      await this.commit(endHolding(record, lapsedAt, "lapsed", this.policy), () =>
        lostRace(record.name),
      ).catch((error) => this.deps.log.warn({ err: error, handle: record.name }, "lapse"));
    }
    await this.forgetIfEmpty(agent);
  }

  /**
   * Settles the lapses of an agent returning after the inactivity period before it acts, so its
   * lapsed handles neither count against its limit nor come back to it.
   */
  async settleIfReturning(agent: string, now: number): Promise<void> {
    const lastSeen = this.activity.lastSeen(agent);
    if (lastSeen !== undefined && now - lastSeen >= this.policy.inactivitySeconds) {
      await this.settleLapses(agent, lastSeen);
    }
  }

  /** Writes due lapses, purges spent seeds whose challenge expired, persists activity. */
  async sweep(now = this.deps.now()): Promise<void> {
    try {
      for (const [agent, lastSeen] of this.activity.entries()) {
        if (now - lastSeen >= this.policy.inactivitySeconds)
          await this.settleLapses(agent, lastSeen);
      }
      await this.deps.store.handles.purgeSeeds(now);
      await this.activity.flush();
    } catch (error) {
      this.deps.log.error({ err: error }, "handle sweep failed");
    }
  }

  /** Stops the sweep and persists every holder's latest activity. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.activity.flush({ all: true });
  }

  #refusal(outcome: "conflict" | "seed-used" | "limit", onConflict: () => RelayError): RelayError {
    if (outcome === "conflict") return onConflict();
    if (outcome === "seed-used") {
      return new RelayError("ERR_POW_REPLAYED", "challenge.seed: this solution was already used");
    }
    return new RelayError(
      "ERR_HANDLE_LIMIT_REACHED",
      `agent: holds the most handles allowed (${this.policy.maxPerAgent})`,
    );
  }

  async #settleQuietly(agent: string, lastSeen: number): Promise<void> {
    try {
      await this.settleLapses(agent, lastSeen);
    } catch (error) {
      this.deps.log.error({ err: error, agent }, "handle lapse failed");
    }
  }

  async #audit(event: HandleEventRecord): Promise<void> {
    if (this.deps.audit === undefined) return;
    await this.deps.audit.appendEvent({
      event: "handle",
      action: event.kind,
      subject: event.agent,
      actor: event.actor,
      time: event.at,
      data: {
        handle: event.handle,
        seq: event.seq,
        ...JSON.parse(event.detail),
        ...(event.statement === null ? {} : { statement: tokenHash(event.statement) }),
      },
    });
  }
}
