import type { TrustConfig } from "./trust-config.ts";

/** One agent's covered slots: a ring of bits, the latest slot recorded, and the bits set. */
interface SlotRing {
  bits: Uint8Array;
  head: number;
  count: number;
}

/** What the uptime gate sees of one agent (docs/spec/trust.md 4.2). */
export interface UptimeSummary {
  /** Covered slots / slots counted. */
  value: number;
  covered: number;
  /** Slots of the window since registration, the current one only once covered. */
  slots: number;
}

/**
 * Heartbeats over a sliding window, per agent: the window is cut into slots and a slot counts
 * once any heartbeat falls in it. Recording is O(1) amortised; the memory is one bit per slot.
 *
 * @example
 * const uptime = new UptimeWindow(config.uptime);
 * uptime.record(agent, now); // true when this heartbeat covered a new slot
 * uptime.summary(agent, registeredAt, now).value;
 */
export class UptimeWindow {
  readonly #slotSeconds: number;
  readonly #slots: number;
  readonly #rings = new Map<string, SlotRing>();

  constructor(config: TrustConfig["uptime"]) {
    this.#slotSeconds = config.slotSeconds;
    this.#slots = Math.max(1, Math.floor(config.windowSeconds / config.slotSeconds));
  }

  /** The slot a time falls in. */
  slotOf(at: number): number {
    return Math.floor(at / this.#slotSeconds);
  }

  /** Records a heartbeat; true when it covered a slot not covered before. */
  record(agent: string, at: number): boolean {
    return this.recordSlot(agent, this.slotOf(at));
  }

  /** Marks one slot covered (also used to restore slots from the store). */
  recordSlot(agent: string, slot: number): boolean {
    let ring = this.#rings.get(agent);
    if (ring === undefined) {
      ring = { bits: new Uint8Array(Math.ceil(this.#slots / 8)), head: slot, count: 0 };
      this.#rings.set(agent, ring);
    }
    if (slot <= ring.head - this.#slots) return false;
    if (slot > ring.head) this.#advance(ring, slot);
    const at = slot % this.#slots;
    const mask = 1 << (at & 7);
    if ((ring.bits[at >> 3]! & mask) !== 0) return false;
    ring.bits[at >> 3]! |= mask;
    ring.count++;
    return true;
  }

  /** Uptime over the window ending now, counting only slots since registration. */
  summary(agent: string, registeredAt: number, now: number): UptimeSummary {
    const current = this.slotOf(now);
    const first = Math.max(current - this.#slots + 1, this.slotOf(registeredAt));
    const ring = this.#rings.get(agent);
    let covered = 0;
    if (ring !== undefined) {
      covered = ring.count;
      // Slots recorded but now out of the window: (head - slots, first).
      for (let slot = ring.head - this.#slots + 1; slot < first && slot <= ring.head; slot++) {
        if (this.#isSet(ring, slot)) covered--;
      }
    }
    const currentCovered =
      ring !== undefined && ring.head === current && this.#isSet(ring, current);
    // The current slot is still running: it counts once covered, never against the agent.
    const slots = Math.max(0, current - first + (currentCovered ? 1 : 0));
    return { value: slots === 0 ? 0 : Math.min(1, covered / slots), covered, slots };
  }

  #isSet(ring: SlotRing, slot: number): boolean {
    const at = slot % this.#slots;
    return (ring.bits[at >> 3]! & (1 << (at & 7))) !== 0;
  }

  // Clears the slots the window leaves behind when it moves to `slot`.
  #advance(ring: SlotRing, slot: number): void {
    if (slot - ring.head >= this.#slots) {
      ring.bits.fill(0);
      ring.count = 0;
    } else {
      for (let s = ring.head + 1; s <= slot; s++) {
        if (this.#isSet(ring, s)) {
          const at = s % this.#slots;
          ring.bits[at >> 3]! &= ~(1 << (at & 7));
          ring.count--;
        }
      }
    }
    ring.head = slot;
  }
}
