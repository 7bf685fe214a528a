import {
  callApproval,
  callAuthorize,
  callOutcome,
  callRevoke,
  callRevokedChain,
  callRotate,
  type LoadContext,
  type LoadLedger,
} from "./load-calls.ts";
import { type Lane, type LoadFixture, prepareLoad } from "./load-fixtures.ts";
import { schedule } from "./load-schedule.ts";
import { type LatencySummary, type LoadKind, LoadStats } from "./load-stats.ts";

/** Relative weights of what each scheduled call does. */
export interface LoadMix {
  /** Authorize on a live chain (`allow` expected). */
  authorize: number;
  /** Authorize on an approval chain, approve, ask again. */
  approval: number;
  /** Report the outcome of an allowed action. */
  outcome: number;
  /** Revoke a chain's leaf delegation. */
  revoke: number;
  /** Authorize on a chain revoked earlier (`deny` expected). */
  revoked: number;
  /** Rotate an agent's key with its committed next key. */
  rotate: number;
}

export const DEFAULT_MIX: LoadMix = {
  authorize: 0.72,
  approval: 0.08,
  outcome: 0.1,
  revoke: 0.03,
  revoked: 0.04,
  rotate: 0.03,
};

/** Options of {@link driveLoad}. */
export interface DriveOptions {
  /** Calls started per second, on a fixed schedule whatever the answers take (open loop). */
  rate: number;
  durationSeconds: number;
  mix?: Partial<LoadMix>;
  /** Stops scheduling early; calls in flight are still awaited. */
  signal?: AbortSignal;
  /** Called every `intervalMs` (default 1,000) with the progress so far. */
  onProgress?: (progress: LoadProgress) => void;
  intervalMs?: number;
  /** Calls allowed in flight at once; a scheduled call beyond it is counted as skipped. */
  maxInFlight?: number;
  /** The `resource` of authorize calls; default `https://load.example`. */
  resource?: string;
  /** Told when each call starts and ends (each step of an approval flow is a call). */
  onCall?: (kind: LoadKind, phase: "start" | "end") => void;
}

/** Progress of a running load, with the latencies of the last interval. */
export interface LoadProgress {
  elapsedSeconds: number;
  sent: number;
  completed: number;
  inFlight: number;
  errors: number;
  mismatches: number;
  interval: LatencySummary;
}

/** The result of a load run (`ants bench load --json` prints it). */
export interface LoadReport {
  relay: string;
  agents: number;
  rate: number;
  durationSeconds: number;
  elapsedSeconds: number;
  sent: number;
  completed: number;
  skipped: number;
  throughput: number;
  kinds: Partial<Record<LoadKind, LatencySummary>>;
  errors: Record<string, number>;
  errorCount: number;
  mismatches: number;
  mismatchSamples: { kind: LoadKind; expected: string; got: string }[];
  acknowledged: { decisions: number; revocations: number; keyEvents: number };
}

/**
 * Drives a prepared fixture at `rate` calls per second for `durationSeconds`, then waits for
 * the calls in flight. Returns the report and the ledger of everything the relay acknowledged.
 *
 * @example
 * const { report } = await driveLoad(fixture, { rate: 200, durationSeconds: 30 });
 */
