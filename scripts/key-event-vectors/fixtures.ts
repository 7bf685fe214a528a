// Fixed keys, times and helpers for the key event log vectors of docs/spec/key-events.md. Seeds
// are SHA-256("ants-key-event-vectors/v1/" + name); Ed25519 signatures are deterministic.
import { createHash } from "node:crypto";
import {
  createSigner,
  didFromPublicKey,
  encodeBase64url,
  isProtocolError,
  jwkThumbprint,
  type KeyEventLog,
  type KeyEventRecord,
} from "../../packages/protocol/src/index.ts";
import {
  type LogDraft,
  verifyDraft,
} from "../../packages/protocol/test/support/key-event-log-builder.ts";
import type { VectorKey } from "../token-vectors/fixtures.ts";

/** 2026-01-01T00:00:00Z, the inception's receipt time in every case unless stated. */
export const T0 = 1_767_225_600;
export const HOUR = 3600;
/** The default recovery window, 72 hours. */
export const WINDOW = 72 * HOUR;

function vectorKey(name: string): VectorKey {
  const seed = createHash("sha256").update(`ants-key-event-vectors/v1/${name}`).digest();
  const signer = createSigner(new Uint8Array(seed));
  return {
    name,
    seedHex: seed.toString("hex"),
    did: didFromPublicKey(signer.publicKey),
    kid: jwkThumbprint(signer.publicKey),
    publicKey: encodeBase64url(signer.publicKey),
    signer,
  };
}

/**
 * The cast: `agent` is the inception key; `next`, `next2` pre-committed keys; `hot2` a new
 * current key; `owner` and `ownerBackup` ranked recovery keys; `g1`..`g3` guardians; `thief` and
 * `thiefNext` keys the owner never approved; `recovered` the key a recovery installs.
 */
export const KEYS = {
  agent: vectorKey("agent"),
  next: vectorKey("next"),
  next2: vectorKey("next-2"),
  hot2: vectorKey("hot-2"),
  owner: vectorKey("owner"),
  ownerBackup: vectorKey("owner-backup"),
  g1: vectorKey("guardian-1"),
  g2: vectorKey("guardian-2"),
  g3: vectorKey("guardian-3"),
  thief: vectorKey("thief"),
  thiefNext: vectorKey("thief-next"),
  recovered: vectorKey("recovered"),
  other: vectorKey("other-agent"),
};

/** The keys section of a vector file. */
export function keysSection(): Record<string, object> {
  return Object.fromEntries(
    Object.values(KEYS).map((key) => [
      key.name,
      { seed: key.seedHex, did: key.did, kid: key.kid, publicKey: key.publicKey },
    ]),
  );
}

/** One vector case as written to the file. */
export interface KeyEventCase {
  description: string;
  events: readonly KeyEventRecord[];
  receivedAt: readonly number[];
  valid: boolean;
  error?: string;
  index?: number;
  reason?: string;
  expect?: CaseExpectation;
}

/** What a valid case must yield, written by hand in each case and checked on generation. */
export interface CaseExpectation {
  currentKey: string;
  nextKeyDigest: string | null;
  keyAt: { time: number; key: string | null }[];
  revoked: { key: string; reason: string; at: number; compromisedSince?: number }[];
}

/** A valid case, after checking that the verifier yields exactly `expect`. */
export function validCase(description: string, log: LogDraft, expect: CaseExpectation) {
  const result = verifyDraft(log);
  const got = summarize(
    result,
    expect.keyAt.map((probe) => probe.time),
  );
  if (JSON.stringify(got) !== JSON.stringify(expect)) {
    throw new Error(
      `${description}: expected ${JSON.stringify(expect)}, got ${JSON.stringify(got)}`,
    );
  }
  return { description, events: log.records, receivedAt: log.receivedAt, valid: true, expect };
}

function summarize(log: KeyEventLog, times: number[]): CaseExpectation {
  return {
    currentKey: log.currentKey.key,
    nextKeyDigest: log.nextKeyDigest ?? null,
    keyAt: times.map((time) => ({ time, key: log.keyAt(time)?.key ?? null })),
    revoked: log.revokedKeys.map((period) => ({
      key: period.key,
      reason: period.revocation!.reason,
      at: period.revocation!.at,
      ...(period.revocation!.compromisedSince !== undefined && {
        compromisedSince: period.revocation!.compromisedSince,
      }),
    })),
  };
}

/** An invalid case, after checking that the verifier refuses it with exactly that code. */
export function refusedCase(
  description: string,
  log: { records: readonly KeyEventRecord[]; receivedAt: readonly number[] },
  error: string,
  where: { index?: number; reason?: string } = {},
): KeyEventCase {
  let got: { code: string; index?: unknown; reason?: unknown } | undefined;
  try {
    verifyDraft(log as LogDraft);
  } catch (failure) {
    if (!isProtocolError(failure)) throw failure;
    got = { code: failure.code, index: failure.details?.index, reason: failure.details?.reason };
  }
  if (got?.code !== error || got.index !== where.index || got.reason !== where.reason) {
    throw new Error(
      `${description}: expected ${error} ${JSON.stringify(where)}, got ${JSON.stringify(got)}`,
    );
  }
  return {
    description,
    events: log.records,
    receivedAt: log.receivedAt,
    valid: false,
    error,
    ...where,
  };
}
