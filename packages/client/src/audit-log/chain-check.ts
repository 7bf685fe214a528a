import { encodeBase64url, entryAgent, type LogEntry } from "@ants/protocol";

/** A break in one agent's chain of entries. */
export interface ChainBreak {
  readonly index: number;
  readonly agent: string;
  readonly reason: string;
}

/**
 * Checks every agent's chain (docs/spec/audit-log.md 2.6) while a monitor walks the log in order:
 * an agent's first entry has `prev: null`; every later one names, by index and leaf hash, exactly
 * the agent's previous entry, so a dropped, altered or reordered entry of an agent shows here.
 * Memory is one head per agent.
 *
 * @example
 * const chains = new ChainChecker();
 * entries.forEach((bytes, i) => chains.add(i, decodeLogEntry(bytes), leafHash(bytes)));
 * chains.breaks; // [] when every chain holds
 */
export class ChainChecker {
  readonly breaks: ChainBreak[] = [];
  readonly #heads = new Map<string, { index: number; leafHash: string }>();

  /** Number of distinct agents seen. */
  get agents(): number {
    return this.#heads.size;
  }

  /** Takes the next entry of the log (indexes must arrive in order from 0). */
  add(index: number, entry: LogEntry, leaf: Uint8Array): void {
    const agent = entryAgent(entry);
    const head = this.#heads.get(agent);
    const prev = entry.prev;
    if (head === undefined && prev !== null) {
      this.#break(index, agent, `names entry ${prev.index} as previous, but it is the first`);
    } else if (head !== undefined && prev === null) {
      this.#break(index, agent, `names no previous entry, but entry ${head.index} is`);
    } else if (head !== undefined && prev !== null && prev.index !== head.index) {
      this.#break(index, agent, `names entry ${prev.index} as previous, but it is ${head.index}`);
    } else if (head !== undefined && prev !== null && prev.leafHash !== head.leafHash) {
      this.#break(index, agent, `previous entry ${prev.index} has another leaf hash`);
    }
    this.#heads.set(agent, { index, leafHash: encodeBase64url(leaf) });
  }

  #break(index: number, agent: string, reason: string): void {
    this.breaks.push({ index, agent, reason });
  }
}
