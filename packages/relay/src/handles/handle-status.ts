import type { HandleRecord } from "../store/handle-repository.ts";
import type { HandlePolicy } from "./handle-policy.ts";

/** A handle as it stands at one moment, derived from its row, its holder's activity and time. */
export type HandleStatus =
  | { kind: "held"; record: HandleRecord }
  | {
      kind: "quarantined";
      record: HandleRecord;
      /** Nobody may claim it before this time. */
      until: number;
      /** Set when the row still says held but the holder has been inactive too long. */
      lapsedAt?: number;
    }
  | { kind: "free"; record: HandleRecord | undefined };

/**
 * Derives a handle's status. A held handle whose holder made no authenticated call for the
 * inactivity period is lapsed from the moment that period ended, whether or not the relay has
 * written the lapse yet, so a resolve never depends on when the periodic sweep last ran. The
 * holder's activity counts from the later of its last call and the time it took the handle.
 *
 * @example
 * const status = handleStatus(record, activity.lastSeen(record.agent), now, policy);
 */
export function handleStatus(
  record: HandleRecord | undefined,
  lastSeen: number | undefined,
  now: number,
  policy: Pick<HandlePolicy, "inactivitySeconds" | "quarantineSeconds">,
): HandleStatus {
  if (record === undefined) return { kind: "free", record };

  if (record.state === "quarantined") {
    const until = record.quarantineUntil ?? 0;
    return now < until ? { kind: "quarantined", record, until } : { kind: "free", record };
  }

  const lapsedAt = lapseTime(record, lastSeen, policy);
  if (now < lapsedAt) return { kind: "held", record };
  const until = lapsedAt + policy.quarantineSeconds;
  return now < until ? { kind: "quarantined", record, until, lapsedAt } : { kind: "free", record };
}

/**
 * When a held handle lapses if its holder makes no further call.
 *
 * @example
 * lapseTime(record, lastSeen, policy); // record.since + 90 days when the holder was never seen
 */
export function lapseTime(
  record: Pick<HandleRecord, "since">,
  lastSeen: number | undefined,
  policy: Pick<HandlePolicy, "inactivitySeconds">,
): number {
  return Math.max(record.since, lastSeen ?? 0) + policy.inactivitySeconds;
}
