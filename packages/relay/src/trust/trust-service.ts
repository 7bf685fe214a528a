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
  readonly engine: TrustEngine;
  readonly actions: ActionBook;
  readonly limiter = new SandboxLimiter();
  readonly deps: TrustServiceDeps;
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<unknown> = Promise.resolve();

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
    await service.#load(deps.now());
    const refreshMs = deps.refreshMs ?? 60_000;
    if (refreshMs > 0) {
      service.#timer = setInterval(() => service.refreshAll(), refreshMs);
      service.#timer.unref();
    }
    return service;
  }

  /** The agent's published level: one Map lookup. */
  levelOf(agent: string): number {
    return this.engine.levelOf(agent);
  }

  /** Recomputes what changed since the last refresh and records the level changes. */
  refresh(): Promise<void> {
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

  async #load(now: number): Promise<void> {
    const { repository: repo, config } = this.deps;
    const engine = this.engine;
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
    await this.record(engine.refresh(now, { all: true }));
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
