import type { Logger } from "pino";
import type { AgentTrustRecord, TrustRepository } from "../store/trust-repository.ts";
import { ActionBook } from "./action-book.ts";
import type { AgentTrustState, LevelChange } from "./agent-trust-state.ts";
import { SandboxLimiter } from "./sandbox-limiter.ts";
import type { TrustConfig } from "./trust-config.ts";
import { TrustEngine } from "./trust-engine.ts";

/** Where trust events go besides the trust tables: the audit log's `appendEvent`. */
export interface TrustAuditSink {
  appendEvent(input: {
    event: "trust";
    action: string;
    subject: string;
    actor: string | null;
    data: Record<string, unknown>;
    time: number;
  }): Promise<unknown>;
}

/** What the trust service needs from the relay. */
export interface TrustServiceDeps {
  repository: TrustRepository;
  config: TrustConfig;
  now: () => number;
  log: Logger;
  audit?: TrustAuditSink;
  /** True when a vouch statement (by token hash) was revoked. */
  isTokenRevoked?: (hash: string) => boolean;
  /** How often every agent is re-evaluated (decay, the sliding window, age, upgrades); ms. */
  refreshMs?: number;
  /**
   * Set on a store shared by several relays: recomputation runs only on the instance for which
   * `isLeader` is true (the audit sequencer's lock holder). The leader rebuilds its engine from
   * the stored signals before each full re-evaluation, so it counts what every instance stored;
   * the others compute nothing and read the published levels from the store every `followMs`.
   */
  shared?: { isLeader: () => boolean; followMs?: number };
}

/** Authorized actions kept for outcome reports. */
const ACTION_CAPACITY = 200_000;
/** Outcomes older than this many failure half-lives weigh under 0.1 %: not worth loading. */
const OUTCOME_HORIZON_HALF_LIVES = 10;

/**
 * The relay's trust layer around the pure {@link TrustEngine}: restores it from the store at
 * start, persists level changes and writes each as an audit entry, and re-evaluates every agent
 * on a timer. The authorize path reads `levelOf`, a Map lookup.
 *
 * @example
 * const trust = await TrustService.open({ repository: store.trust, config, now, log });
 * trust.levelOf(agent); // 0..4
 */
export class TrustService {
  /** Replaced whole when the leader of a shared store rebuilds it from the store. */
  engine: TrustEngine;
  readonly actions: ActionBook;
  readonly limiter = new SandboxLimiter();
  readonly deps: TrustServiceDeps;
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<unknown> = Promise.resolve();
  #ledAt: number | undefined;

  private constructor(deps: TrustServiceDeps) {
    this.deps = deps;
    this.engine = new TrustEngine(deps.config);
    this.actions = new ActionBook({
      capacity: ACTION_CAPACITY,
      windowSeconds: deps.config.evidence.actionWindowSeconds,
    });
  }

