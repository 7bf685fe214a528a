import {
  didFromPublicKey,
  type Ed25519Signer,
  isProtocolError,
  KEY_EVENT_TYP,
  type KeyEventLog,
  type KeyEventRecord,
  MAX_KEY_EVENT_BYTES,
  nextKeyDigest,
  parseCompactJws,
  type RotationAuthority,
  readKeyEventClaims,
  signGuardianApproval,
  signInception,
  signRotation,
  tokenHash,
} from "@ants/protocol";
import { ClientError } from "../errors/client-error.ts";
import { type KeyEventLogDocument, verifyKeyEventLogDocument } from "./key-event-log-file.ts";

/** Options of {@link createInception}. */
export interface CreateInceptionOptions {
  /** The inception key; its did:key is the agent's ID. */
  signer: Ed25519Signer;
  /** The next key's public key, to pre-commit to it. */
  nextPublicKey?: Uint8Array;
  /** Declared instance count; default 1. */
  instances?: number;
  /** The owner certificate, if the owner has certified the agent already. */
  ownerCertificate?: string;
  /** Unix seconds; default the system clock. Written as `iat` and as the local receipt time. */
  now?: number;
}

/**
 * Signs an inception and returns it as a one-event log document, received locally at `now`
 * (docs/spec/key-events.md 2.2). Throws ClientError.
 *
 * @example
 * const document = createInception({ signer, nextPublicKey: next.publicKey, instances: 2 });
 */
export function createInception(options: CreateInceptionOptions): KeyEventLogDocument {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const event = sync(() =>
    signInception(
      {
        ...(options.nextPublicKey && { n: nextKeyDigest(options.nextPublicKey) }),
        ins: options.instances ?? 1,
        ...(options.ownerCertificate && { own: options.ownerCertificate }),
        iat: now,
      },
      { signer: options.signer },
    ),
  );
  return { id: didFromPublicKey(options.signer.publicKey), events: [{ event, receivedAt: now }] };
}

/** Options of {@link prepareRotation}. */
export interface PrepareRotationOptions {
  /** The key that signs: the next key, a guardian's or an owner recovery key. */
  signer: Ed25519Signer;
  auth: RotationAuthority;
  /** The new current key. */
  newPublicKey: Uint8Array;
  /** The new next key to commit to; none when absent. */
  nextPublicKey?: Uint8Array;
  /** With a compromise: the time from which the replaced key is held compromised. */
  compromisedSince?: number;
  /** Index of the earliest event to override (docs/spec/key-events.md 3.2). */
  overrides?: number;
  /** Unix seconds, written as `iat`; default the system clock. */
  now?: number;
}

/**
 * Signs a rotation on the head of a verified log. Unless it is a guardian rotation, which needs
 * approvals first (see {@link approveGuardianRotation}, {@link withApprovals}), the rotation is
 * checked against the log as if received at `now`, so a refusal shows before anything is sent.
 * Throws ClientError with the ERR_KEL_* code the relay would answer.
 *
 * @example
 * const event = prepareRotation(document, { signer: nextKey, auth: "next", newPublicKey });
 */
export function prepareRotation(document: KeyEventLogDocument, options: PrepareRotationOptions) {
  const log = verifyKeyEventLogDocument(document);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const overridden = options.overrides === undefined ? undefined : log.events[options.overrides];
  if (options.overrides !== undefined && overridden === undefined) {
    throw new ClientError("ERR_KEL_MALFORMED", `overrides: no event ${options.overrides}`);
  }
  const event = sync(() =>
    signRotation(
      {
        iss: log.agent,
        s: log.sequence + 1,
        p: log.head,
        k: didFromPublicKey(options.newPublicKey),
        ...(options.nextPublicKey && { n: nextKeyDigest(options.nextPublicKey) }),
        auth: options.auth,
        rsn: options.compromisedSince === undefined ? "routine" : "compromise",
        ...(options.compromisedSince !== undefined && { cmp: options.compromisedSince }),
        ...(overridden && { ovr: overridden.hash }),
        iat: now,
      },
      { signer: options.signer },
    ),
  );
  if (options.auth !== "guardians") appendChecked(document, { event }, now, log);
  return event;
}

/**
 * A guardian's approval of a guardian rotation, after checking that it is one. Throws
 * ClientError (ERR_KEL_MALFORMED for anything but a guardian rotation).
 *
 * @example
 * const approval = approveGuardianRotation(event, { signer: guardian });
 */
export function approveGuardianRotation(
  event: string,
  options: { signer: Ed25519Signer; now?: number },
): string {
  const claims = sync(() => {
    const jws = parseCompactJws(event, { typ: KEY_EVENT_TYP, maxBytes: MAX_KEY_EVENT_BYTES });
    return readKeyEventClaims(jws.payload);
  });
  if (claims.t !== "rot" || claims.auth !== "guardians") {
    throw new ClientError("ERR_KEL_MALFORMED", "event: expected a guardian rotation");
  }
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  return sync(() => signGuardianApproval({ iss: claims.iss, evt: tokenHash(event), iat }, options));
}

/**
 * The log with a rotation and its approvals appended, received at `receivedAt`, after checking
 * the whole log verifies with it. Throws ClientError with the ERR_KEL_* code (for example
 * ERR_KEL_THRESHOLD_NOT_MET while approvals are missing).
 *
 * @example
 * const updated = withApprovals(document, event, [approval2], now);
 */
export function withApprovals(
  document: KeyEventLogDocument,
  event: string,
  approvals: readonly string[],
  receivedAt: number,
): KeyEventLogDocument {
  const record = approvals.length > 0 ? { event, approvals } : { event };
  return appendChecked(document, record, receivedAt, verifyKeyEventLogDocument(document));
}

function appendChecked(
  document: KeyEventLogDocument,
  record: KeyEventRecord,
  receivedAt: number,
  log: KeyEventLog,
): KeyEventLogDocument {
  const last = log.events[log.events.length - 1]!.receivedAt;
  const updated = {
    id: document.id,
    events: [...document.events, { ...record, receivedAt: Math.max(receivedAt, last) }],
  };
  verifyKeyEventLogDocument(updated);
  return updated;
}

function sync<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw new ClientError(error.code, error.message, { cause: error, details: error.details });
  }
}
