// Builds key event logs for tests and for the conformance vectors, one event at a time, with
// the receipt time of each as a relay would record it.
import {
  type KeyEventLog,
  type KeyEventRecord,
  nextKeyDigest,
  type RotationAuthority,
  signGuardianApproval,
  signInception,
  signOwnerCertificate,
  signRotation,
  tokenHash,
  verifyKeyEventLog,
} from "../../src/index.ts";
import type { TestAgent } from "./agents.ts";

/** A log being built: its records and the receipt time of each. */
export interface LogDraft {
  readonly records: readonly KeyEventRecord[];
  readonly receivedAt: readonly number[];
}

/** Options for {@link incept}. */
export interface InceptOptions {
  key: TestAgent;
  next?: TestAgent;
  /** The owner who signs the certificate; no certificate when absent. */
  owner?: TestAgent;
  /** Ranked recovery keys; default the owner's own key. */
  recovery?: readonly TestAgent[];
  window?: number;
  guardians?: { k: number; of: readonly TestAgent[] };
  instances?: number;
  at: number;
}

/** The owner certificate an {@link InceptOptions} describes. */
export function ownerCertificate(options: InceptOptions): string | undefined {
  const { owner } = options;
  if (owner === undefined) return undefined;
  const grd = options.guardians && {
    k: options.guardians.k,
    of: options.guardians.of.map((guardian) => guardian.did),
  };
  return signOwnerCertificate(
    {
      sub: options.key.did,
      ...(options.recovery && { rec: options.recovery.map((key) => key.did) }),
      ...(options.window !== undefined && { win: options.window }),
      ...(grd && { grd }),
      iat: options.at,
    },
    { signer: owner.signer },
  );
}

/** A log holding only the inception, received at `at`. */
export function incept(options: InceptOptions): LogDraft {
  const own = ownerCertificate(options);
  const event = signInception(
    {
      ...(options.next && { n: nextKeyDigest(options.next.signer.publicKey) }),
      ins: options.instances ?? 1,
      ...(own && { own }),
      iat: options.at,
    },
    { signer: options.key.signer },
  );
  return { records: [{ event }], receivedAt: [options.at] };
}

/** Options for {@link rotate}. */
export interface RotateOptions {
  /** The key that signs the rotation. */
  by: TestAgent;
  auth: RotationAuthority;
  /** The new current key. */
  to: TestAgent;
  /** The next key to commit to. */
  next?: TestAgent;
  compromisedSince?: number;
  /** Index of the earliest event to override. */
  overrides?: number;
  /** Guardians approving besides `by`. */
  approvals?: readonly TestAgent[];
  /** Receipt time. */
  at: number;
  /** Sequence number and previous hash, to build broken logs; default the right ones. */
  s?: number;
  p?: string;
}

/** The log with one more rotation, built on its last event. */
export function rotate(log: LogDraft, options: RotateOptions): LogDraft {
  const records = log.records;
  const iss = agentOf(log);
  const event = signRotation(
    {
      iss,
      s: options.s ?? records.length,
      p: options.p ?? tokenHash(records[records.length - 1]!.event),
      k: options.to.did,
      ...(options.next && { n: nextKeyDigest(options.next.signer.publicKey) }),
      auth: options.auth,
      rsn: options.compromisedSince === undefined ? "routine" : "compromise",
      ...(options.compromisedSince !== undefined && { cmp: options.compromisedSince }),
      ...(options.overrides !== undefined && {
        ovr: tokenHash(records[options.overrides]!.event),
      }),
      iat: options.at,
    },
    { signer: options.by.signer },
  );
  const approvals = (options.approvals ?? []).map((guardian) =>
    signGuardianApproval(
      { iss, evt: tokenHash(event), iat: options.at },
      { signer: guardian.signer },
    ),
  );
  const record = approvals.length > 0 ? { event, approvals } : { event };
  return { records: [...records, record], receivedAt: [...log.receivedAt, options.at] };
}

/** The agent a draft belongs to: its inception's `iss`. */
export function agentOf(log: LogDraft): string {
  const payload = log.records[0]!.event.split(".")[1]!;
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).iss;
}

/** Verifies a draft. */
export function verifyDraft(log: LogDraft): KeyEventLog {
  return verifyKeyEventLog(log.records, { receivedAt: log.receivedAt });
}
