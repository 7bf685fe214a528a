import type { HandleRepository } from "../store/handle-repository.ts";

/**
 * Stored activity only needs day-scale precision against a 90-day period: an agent's time is
 * written again only once it moved on by this much, so a busy agent costs one write an hour.
 */
const PERSIST_STEP_SECONDS = 3600;

/**
 * The last authenticated call of every agent that holds a handle, in memory, persisted
 * periodically (docs/spec/handles.md 8.5). `touch` runs on every authenticated request and costs
 * one map lookup; agents without handles are not tracked at all. When a holder returns after
 * the inactivity period, `onReturn` hears of it with the old time *before* the new one is
 * recorded, so the lapse that already happened is settled rather than undone.
 *
 * @example
 * const activity = new HolderActivity(store.handles, policy.inactivitySeconds, settle);
 * activity.touch(request.agent.agent, now);
 */
export class HolderActivity {
  readonly #store: HandleRepository;
  readonly #inactivitySeconds: number;
  readonly #onReturn: (agent: string, lastSeen: number) => void;
  readonly #seen = new Map<string, number>();
  readonly #persisted = new Map<string, number>();

  constructor(
    store: HandleRepository,
    inactivitySeconds: number,
    onReturn: (agent: string, lastSeen: number) => void,
  ) {
    this.#store = store;
    this.#inactivitySeconds = inactivitySeconds;
    this.#onReturn = onReturn;
  }

  /** Loads every holder's stored time (at start). */
  async load(): Promise<void> {
    for (const { agent, lastSeen } of await this.#store.listHolders()) {
      this.#seen.set(agent, lastSeen);
      this.#persisted.set(agent, lastSeen);
    }
  }

  /** The holder's last call known here, or undefined when it holds nothing. */
  lastSeen(agent: string): number | undefined {
    return this.#seen.get(agent);
  }

  /** Every tracked holder with its time, for the sweep. */
  entries(): [string, number][] {
    return [...this.#seen];
  }

  /** Starts tracking a new holder (a claim or an accepted transfer counts as a call). */
  hold(agent: string, now: number): void {
    this.#seen.set(agent, Math.max(now, this.#seen.get(agent) ?? 0));
  }

  /** Takes in a later time learnt from the store (another instance served the call). */
  observe(agent: string, lastSeen: number): void {
    const known = this.#seen.get(agent);
    if (known !== undefined && lastSeen > known) this.#seen.set(agent, lastSeen);
    if (lastSeen > (this.#persisted.get(agent) ?? 0)) this.#persisted.set(agent, lastSeen);
  }

  /** Stops tracking an agent that no longer holds anything. */
  forget(agent: string): void {
    this.#seen.delete(agent);
    this.#persisted.delete(agent);
  }

  /** Records an authenticated call. */
  touch(agent: string, now: number): void {
    const previous = this.#seen.get(agent);
    if (previous === undefined || now <= previous) return;
    if (now - previous >= this.#inactivitySeconds) this.#onReturn(agent, previous);
    this.#seen.set(agent, now);
  }

  /** Writes the times that moved on by at least an hour since they were last written. */
  async flush({ all = false } = {}): Promise<void> {
    const due: { agent: string; lastSeen: number }[] = [];
    for (const [agent, lastSeen] of this.#seen) {
      const stored = this.#persisted.get(agent) ?? 0;
      if (lastSeen > stored && (all || lastSeen - stored >= PERSIST_STEP_SECONDS)) {
        due.push({ agent, lastSeen });
      }
    }
    if (due.length === 0) return;
    await this.#store.saveActivity(due);
    for (const { agent, lastSeen } of due) this.#persisted.set(agent, lastSeen);
  }
}
