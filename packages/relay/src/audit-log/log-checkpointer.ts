import {
  type Checkpoint,
  createNoteSigner,
  type Ed25519Signer,
  formatVerifierKey,
  hashesEqual,
  openCheckpoint,
  parseCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  verifyConsistency,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { AuditLogStore, StoredCheckpoint } from "./audit-log-store.ts";
import type { LogTreeReader } from "./log-tree-reader.ts";

/** The checkpoint currently served. */
export interface SignedCheckpoint extends Checkpoint {
  /** The C2SP signed note, exactly as served. */
  readonly note: string;
}

/** What the checkpointer signs with and over. */
export interface CheckpointerOptions {
  readonly store: AuditLogStore;
  readonly reader: LogTreeReader;
  /** Current committed size and root. */
  readonly tree: () => { size: number; root: Uint8Array };
  readonly signer: Ed25519Signer;
  /** The log origin, which is also the note key name; read at every signature. */
  readonly origin: () => string;
}

/**
 * Signs checkpoints (C2SP tlog-checkpoint as an Ed25519 signed note) and never forks: before
 * signing size n it proves, from the stored hashes, that the tree of n extends the last checkpoint
 * it signed (RFC 9162 2.1.4 consistency proof, verified against both roots), and it persists each
 * checkpoint before serving it. At start it checks the stored tree still has the root of the last
 * signed checkpoint; if not, the log was rewritten underneath and the relay refuses to go on
 * (ERR_LOG_INCONSISTENT).
 *
 * @example
 * const checkpointer = await LogCheckpointer.start(options, state.checkpoint);
 * await checkpointer.signIfGrown();
 */
export class LogCheckpointer {
  readonly #options: CheckpointerOptions;
  #latest: SignedCheckpoint | undefined;
  /** The last note found signed by the current key under the current origin. */
  #ownNote: { note: string; origin: string } | undefined;
  #waiters: { size: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #failure: RelayError | undefined;

  private constructor(options: CheckpointerOptions, latest: SignedCheckpoint | undefined) {
    this.#options = options;
    this.#latest = latest;
  }

  /**
   * Checks the stored checkpoint against the stored tree. With none stored, the first is signed
   * at the first `signIfGrown`, once the relay knows its public URL (and so its origin).
   */
  static async start(
    options: CheckpointerOptions,
    stored: StoredCheckpoint | undefined,
  ): Promise<LogCheckpointer> {
    if (stored === undefined) return new LogCheckpointer(options, undefined);
    const latest = { ...parseCheckpoint(noteText(stored.note)), note: stored.note };
    if (latest.size > options.tree().size) {
      throw inconsistent("stored tree is shorter than the last signed checkpoint", latest.size);
    }
    if (!hashesEqual(await options.reader.rootAt(latest.size), latest.rootHash)) {
      throw inconsistent("stored tree does not have the last signed root", latest.size);
    }
    return new LogCheckpointer(options, latest);
  }

  /**
   * The checkpoint currently served, signing the first one if none exists yet, and signing the
   * same tree again when the stored one is not signed by the relay's current key under its
   * current origin (after `ants relay rotate-key`, or a new public URL).
   */
  async latest(): Promise<SignedCheckpoint> {
    if (this.#latest === undefined || !this.#signedByCurrentKey(this.#latest)) {
      await this.signIfGrown(true);
    }
    if (this.#failure !== undefined) throw this.#failure;
    return this.#latest!;
  }

  /** Signs a checkpoint at the committed size if the tree grew since the last one. */
  async signIfGrown(force = false): Promise<void> {
    if (this.#failure !== undefined) return;
    const tree = this.#options.tree();
    const last = this.#latest;
    // The first checkpoint waits for an entry or a reader, by when the origin is final; a
    // checkpoint another key signed is signed again at the same size (equal sizes extend).
    const resign = last !== undefined && !this.#signedByCurrentKey(last);
    if (tree.size <= (last?.size ?? 0) && !resign && !(last === undefined && force)) return;
    try {
      if (last !== undefined) await this.#assertExtends(last, tree);
      this.#latest = await signAndSave(this.#options, tree);
      this.#ownNote = { note: this.#latest.note, origin: this.#latest.origin };
    } catch (error) {
      // A fork must never be signed; stop signing and fail whoever waits, loudly.
      this.#failure =
        error instanceof RelayError && error.code === "ERR_LOG_INCONSISTENT"
          ? error
          : new RelayError("ERR_STORE_FAILED", "audit log: checkpoint not signed", {
              cause: error,
            });
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
      throw this.#failure;
    }
    this.#release();
  }

  /** Resolves once a signed checkpoint covers `size` entries. */
  waitFor(size: number): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#latest !== undefined && this.#latest.size >= size) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ size, resolve, reject }));
  }

  /** Fails every waiter (the log is closing). */
  close(): void {
    const error = new RelayError("ERR_UNAVAILABLE", "audit log: closed");
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  // RFC 9162 2.1.4: the proof comes from the stored hashes and must hold for both roots.
  async #assertExtends(last: SignedCheckpoint, tree: { size: number; root: Uint8Array }) {
    const proof = await this.#options.reader.consistencyProof(last.size, tree.size);
    const consistent = verifyConsistency({
      fromSize: last.size,
      toSize: tree.size,
      fromRoot: last.rootHash,
      toRoot: tree.root,
      proof,
    });
    if (!consistent) throw inconsistent("new tree does not extend the last checkpoint", tree.size);
  }

  #signedByCurrentKey(checkpoint: SignedCheckpoint): boolean {
    const origin = this.#options.origin();
    const own = this.#ownNote;
    if (own !== undefined && own.note === checkpoint.note && own.origin === origin) return true;
    const key = parseVerifierKey(formatVerifierKey(origin, this.#options.signer.publicKey));
    try {
      openCheckpoint(checkpoint.note, [key], { origin });
    } catch {
      return false;
    }
    this.#ownNote = { note: checkpoint.note, origin };
    return true;
  }

  #release(): void {
    const size = this.#latest?.size ?? 0;
    const ready = this.#waiters.filter((waiter) => waiter.size <= size);
    this.#waiters = this.#waiters.filter((waiter) => waiter.size > size);
    for (const waiter of ready) waiter.resolve();
  }
}

async function signAndSave(
  options: CheckpointerOptions,
  tree: { size: number; root: Uint8Array },
): Promise<SignedCheckpoint> {
  const origin = options.origin();
  const checkpoint = { origin, size: tree.size, rootHash: tree.root, extensions: [] };
  const note = signCheckpoint(checkpoint, createNoteSigner(origin, options.signer));
  await options.store.saveCheckpoint({ size: tree.size, note });
  return { ...checkpoint, note };
}

// C2SP signed-note: the text ends at the last blank line.
function noteText(note: string): string {
  return note.slice(0, note.lastIndexOf("\n\n") + 1);
}

function inconsistent(message: string, size: number): RelayError {
  return new RelayError("ERR_LOG_INCONSISTENT", `audit log: ${message}`, { details: { size } });
}
