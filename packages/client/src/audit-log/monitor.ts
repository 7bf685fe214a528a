import {
  type Checkpoint,
  decodeEntryBundle,
  decodeLogEntry,
  hashesEqual,
  leafHash,
  MerkleFrontier,
  openCheckpoint,
  parseVerifierKey,
  TILE_WIDTH,
  verifyConsistency,
} from "@ants/protocol";
import { ChainChecker } from "./chain-check.ts";
import type { LogClient } from "./log-client.ts";
import type { MonitorState } from "./monitor-state.ts";

/** One finding of a monitor run. */
export interface MonitorProblem {
  /** What failed: "signature", "consistency", "tree", "entry", "chain", "key". */
  readonly check: string;
  readonly message: string;
  readonly index?: number;
}

/** The verdict of one monitor run. */
export interface MonitorReport {
  readonly ok: boolean;
  readonly origin: string;
  readonly size: number;
  /** Root of the checkpoint, standard base64. */
  readonly rootHash: string;
  /** The size last seen (state file), if any. */
  readonly previousSize: number | null;
  /** Entries re-derived with `full`; null without. */
  readonly entriesChecked: number | null;
  readonly agents: number | null;
  readonly problems: MonitorProblem[];
}

/** Options of {@link monitorLog}. */
export interface MonitorOptions {
  /** What the monitor saw last time; absent on a first run (trust on first use of the key). */
  readonly state?: MonitorState;
  /** Re-derive the whole tree from the entries and check every agent's chain. */
  readonly full?: boolean;
  /** Called as entries are checked with `full`. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Monitors a relay's audit log (docs/log-api.md, "Monitoring"): verifies the latest checkpoint's
 * signature against the relay's key (pinned in the state after the first run), proves it
 * consistent with the checkpoint seen last (RFC 9162 2.1.4), and with `full` re-derives the
 * tree from every entry (RFC 6962 root, canonical entries) and checks each agent's chain.
 * Returns a report, and the state to keep only when the report is ok; it never throws for a
 * verification failure, only for a relay it cannot read (ClientError).
 *
 * @example
 * const { report, state } = await monitorLog(new LogClient({ url }), { state: saved, full: true });
 * if (!report.ok) process.exitCode = 1;
 */
export async function monitorLog(
  client: LogClient,
  options: MonitorOptions = {},
): Promise<{ report: MonitorReport; state: MonitorState | undefined }> {
  const problems: MonitorProblem[] = [];
  const discovery = await client.discover();
  const verifierKey = options.state?.verifierKey ?? discovery.logVerifierKey;
  if (verifierKey !== discovery.logVerifierKey) {
    problems.push({
      check: "key",
      message: "the relay publishes another checkpoint key than before",
    });
  }
  const checkpoint = await openLatest(client, verifierKey, problems);
  if (checkpoint === undefined)
    return { report: report(problems, options, undefined), state: undefined };

  if (options.state !== undefined)
    await checkConsistency(client, options.state, checkpoint, problems);
  const full =
    options.full === true ? await walkEntries(client, checkpoint, problems, options) : undefined;
  const result = report(problems, options, checkpoint, full);
  const state: MonitorState = {
    origin: checkpoint.origin,
    verifierKey,
    size: checkpoint.size,
    rootHash: base64(checkpoint.rootHash),
  };
  return { report: result, state: result.ok ? state : undefined };
}

async function openLatest(
  client: LogClient,
  verifierKey: string,
  problems: MonitorProblem[],
): Promise<Checkpoint | undefined> {
  const note = await client.checkpoint();
  try {
    return openCheckpoint(note, [parseVerifierKey(verifierKey)]);
  } catch (error) {
    problems.push({ check: "signature", message: `checkpoint: ${messageOf(error)}` });
    return undefined;
  }
}

async function checkConsistency(
  client: LogClient,
  state: MonitorState,
  checkpoint: Checkpoint,
  problems: MonitorProblem[],
): Promise<void> {
  const fromRoot = new Uint8Array(Buffer.from(state.rootHash, "base64"));
  if (checkpoint.size < state.size) {
    problems.push({
      check: "consistency",
      message: `the log shrank from ${state.size} to ${checkpoint.size} entries`,
    });
    return;
  }
  const proof =
    checkpoint.size === state.size
      ? []
      : await client.consistencyProof(state.size, checkpoint.size);
  const input = {
    fromSize: state.size,
    toSize: checkpoint.size,
    fromRoot,
    toRoot: checkpoint.rootHash,
  };
  if (!verifyConsistency({ ...input, proof })) {
    problems.push({
      check: "consistency",
      message: `the checkpoint of ${checkpoint.size} does not extend the one of ${state.size} seen before`,
    });
  }
}

/** Fetches every entry bundle, rebuilds the root, checks entries and chains. */
async function walkEntries(
  client: LogClient,
  checkpoint: Checkpoint,
  problems: MonitorProblem[],
  options: MonitorOptions,
): Promise<{ entries: number; agents: number }> {
  const frontier = new MerkleFrontier();
  const chains = new ChainChecker();
  for (let first = 0; first < checkpoint.size; first += TILE_WIDTH) {
    const width = Math.min(TILE_WIDTH, checkpoint.size - first);
    const entries = decodeEntryBundle(await client.entryBundle(first / TILE_WIDTH, width), width);
    entries.forEach((bytes, i) => {
      const leaf = leafHash(bytes);
      frontier.append(leaf);
      try {
        chains.add(first + i, decodeLogEntry(bytes), leaf);
      } catch (error) {
        problems.push({ check: "entry", index: first + i, message: messageOf(error) });
      }
    });
    options.onProgress?.(first + width, checkpoint.size);
  }
  for (const broken of chains.breaks) {
    problems.push({
      check: "chain",
      index: broken.index,
      message: `${broken.agent}: ${broken.reason}`,
    });
  }
  if (!hashesEqual(frontier.root(), checkpoint.rootHash)) {
    problems.push({ check: "tree", message: "the entries do not hash to the checkpoint's root" });
  }
  return { entries: frontier.size, agents: chains.agents };
}

function report(
  problems: MonitorProblem[],
  options: MonitorOptions,
  checkpoint: Checkpoint | undefined,
  full?: { entries: number; agents: number },
): MonitorReport {
  return {
    ok: problems.length === 0,
    origin: checkpoint?.origin ?? "",
    size: checkpoint?.size ?? 0,
    rootHash: checkpoint === undefined ? "" : base64(checkpoint.rootHash),
    previousSize: options.state?.size ?? null,
    entriesChecked: full?.entries ?? null,
    agents: full?.agents ?? null,
    problems,
  };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function messageOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" ? `${message} (${code})` : message;
}