  /** Restores every signal and level from the store and starts the refresh timer. */
  static async open(deps: TrustServiceDeps): Promise<TrustService> {
    const service = new TrustService(deps);
    const changes = await service.#load(deps.now(), service.engine);
    if (service.#leads()) await service.record(changes);
    const refreshMs = deps.refreshMs ?? 60_000;
    if (refreshMs > 0 && deps.shared !== undefined) {
      const every = Math.min(refreshMs, deps.shared.followMs ?? 2000);
      service.#timer = setInterval(() => service.#sharedTick(refreshMs), every);
      service.#timer.unref();
    } else if (refreshMs > 0) {
      service.#timer = setInterval(() => service.refreshAll(), refreshMs);
      service.#timer.unref();
    }
    return service;
  }

  /** The agent's published level: one Map lookup. */
  levelOf(agent: string): number {
    return this.engine.levelOf(agent);
  }

  /**
   * Recomputes what changed since the last refresh and records the level changes. On a shared
   * store, only the leader recomputes; elsewhere the signal is stored and the leader counts it.
   */
  refresh(): Promise<void> {
    if (!this.#leads()) return Promise.resolve();
    return this.record(this.engine.refresh(this.deps.now()));
  }

  /** Re-evaluates every agent (time-driven changes); errors are logged. */
  refreshAll(): void {
    const now = this.deps.now();
    this.limiter.sweep(now);
    this.track(this.record(this.engine.refresh(now, { all: true })));
  }

  /** Persists each change and writes it as an audit entry. */
  async record(changes: readonly LevelChange[]): Promise<void> {
    const now = this.deps.now();
    for (const change of changes) {
      await this.save(change.agent);
      await this.deps.audit?.appendEvent({
        event: "trust",
        action: change.to < change.from ? "level-lowered" : "level-raised",
        subject: change.agent,
        actor: null,
        data: {
          from: change.from,
          to: change.to,
          target: change.target,
          limitedBy: change.limitedBy,
          reason: change.reason,
          formula: this.deps.config.formula,
        },
        time: now,
      });
    }
  }

  /** Writes an agent's level and standing to the store. */
  save(agent: string): Promise<void> {
    return this.deps.repository.saveAgent(toRecord(agent, this.engine.state(agent)));
  }

  /** Runs work off the request path; failures are logged, and close() waits for it. */
  track(work: Promise<unknown>): void {
    const logged = work.catch((error) => this.deps.log.error({ err: error }, "trust"));
    this.#pending = Promise.all([this.#pending, logged]);
  }

  /** Stops the timer and waits for tracked work. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#pending;
  }

  #leads(): boolean {
    return this.deps.shared?.isLeader() ?? true;
  }

  /**
   * Shared store: the leader rebuilds and re-evaluates every `refreshMs` (and at once when it
   * has just become leader); the others read the published levels.
   */
  #sharedTick(refreshMs: number): void {
    const now = Date.now();
    if (!this.#leads()) {
      this.#ledAt = undefined;
      this.track(this.#follow());
    } else if (this.#ledAt === undefined || now - this.#ledAt >= refreshMs) {
      this.#ledAt = now;
      this.track(this.#rebuild());
    }
  }

  /** Leader: a fresh engine from every stored signal (as at a start), then a full refresh. */
  async #rebuild(): Promise<void> {
    const engine = new TrustEngine(this.deps.config);
    const changes = await this.#load(this.deps.now(), engine);
    this.engine = engine;
    this.limiter.sweep(this.deps.now());
    await this.record(changes);
  }

  /** Follower: the levels, holds and blocks the leader stored. */
  async #follow(): Promise<void> {
    for (const record of await this.deps.repository.listAgents()) {
      const published = this.engine.state(record.agent).published;
      if (published.level === record.level && published.changedAt === record.changedAt) continue;
      restoreAgent(this.engine, record);
    }
  }

  /** Loads every stored signal into `engine`; returns the level changes of a full refresh. */
  async #load(now: number, engine: TrustEngine): Promise<LevelChange[]> {
    const { repository: repo, config } = this.deps;
    for (const r of await repo.listRegistrations())
      engine.know(r.agent, r.registeredAt, r.instances);
    for (const record of await repo.listAgents()) restoreAgent(engine, record);
    for (const { agent, amount } of await repo.listStakes()) engine.setStake(agent, amount);
    for (const vouch of await repo.listVouches(now)) {
      if (!this.deps.isTokenRevoked?.(vouch.hash)) engine.addVouch(vouch);
    }
    const horizon = now - OUTCOME_HORIZON_HALF_LIVES * config.evidence.failureHalfLifeSeconds;
    for (const outcome of await repo.listOutcomes(horizon)) engine.recordOutcome(outcome);
    const firstSlot = engine.uptime.slotOf(now - config.uptime.windowSeconds);
    for (const { agent, slot } of await repo.listHeartbeatSlots(firstSlot)) {
      engine.uptime.recordSlot(agent, slot);
    }
    return engine.refresh(now, { all: true });
  }
}

function restoreAgent(engine: TrustEngine, record: AgentTrustRecord): void {
  engine.restoreLevel(record.agent, { level: record.level, changedAt: record.changedAt });
  const state = engine.state(record.agent);
  state.hold =
    record.holdReason === null || record.holdUntil === null
      ? undefined
      : { reason: record.holdReason, until: record.holdUntil };
  state.loginDemandedAt = record.loginDemandedAt ?? undefined;
  state.blocked = record.blocked;
  state.penaltyUntil = record.penaltyUntil ?? undefined;
}

function toRecord(agent: string, state: AgentTrustState): AgentTrustRecord {
  return {
    agent,
    level: state.published.level,
    changedAt: state.published.changedAt,
    holdReason: state.hold?.reason ?? null,
    holdUntil: state.hold?.until ?? null,
    loginDemandedAt: state.loginDemandedAt ?? null,
    blocked: state.blocked,
    penaltyUntil: state.penaltyUntil ?? null,
  };
}
