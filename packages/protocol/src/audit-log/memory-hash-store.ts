import { ProtocolError } from "../errors/protocol-error.ts";
import type { HashReader } from "./hash-reader.ts";
import type { NodeHash } from "./merkle-frontier.ts";
import { HASH_SIZE } from "./merkle-hash.ts";

const INITIAL_CAPACITY = 64;

/**
 * An in-memory store of full-subtree hashes, one contiguous byte array per level, grown by
 * doubling. Feed it the nodes a MerkleFrontier emits; with `levels` it keeps only some levels
 * (for example every eighth, the C2SP tile rows) and ignores the rest.
 *
 * @example
 * const store = new MemoryHashStore();
 * for (const leaf of leaves) store.putAll(frontier.append(leaf));
 * inclusionProof(3, frontier.size, store);
 */
export class MemoryHashStore implements HashReader {
  readonly #levels: Uint8Array[] = [];
  readonly #counts: number[] = [];
  readonly #keep: (level: number) => boolean;

  constructor(options: { keepLevel?: (level: number) => boolean } = {}) {
    this.#keep = options.keepLevel ?? (() => true);
  }

  /** Number of hashes held at `level`. */
  count(level: number): number {
    return this.#counts[level] ?? 0;
  }

  /** Stores one node; nodes of a level must arrive in index order, as a frontier emits them. */
  put(node: NodeHash): void {
    if (!this.#keep(node.level)) return;
    const count = this.count(node.level);
    if (node.index !== count) {
      throw new ProtocolError("ERR_LOG_INCONSISTENT", `node: expected index ${count}`, {
        details: { level: node.level, index: node.index },
      });
    }
    const bytes = this.#reserve(node.level, count + 1);
    bytes.set(node.hash, count * HASH_SIZE);
    this.#counts[node.level] = count + 1;
  }

  /** Stores every node of a list, in order. */
  putAll(nodes: readonly NodeHash[]): void {
    for (const node of nodes) this.put(node);
  }

  readHash(level: number, index: number): Uint8Array {
    const bytes = this.#levels[level];
    if (bytes === undefined || !Number.isSafeInteger(index) || index < 0) {
      throw missing(level, index);
    }
    if (index >= this.count(level)) throw missing(level, index);
    return bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** The hashes [begin, end) of one level, concatenated (a C2SP tile's body at tile levels). */
  readRange(level: number, begin: number, end: number): Uint8Array {
    if (begin < 0 || end > this.count(level) || begin > end) throw missing(level, end - 1);
    return this.#levels[level]!.slice(begin * HASH_SIZE, end * HASH_SIZE);
  }

  #reserve(level: number, needed: number): Uint8Array {
    let bytes = this.#levels[level] ?? new Uint8Array(INITIAL_CAPACITY * HASH_SIZE);
    if (needed * HASH_SIZE > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, needed * HASH_SIZE));
      grown.set(bytes);
      bytes = grown;
    }
    this.#levels[level] = bytes;
    return bytes;
  }
}

function missing(level: number, index: number): ProtocolError {
  return new ProtocolError("ERR_LOG_HASH_MISSING", `hash: no stored node at level ${level}`, {
    details: { level, index },
  });
}
