import {
  buildEventEntry,
  type DecisionEntry,
  decodeLogEntry,
  type Ed25519Signer,
  type EventEntryInput,
  formatVerifierKey,
} from "@ants/protocol";
import type { Logger } from "pino";
import type { AuditLogStore } from "./audit-log-store.ts";
import { ElectedSequencer, type ElectionOptions, type ElectionStore } from "./elected-sequencer.ts";
import { resolveInstructor } from "./instructor.ts";
import { type CheckpointerOptions, LogCheckpointer } from "./log-checkpointer.ts";
import { LogReads } from "./log-reads.ts";
import { type AppendedEntry, LogSequencer, type SequencerOptions } from "./log-sequencer.ts";
import { LogTreeReader } from "./log-tree-reader.ts";
import { restoreSequencerState } from "./restore-sequencer-state.ts";

/**
 * A decision to log, as the authorize route builds it (the AuditSink contract): the entry without
 * `prev`, which the log links into the actor's chain itself.
 */
export interface DecisionAppend {
  readonly entry: Omit<DecisionEntry, "prev">;
  /**
   * Who the invocation is addressed to: the resource the access token is for. When it is an
   * agent's DID, a later invocation by that agent whose `cause` names this one records this
   * actor as its instructor.
   */
  readonly resource?: string | null;
}

/** An event to log (registration, login, revocation, approval, key, handle, trust, ...). */
export type EventAppend = Omit<EventEntryInput, "relay" | "time" | "prev"> & {
  readonly time?: number;
};

/** Settings of {@link AuditLog.open}. */
export interface AuditLogOptions extends SequencerOptions, ElectionOptions {
  readonly store: AuditLogStore;
  /** The relay's DID, written into every entry. */
  readonly relay: string;
  /** The relay's identity key, which signs checkpoints. */
  readonly signer: Ed25519Signer;
  /** The log origin (checkpoint origin line and note key name); read at every signature. */
  readonly origin: () => string;
  readonly now: () => number;
  /** How often a new checkpoint is signed when the tree grew, in ms; at most 1000. Default 250. */
  readonly checkpointIntervalMs?: number;
  readonly log?: Logger;
  /**
   * A PostgreSQL store shared by several relays: one sequencer is elected among them by an
   * advisory lock and the others hand their entries to it (elected-sequencer.ts).
   */
  readonly election?: ElectionStore;
}

/** What the log needs of its sequencer: the local one, or the one elected among instances. */
type Sequencer = LogSequencer | ElectedSequencer;

/**
 * The relay's audit log (DESIGN.md section 10): sequencing by group commit, the RFC 6962 tree
 * kept as C2SP tiles, per-agent chains, signed checkpoints that never fork, and the reads the
 * log routes serve. Opening restores the frontier from stored tiles and the agents' heads from
 * their table, without scanning entries.
 *
 * @example
 * const audit = await AuditLog.open({ store, relay: did, signer, origin: () => o, now });
 * const { index } = await audit.appendEvent({ event: "identity", action: "registered",
 *   subject: agent, actor: agent });
 */
export class AuditLog {
  readonly reads: LogReads;
  readonly #options: AuditLogOptions;
  readonly #sequencer: Sequencer;
  readonly #checkpointer: LogCheckpointer;
  readonly #timer: NodeJS.Timeout;

  private constructor(
    options: AuditLogOptions,
    sequencer: Sequencer,
    checkpointer: LogCheckpointer,
    reads: LogReads,
  ) {
    this.#options = options;
    this.#sequencer = sequencer;
    this.#checkpointer = checkpointer;
    this.reads = reads;
    const interval = Math.min(1000, options.checkpointIntervalMs ?? 250);
    this.#timer = setInterval(() => void this.#checkpoint(), interval);
    this.#timer.unref();
  }

