// What must hold after a relay restarts from a crash: everything the load generator saw
// acknowledged is still there, with the same content, and the log extends every checkpoint
// fetched before.
import {
  Agent,
  LogClient,
  listRevocations,
  type MonitorState,
  monitorLog,
  RelayClient,
} from "@ants/client";
import { decodeLogEntry, type Ed25519Signer } from "@ants/protocol";
import { expect } from "vitest";
import type { LoadLedger } from "../../src/load/load-calls.ts";
import { LOAD_COMMAND } from "../../src/load/load-fixtures.ts";

const PARALLEL = 16;

async function inParallel<T>(items: readonly T[], check: (item: T) => Promise<void>) {
  for (let first = 0; first < items.length; first += PARALLEL) {
    await Promise.all(items.slice(first, first + PARALLEL).map(check));
  }
}

/** Every acknowledged decision is the entry at its audit index, with the content answered. */
export async function checkDecisions(url: string, ledger: LoadLedger): Promise<void> {
  const log = new LogClient({ url });
  await inParallel(ledger.decisions, async (acked) => {
    const entry = decodeLogEntry(await log.entry(acked.auditIndex));
    expect(entry, `entry ${acked.auditIndex}`).toMatchObject({
      type: "decision",
      actor: acked.actor,
      cmd: acked.command,
      decision: acked.decision,
      // A pending answer names no reason; its entry says which requirement holds it.
      ...(acked.decision === "pending" ? {} : { reason: acked.reason }),
      invocation: { hash: acked.invocationHash },
    });
  });
}

/** Every acknowledged revocation is in the revocation log under its sequence number. */
export async function checkRevocations(url: string, ledger: LoadLedger): Promise<void> {
  const relay = new RelayClient({ url });
  const held = new Map<number, string>();
  for (let since = 0; ; ) {
    const page = await listRevocations(relay, since);
    for (const entry of page.entries) held.set(entry.seq, entry.target);
    if (page.entries.length === 0 || since >= page.head) break;
    since = page.entries.at(-1)!.seq;
  }
  for (const acked of ledger.revocations) expect(held.get(acked.seq)).toBe(acked.target);
}

/**
 * Every chain whose revocation was acknowledged is still denied. Each actor logs in once on the
 * restarted relay (as its one declared instance) and tries its revoked chains in turn.
 */
export async function checkRevokedChains(url: string, ledger: LoadLedger): Promise<void> {
  const relay = new RelayClient({ url });
  const byActor = new Map<Ed25519Signer, string[][]>();
  for (const { lane, chain } of ledger.revokedChains) {
    byActor.set(lane.actor.signer, [...(byActor.get(lane.actor.signer) ?? []), chain]);
  }
  await inParallel([...byActor], async ([signer, revokedChains]) => {
    const actor = new Agent({ relay, signer, instance: "load" });
    for (const chain of revokedChains) {
      const decision = await actor.invoke({ cmd: LOAD_COMMAND, args: { n: 0 }, chain });
      expect(decision).toMatchObject({ decision: "deny", reason: "ERR_REVOKED_TOKEN" });
    }
  });
}

/** Every acknowledged key event is in its agent's log at its sequence number, unchanged. */
export async function checkKeyEvents(url: string, ledger: LoadLedger): Promise<void> {
  const relay = new RelayClient({ url });
  await inParallel(ledger.keyEvents, async (acked) => {
    const document = await relay.keyEvents(acked.agent);
    expect(document.events[acked.seq]?.event, `${acked.agent} event ${acked.seq}`).toBe(
      acked.event,
    );
  });
}

/** The latest checkpoint is consistent with every checkpoint fetched before the crash. */
export async function checkCheckpoints(url: string, seen: readonly MonitorState[]) {
  const log = new LogClient({ url });
  for (const state of seen) {
    const { report } = await monitorLog(log, { state });
    expect(report.problems, `consistency with the checkpoint of ${state.size}`).toEqual([]);
  }
}