export async function driveLoad(
  fixture: LoadFixture,
  options: DriveOptions,
): Promise<{ report: LoadReport; ledger: LoadLedger }> {
  const context: LoadContext = {
    fixture,
    stats: new LoadStats(),
    ledger: { decisions: [], revocations: [], keyEvents: [], revokedChains: [] },
    allows: [],
    resource: options.resource ?? "https://load.example",
    onCall: options.onCall,
    sequence: 0,
  };
  const mix = cumulative({ ...DEFAULT_MIX, ...options.mix });
  const { stats, ledger } = context;
  const progress = (elapsedMs: number, sent: number, inFlight: number) =>
    options.onProgress?.({
      elapsedSeconds: elapsedMs / 1000,
      sent,
      completed: stats.completed,
      inFlight,
      errors: stats.errorCount,
      mismatches: stats.mismatches,
      interval: stats.takeInterval(),
    });
  const pools = poolsOf(fixture.lanes);
  const run = await schedule(options, (at) => startCall(context, pools, mix, at), progress);
  const report: LoadReport = {
    relay: fixture.relay.url,
    agents: fixture.agents.length,
    rate: options.rate,
    durationSeconds: options.durationSeconds,
    elapsedSeconds: round(run.elapsedSeconds),
    sent: run.sent,
    completed: stats.completed,
    skipped: run.skipped,
    throughput: round(stats.completed / run.elapsedSeconds),
    kinds: stats.summary(),
    errors: Object.fromEntries(stats.errors),
    errorCount: stats.errorCount,
    mismatches: stats.mismatches,
    mismatchSamples: stats.mismatchSamples,
    acknowledged: {
      decisions: ledger.decisions.length,
      revocations: ledger.revocations.length,
      keyEvents: ledger.keyEvents.length,
    },
  };
  return { report, ledger };
}

/**
 * Registers agents and builds chains at `relay`, then drives them (see {@link driveLoad}).
 *
 * @example
 * const { report } = await runLoad({ relay: url, agents: 20, rate: 100, durationSeconds: 10 });
 */
export async function runLoad(
  options: DriveOptions & { relay: string; agents: number; rotators?: number },
): Promise<{ report: LoadReport; ledger: LoadLedger; fixture: LoadFixture }> {
  const rotators = options.rotators ?? Math.max(1, Math.ceil(options.agents / 10));
  const fixture = await prepareLoad(options.relay, { agents: options.agents, rotators });
  return { ...(await driveLoad(fixture, options)), fixture };
}

type Mix = [keyof LoadMix, number][];

function cumulative(mix: LoadMix): Mix {
  const total = Object.values(mix).reduce((sum, weight) => sum + Math.max(0, weight), 0);
  let running = 0;
  return (Object.keys(mix) as (keyof LoadMix)[]).map((kind) => {
    running += Math.max(0, mix[kind]) / (total || 1);
    return [kind, running];
  });
}

const pick = <T>(items: readonly T[]): T | undefined =>
  items[Math.floor(Math.random() * items.length)];

/** The lanes split once by kind, so choosing a call costs the same at any agent count. */
interface Pools {
  plain: readonly Lane[];
  approval: readonly Lane[];
}

function poolsOf(lanes: readonly Lane[]): Pools {
  const plain = lanes.filter((lane) => !lane.approval);
  const approval = lanes.filter((lane) => lane.approval);
  return { plain: plain.length > 0 ? plain : lanes, approval };
}

function startCall(context: LoadContext, pools: Pools, mix: Mix, since: number): Promise<void> {
  const roll = Math.random();
  const kind = mix.find(([, bound]) => roll < bound)?.[0] ?? "authorize";
  const lane = pick(pools.plain)!;
  if (kind === "approval") {
    const waiting = pick(pools.approval);
    if (waiting !== undefined) return callApproval(context, waiting, since);
  } else if (kind === "outcome") {
    const allowed = context.allows.pop();
    if (allowed !== undefined) return callOutcome(context, allowed, since);
  } else if (kind === "revoke") {
    // A lane waiting on its revocation already is left to authorize calls, unchecked.
    if (!lane.revoking && !lane.approval) return callRevoke(context, lane, since);
  } else if (kind === "revoked") {
    const revoked = pick(context.ledger.revokedChains);
    if (revoked !== undefined) return callRevokedChain(context, revoked, since);
  } else if (kind === "rotate") {
    const rotator = pick(context.fixture.rotators.filter((candidate) => !candidate.busy));
    if (rotator !== undefined) return callRotate(context, rotator, since);
  }
  return lane.approval ? callApproval(context, lane, since) : callAuthorize(context, lane, since);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
