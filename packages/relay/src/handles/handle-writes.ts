import { RelayError } from "../errors/relay-error.ts";
import type { HandleRecord, HandleWrite } from "../store/handle-repository.ts";
import type { HandlePolicy } from "./handle-policy.ts";

/**
 * The write that ends a holding: quarantined from `at` for the quarantine period.
 *
 * @example
 * await registry.commit(endHolding(record, now, "released", policy), () => lostRace(name));
 */
export function endHolding(
  record: HandleRecord,
  at: number,
  reason: "released" | "revoked" | "lapsed",
  policy: HandlePolicy,
  extra: { actor?: string | null; statement?: string | null; detail?: object } = {},
): HandleWrite {
  const quarantineUntil = at + policy.quarantineSeconds;
  return {
    expectedVersion: record.version,
    next: {
      ...record,
      state: "quarantined",
      endedAt: at,
      endReason: reason,
      quarantineUntil,
      offer: null,
    },
    event: {
      at,
      kind: reason,
      handle: record.name,
      agent: record.agent,
      actor: extra.actor ?? null,
      statement: extra.statement ?? null,
      detail: JSON.stringify({ ...extra.detail, quarantineUntil }),
    },
  };
}

/**
 * The error for a handle that changed between reading and writing it.
 *
 * @example
 * throw lostRace("kevin");
 */
export function lostRace(name: string): RelayError {
  return new RelayError("ERR_HANDLE_TAKEN", `handle: "${name}" changed meanwhile; try again`);
}