  /** Restores the log from its store and starts signing checkpoints. */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const { stored, state } = await restoreSequencerState(options.store);
    // Another instance sharing the store may have appended: the sequencer reloads and retries.
    const sequencer =
      options.election === undefined
        ? new LogSequencer(
            options.store,
            state,
            options,
            async () => (await restoreSequencerState(options.store)).state,
          )
        : await ElectedSequencer.start(options.election, state, options, options.log);
    const committed = {
      get size() {
        return sequencer.size;
      },
      edgeTile: (level: number) => sequencer.state.edge.tile(level),
    };
    const reader = new LogTreeReader(options.store, committed);
    const checkpointer = await LogCheckpointer.start(
      checkpointerOptions(options, sequencer, reader),
      stored.checkpoint,
    );
    return new AuditLog(
      options,
      sequencer,
      checkpointer,
      new LogReads(options.store, reader, sequencer, checkpointer),
    );
  }

  /**
   * True when this instance sequences the log: always with its own store, and on a shared
   * PostgreSQL store while it holds the sequencer lock.
   */
  get isSequencer(): boolean {
    return this.#sequencer instanceof LogSequencer || this.#sequencer.isHolder;
  }

  /** Entries durably written. */
  get size(): number {
    return this.#sequencer.size;
  }

  /** The verifier key string of the checkpoint signatures (C2SP signed-note). */
  verifierKey(): string {
    return formatVerifierKey(this.#options.origin(), this.#options.signer.publicKey);
  }

  /**
   * Logs a decision (the AuditSink contract); resolves once it is durable, with its index and
   * leaf hash. The log sets `instructor` by the rule of docs/spec/audit-log.md 2.3, whatever the
   * caller put there.
   */
  async append(decision: DecisionAppend): Promise<AppendedEntry> {
    const base = decision.entry;
    const instructor = await resolveInstructor(
      this.#options.store,
      base.invocation.payload.cause,
      base.actor,
    );
    const resource = decision.resource;
    return this.#sequencer.append({
      agent: base.actor,
      build: (prev, minTime) => ({ ...base, time: Math.max(base.time, minTime), instructor, prev }),
      facts: {
        principal: base.principal,
        cmd: base.cmd,
        invocation: base.invocation.hash,
        addressee: typeof resource === "string" && resource.startsWith("did:") ? resource : null,
      },
    });
  }

  /** Logs an event about `subject`; resolves once it is durable. */
  async appendEvent(input: EventAppend): Promise<AppendedEntry> {
    const base = buildEventEntry({
      ...input,
      relay: this.#options.relay,
      time: input.time ?? this.#options.now(),
    });
    return this.#sequencer.append({
      agent: base.subject,
      build: (prev, minTime) => ({ ...base, time: Math.max(base.time, minTime), prev }),
      facts: { principal: null, cmd: null, invocation: null, addressee: null },
    });
  }

  /**
   * The invocations decided at or after `since` (Unix seconds), to restore replay protection at
   * start. Entry times never decrease, so this reads only the entries of that window.
   */
  async listInvocationsSince(
    since: number,
  ): Promise<{ actor: string; jti: string; iat: number }[]> {
    const size = this.#sequencer.size;
    const from = await this.#options.store.firstIndexAt(since, size);
    const seen: { actor: string; jti: string; iat: number }[] = [];
    for (const bytes of await this.#options.store.readEntries(from, size)) {
      const entry = decodeLogEntry(bytes);
      const { jti, iat } = entry.type === "decision" ? entry.invocation.payload : {};
      if (entry.type === "decision" && typeof jti === "string" && typeof iat === "number") {
        seen.push({ actor: entry.actor, jti, iat });
      }
    }
    return seen;
  }

  /** Signs a checkpoint now if the tree grew (the timer does this every interval). */
  async checkpointNow(): Promise<void> {
    await this.#checkpointer.signIfGrown();
  }

  /** Writes what is queued, signs a last checkpoint, and stops. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sequencer.close();
    await this.#checkpoint();
    this.#checkpointer.close();
  }

  async #checkpoint(): Promise<void> {
    try {
      await this.#checkpointer.signIfGrown();
    } catch (error) {
      this.#options.log?.error({ err: error }, "audit log: checkpoint refused");
    }
  }
}

function checkpointerOptions(
  options: AuditLogOptions,
  sequencer: Sequencer,
  reader: LogTreeReader,
): CheckpointerOptions {
  return {
    store: options.store,
    reader,
    tree: () => ({ size: sequencer.size, root: sequencer.state.frontier.root() }),
    signer: options.signer,
    origin: options.origin,
  };
}
