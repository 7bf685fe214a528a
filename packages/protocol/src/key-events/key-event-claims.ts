import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readHash,
  readInteger,
  readTime,
} from "../jws/claim-checks.ts";
import { MAX_DECLARED_INSTANCES } from "../session/registration-statement.ts";
import { readChoice, readDidKey, readOptional } from "./kel-claim-checks.ts";
import { MAX_KEY_EVENTS } from "./key-event-limits.ts";

/** Who authorises a rotation, lowest rank first (docs/spec/key-events.md 3). */
export const ROTATION_AUTHORITIES = ["next", "guardians", "owner"] as const;
/** Why a key was rotated. */
export const ROTATION_REASONS = ["routine", "compromise"] as const;

export type RotationAuthority = (typeof ROTATION_AUTHORITIES)[number];
export type RotationReason = (typeof ROTATION_REASONS)[number];

/** The claims of an inception event (docs/spec/key-events.md 2.2). */
export interface InceptionClaims {
  readonly t: "icp";
  /** The agent's ID: the did:key of the inception key. */
  readonly iss: string;
  readonly s: 0;
  /** The current key, equal to `iss`. */
  readonly k: string;
  /** Next-key digest: the RFC 7638 thumbprint of the pre-committed next key. */
  readonly n?: string;
  /** Declared instance count. */
  readonly ins: number;
  /** The owner certificate, as its compact JWS. */
  readonly own?: string;
  readonly iat: number;
}

/** The claims of a rotation event (docs/spec/key-events.md 2.3). */
export interface RotationClaims {
  readonly t: "rot";
  readonly iss: string;
  readonly s: number;
  /** Token hash of the previous event. */
  readonly p: string;
  /** The new current key. */
  readonly k: string;
  readonly n?: string;
  readonly auth: RotationAuthority;
  /** The did:key whose key signs this event. */
  readonly by: string;
  readonly rsn: RotationReason;
  /** With `rsn: compromise`: the time from which the replaced key is held compromised. */
  readonly cmp?: number;
  /** Token hash of the earliest event this rotation overrides. */
  readonly ovr?: string;
  readonly iat: number;
}

/** The claims of a guardian approval (docs/spec/key-events.md 2.4). */
export interface GuardianApprovalClaims {
  readonly t: "apv";
  /** The agent whose log holds the rotation. */
  readonly iss: string;
  /** Token hash of the rotation approved. */
  readonly evt: string;
  /** The guardian's did:key; its key signs the approval. */
  readonly by: string;
  readonly iat: number;
}

/** Any key event payload, told apart by `t`. */
export type KeyEventClaims = InceptionClaims | RotationClaims | GuardianApprovalClaims;

const MEMBERS = {
  icp: new Set(["t", "iss", "s", "k", "n", "ins", "own", "iat"]),
  rot: new Set(["t", "iss", "s", "p", "k", "n", "auth", "by", "rsn", "cmp", "ovr", "iat"]),
  apv: new Set(["t", "iss", "evt", "by", "iat"]),
};

/**
 * Checks a key event payload: `t` first, then the table of its kind in docs/spec/key-events.md
 * section 2, in order. Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const claims = readKeyEventClaims(jws.payload);
 * if (claims.t === "rot") claims.auth; // "next"
 */
export function readKeyEventClaims(payload: Claims): KeyEventClaims {
  const t = readChoice(payload.t, "t", ["icp", "rot", "apv"] as const);
  assertOnlyMembers(payload, MEMBERS[t], t);
  if (t === "icp") return readInception(payload);
  if (t === "rot") return readRotation(payload);
  return {
    t,
    iss: readDidKey(payload.iss, "iss"),
    evt: readHash(payload.evt, "evt"),
    by: readDidKey(payload.by, "by"),
    iat: readTime(payload.iat, "iat"),
  };
}

function readInception(payload: Claims): InceptionClaims {
  const iss = readDidKey(payload.iss, "iss");
  readInteger(payload.s, "s", 0, 0);
  if (payload.k !== iss) claimInvalid("k", "the inception key, equal to iss");
  return {
    t: "icp",
    iss,
    s: 0,
    k: iss,
    ...readOptional(payload, "n", readHash),
    ins: readInteger(payload.ins, "ins", 1, MAX_DECLARED_INSTANCES),
    ...readOptional(payload, "own", readCompactText),
    iat: readTime(payload.iat, "iat"),
  };
}

function readRotation(payload: Claims): RotationClaims {
  const head = {
    t: "rot" as const,
    iss: readDidKey(payload.iss, "iss"),
    s: readInteger(payload.s, "s", 1, MAX_KEY_EVENTS - 1),
    p: readHash(payload.p, "p"),
    k: readDidKey(payload.k, "k"),
    ...readOptional(payload, "n", readHash),
    auth: readChoice(payload.auth, "auth", ROTATION_AUTHORITIES),
    by: readDidKey(payload.by, "by"),
    rsn: readChoice(payload.rsn, "rsn", ROTATION_REASONS),
  };
  // A compromise time is what makes a compromise rotation refuse old tokens; a routine one has
  // none to state.
  if ((head.rsn === "compromise") !== Object.hasOwn(payload, "cmp")) {
    claimInvalid("cmp", "present exactly when rsn is compromise");
  }
  return {
    ...head,
    ...readOptional(payload, "cmp", readTime),
    ...readOptional(payload, "ovr", readHash),
    iat: readTime(payload.iat, "iat"),
  };
}

function readCompactText(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) claimInvalid(field, "a compact JWS");
  return value;
}
