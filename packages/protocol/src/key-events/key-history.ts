import { publicKeyFromDid } from "../did/did-key.ts";
import { LruCache } from "../internal/lru-cache.ts";
import { jwkThumbprint } from "../jwk/jwk.ts";
import type { RotationAuthority, RotationReason } from "./key-event-claims.ts";

/** One verified event of a log, as {@link verifyKeyEventLog} reports it. */
export interface VerifiedKeyEvent {
  readonly index: number;
  /** Token hash of the event (docs/spec/tokens.md 1.3). */
  readonly hash: string;
  readonly kind: "inception" | "rotation";
  /** When the relay received it, from the verifier's input. */
  readonly receivedAt: number;
  /** The key it made current, as a did:key. */
  readonly key: string;
  readonly nextKeyDigest?: string;
  readonly authority?: RotationAuthority;
  /** Rotation rank: 0 next key, 1 guardians, 2 and up owner keys. */
  readonly rank?: number;
  /** did:keys that signed for it. */
  readonly signers: readonly string[];
  readonly reason?: RotationReason;
  readonly compromisedSince?: number;
  /** Index of the earliest event this override undid. */
  readonly overrides?: number;
  /** Index of the override that undid this event. */
  undoneBy?: number;
}

/** Why a key stopped being valid. */
export interface KeyRevocation {
  readonly reason: RotationReason | "overridden";
  /** Receipt time of the event that revoked it. */
  readonly at: number;
  /** Index of that event. */
  readonly byEvent: number;
  /** Tokens the relay first saw at or after this time are refused. */
  readonly compromisedSince?: number;
}

/** A key and the receipt-time interval it was current for. */
export interface KeyPeriod {
  /** The key as a did:key. */
  readonly key: string;
  /** Its RFC 7638 thumbprint, the `kid` it signs with. */
  readonly kid: string;
  /** Index of the event that made it current. */
  readonly installedBy: number;
  readonly validFrom: number;
  /** Absent while it is the current key. */
  readonly validUntil?: number;
  readonly revocation?: KeyRevocation;
}

/** The key history part of a verified log. */
export interface KeyHistory {
  /** Every key the log installed, in order, undone ones included. */
  readonly keys: readonly KeyPeriod[];
  readonly currentKey: KeyPeriod;
  /** Keys no longer current, with why. */
  readonly revokedKeys: readonly KeyPeriod[];
  /**
   * The key that signs for the agent at receipt time `time` (docs/spec/key-events.md 4.6), or
   * undefined before the inception and where the key in force was compromised or overridden.
   */
  keyAt(time: number): KeyPeriod | undefined;
}

/**
 * Builds the key history of docs/spec/key-events.md 4.6 from the verified events and the
 * indices of the events still in force (not undone), in order.
 *
 * @example
 * const history = buildKeyHistory(events, live);
 * history.keyAt(receivedAt)?.kid;
 */
export function buildKeyHistory(
  events: readonly VerifiedKeyEvent[],
  live: readonly number[],
): KeyHistory {
  const livePeriods = live.map((index, position) => {
    const replacedBy = live[position + 1];
    return period(events[index]!, replacedBy === undefined ? undefined : events[replacedBy]);
  });
  const undone = events
    .filter((event) => event.undoneBy !== undefined)
    .map((e) => overridden(events, e));
  const keys = [...livePeriods, ...undone].sort((a, b) => a.installedBy - b.installedBy);
  return {
    keys,
    currentKey: livePeriods[livePeriods.length - 1]!,
    revokedKeys: keys.filter((key) => key.revocation !== undefined),
    keyAt: (time) => keyAt(livePeriods, time),
  };
}

function period(event: VerifiedKeyEvent, replacedBy: VerifiedKeyEvent | undefined): KeyPeriod {
  const base = {
    key: event.key,
    kid: kidOf(event.key),
    installedBy: event.index,
    validFrom: event.receivedAt,
  };
  if (replacedBy === undefined) return base;
  const revocation = {
    reason: replacedBy.reason!,
    at: replacedBy.receivedAt,
    byEvent: replacedBy.index,
    ...(replacedBy.compromisedSince === undefined
      ? {}
      : { compromisedSince: replacedBy.compromisedSince }),
  };
  return { ...base, validUntil: replacedBy.receivedAt, revocation };
}

// Spec 3.3: an undone rotation's key is revoked from the moment it was installed, so every
// token it signed is refused.
function overridden(events: readonly VerifiedKeyEvent[], event: VerifiedKeyEvent): KeyPeriod {
  const override = events[event.undoneBy!]!;
  return {
    ...period(event, undefined),
    validUntil: events[event.index + 1]!.receivedAt,
    revocation: {
      reason: "overridden",
      at: override.receivedAt,
      byEvent: override.index,
      compromisedSince: event.receivedAt,
    },
  };
}

function keyAt(periods: readonly KeyPeriod[], time: number): KeyPeriod | undefined {
  const found = periods.find(
    (p) => p.validFrom <= time && (p.validUntil === undefined || time < p.validUntil),
  );
  const since = found?.revocation?.compromisedSince;
  return since !== undefined && time >= since ? undefined : found;
}

// A log's history is rebuilt whenever it grows; decoding every key's did:key (base58) each time
// would make a long log cost more per event, so each key's thumbprint is computed once.
const kids = new LruCache<string, string>(100_000);

function kidOf(did: string): string {
  let kid = kids.get(did);
  if (kid === undefined) {
    kid = jwkThumbprint(publicKeyFromDid(did));
    kids.set(did, kid);
  }
  return kid;
}
