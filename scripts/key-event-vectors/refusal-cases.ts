// Key event logs that must be refused, each with its code and the index of the failing event.
import { signInception, signRotation, tokenHash } from "../../packages/protocol/src/index.ts";
import {
  incept,
  type LogDraft,
  ownerCertificate,
  rotate,
} from "../../packages/protocol/test/support/key-event-log-builder.ts";
import { flipSignatureBit } from "../token-vectors/fixtures.ts";
import { HOUR, KEYS, type KeyEventCase, refusedCase, T0, WINDOW } from "./fixtures.ts";
import { FULL, STOLEN_NEXT } from "./valid-cases.ts";

const { agent, next, next2, hot2, owner, ownerBackup, g1, g2, g3, thief, recovered, other } = KEYS;

/** Every refusal of signers, authority and overrides. */
export function refusalCases(): KeyEventCase[] {
  return [...signerCases(), ...guardianCases(), ...overrideCases(), ...structureCases()];
}

function signerCases(): KeyEventCase[] {
  const bare = incept({ key: agent, at: T0 });
  return [
    refusedCase(
      "a thief with only the current key cannot rotate when a next key was committed",
      rotate(FULL, { by: agent, auth: "next", to: thief, at: T0 + HOUR }),
      "ERR_KEL_DIGEST_MISMATCH",
      { index: 1 },
    ),
    refusedCase(
      "no next key was committed, so no key can rotate as the next key",
      rotate(bare, { by: agent, auth: "next", to: thief, at: T0 + 1 }),
      "ERR_KEL_WRONG_SIGNER",
      { index: 1 },
    ),
    refusedCase(
      "an owner rotation in a log without an owner certificate",
      rotate(bare, { by: owner, auth: "owner", to: recovered, at: T0 + 1 }),
      "ERR_KEL_WRONG_SIGNER",
      { index: 1 },
    ),
    refusedCase(
      "an owner rotation signed by a key the certificate does not list",
      rotate(FULL, { by: thief, auth: "owner", to: thief, at: T0 + 1 }),
      "ERR_KEL_WRONG_SIGNER",
      { index: 1 },
    ),
    refusedCase(
      "a rotation whose by names the next key but which another key signed",
      {
        records: [
          FULL.records[0]!,
          { event: resign(rotate(FULL, { by: next, auth: "next", to: hot2, at: T0 + 1 }), thief) },
        ],
        receivedAt: [T0, T0 + 1],
      },
      "ERR_KEL_SIGNATURE_INVALID",
      { index: 1, reason: "ERR_JWS_KID_MISMATCH" },
    ),
    refusedCase(
      "a rotation with one signature bit flipped",
      replaceLast(rotate(FULL, { by: next, auth: "next", to: hot2, at: T0 + 1 }), flipSignatureBit),
      "ERR_KEL_SIGNATURE_INVALID",
      { index: 1, reason: "ERR_SIGNATURE_INVALID" },
    ),
    refusedCase(
      "a rotation back to a key the log already used",
      rotate(FULL, { by: next, auth: "next", to: agent, at: T0 + 1 }),
      "ERR_KEL_KEY_REUSED",
      { index: 1 },
    ),
  ];
}

function guardianCases(): KeyEventCase[] {
  const withApproval = rotate(FULL, {
    by: g1,
    auth: "guardians",
    to: recovered,
    approvals: [g2],
    at: T0 + 1,
  });
  const otherEvent = rotate(FULL, { by: g1, auth: "guardians", to: hot2, at: T0 + 1 });
  const onlyOwner = incept({ key: agent, owner, at: T0 });
  return [
    refusedCase(
      "1 of 3 guardians cannot recover",
      rotate(FULL, { by: g1, auth: "guardians", to: recovered, at: T0 + 1 }),
      "ERR_KEL_THRESHOLD_NOT_MET",
      { index: 1 },
    ),
    refusedCase(
      "a guardian approving its own rotation still counts once",
      rotate(FULL, { by: g1, auth: "guardians", to: recovered, approvals: [g1], at: T0 + 1 }),
      "ERR_KEL_THRESHOLD_NOT_MET",
      { index: 1 },
    ),
    refusedCase(
      "a guardian rotation signed by a key that is not a guardian",
      rotate(FULL, { by: thief, auth: "guardians", to: thief, approvals: [g1], at: T0 + 1 }),
      "ERR_KEL_WRONG_SIGNER",
      { index: 1 },
    ),
    refusedCase(
      "an approval signed by a key that is not a guardian",
      rotate(FULL, { by: g1, auth: "guardians", to: recovered, approvals: [thief], at: T0 + 1 }),
      "ERR_KEL_WRONG_SIGNER",
      { index: 1 },
    ),
    refusedCase(
      "an approval of another rotation, moved onto this one",
      {
        records: [
          FULL.records[0]!,
          { event: otherEvent.records[1]!.event, approvals: withApproval.records[1]!.approvals! },
        ],
        receivedAt: [T0, T0 + 1],
      },
      "ERR_KEL_MALFORMED",
      { index: 1 },
    ),
    refusedCase(
      "an approval with one signature bit flipped",
      {
        records: [
          FULL.records[0]!,
          {
            event: withApproval.records[1]!.event,
            approvals: [flipSignatureBit(withApproval.records[1]!.approvals![0]!)],
          },
        ],
        receivedAt: [T0, T0 + 1],
      },
      "ERR_KEL_SIGNATURE_INVALID",
      { index: 1, reason: "ERR_SIGNATURE_INVALID" },
    ),
    refusedCase(
      "a guardian rotation in a log whose certificate names no guardians",
      rotate(onlyOwner, { by: g1, auth: "guardians", to: recovered, approvals: [g2], at: T0 + 1 }),
      "ERR_KEL_WRONG_SIGNER",
      { index: 1 },
    ),
    refusedCase(
      "approvals on a rotation by the next key",
      {
        records: [
          FULL.records[0]!,
          {
            event: rotate(FULL, { by: next, auth: "next", to: hot2, at: T0 + 1 }).records[1]!.event,
            approvals: withApproval.records[1]!.approvals!,
          },
        ],
        receivedAt: [T0, T0 + 1],
      },
      "ERR_KEL_MALFORMED",
      { index: 1 },
    ),
  ];
}

function overrideCases(): KeyEventCase[] {
  const byOwner = rotate(FULL, { by: ownerBackup, auth: "owner", to: hot2, at: T0 + 1 });
  const undone = rotate(STOLEN_NEXT, {
    by: owner,
    auth: "owner",
    to: hot2,
    overrides: 1,
    at: T0 + 2 * HOUR,
  });
  const late = rotate(STOLEN_NEXT, {
    by: owner,
    auth: "owner",
    to: recovered,
    overrides: 1,
    at: T0 + 100 * HOUR,
  });
  return [
    refusedCase(
      "an override received exactly when the window closes",
      rotate(STOLEN_NEXT, {
        by: owner,
        auth: "owner",
        to: recovered,
        overrides: 1,
        at: T0 + HOUR + WINDOW,
      }),
      "ERR_KEL_WINDOW_EXCEEDED",
      { index: 2 },
    ),
    refusedCase(
      "an override received after the window, whatever its signer wrote in iat",
      { records: late.records, receivedAt: [T0, T0 + HOUR, T0 + HOUR + WINDOW + 1] },
      "ERR_KEL_WINDOW_EXCEEDED",
      { index: 2 },
    ),
    refusedCase(
      "guardians cannot override an owner rotation",
      rotate(byOwner, {
        by: g1,
        auth: "guardians",
        to: recovered,
        approvals: [g2],
        overrides: 1,
        at: T0 + 2,
      }),
      "ERR_KEL_RANK_NOT_HIGHER",
      { index: 2 },
    ),
    refusedCase(
      "an owner key cannot override a rotation by the same key",
      rotate(byOwner, { by: ownerBackup, auth: "owner", to: recovered, overrides: 1, at: T0 + 2 }),
      "ERR_KEL_RANK_NOT_HIGHER",
      { index: 2 },
    ),
    refusedCase(
      "the next key cannot override anything",
      rotate(rotate(FULL, { by: next, auth: "next", to: hot2, next: next2, at: T0 + 1 }), {
        by: next2,
        auth: "next",
        to: recovered,
        overrides: 1,
        at: T0 + 2,
      }),
      "ERR_KEL_RANK_NOT_HIGHER",
      { index: 2 },
    ),
    refusedCase(
      "an override naming an event an earlier override already undid",
      rotate(undone, { by: owner, auth: "owner", to: recovered, overrides: 1, at: T0 + 3 * HOUR }),
      "ERR_KEL_AFTER_FINAL",
      { index: 3 },
    ),
    refusedCase(
      "an override naming the inception",
      rotate(FULL, { by: owner, auth: "owner", to: recovered, overrides: 0, at: T0 + 1 }),
      "ERR_KEL_MALFORMED",
      { index: 1 },
    ),
    refusedCase(
      "an override with a window of 0 in the certificate",
      rotate(
        rotate(incept({ key: agent, next, owner, window: 0, at: T0 }), {
          by: next,
          auth: "next",
          to: thief,
          at: T0 + 1,
        }),
        { by: owner, auth: "owner", to: recovered, overrides: 1, at: T0 + 1 },
      ),
      "ERR_KEL_WINDOW_EXCEEDED",
      { index: 2 },
    ),
  ];
}

function structureCases(): KeyEventCase[] {
  const two = rotate(rotate(FULL, { by: next, auth: "next", to: hot2, next: next2, at: T0 + 1 }), {
    by: next2,
    auth: "next",
    to: recovered,
    at: T0 + 2,
  });
  const fork = rotate(FULL, { by: next, auth: "next", to: thief, next: next2, at: T0 + 1 });
  const [e0, e1, e2] = two.records as [
    LogDraft["records"][0],
    LogDraft["records"][0],
    LogDraft["records"][0],
  ];
  const foreign = signRotation(
    {
      iss: other.did,
      s: 1,
      p: tokenHash(e0.event),
      k: hot2.did,
      auth: "next",
      rsn: "routine",
      iat: T0,
    },
    { signer: next.signer },
  );
  const otherCert = ownerCertificate({ key: other, owner, at: T0 })!;
  return [
    refusedCase(
      "a reordered log",
      { records: [e0, e2, e1], receivedAt: two.receivedAt },
      "ERR_KEL_OUT_OF_ORDER",
      { index: 1 },
    ),
    refusedCase(
      "a rotation repeated",
      { records: [e0, e1, e1], receivedAt: two.receivedAt },
      "ERR_KEL_OUT_OF_ORDER",
      { index: 2 },
    ),
    refusedCase(
      "an event replaced by another validly signed one",
      { records: [e0, fork.records[1]!, e2], receivedAt: two.receivedAt },
      "ERR_KEL_CHAIN_BROKEN",
      { index: 2 },
    ),
    refusedCase(
      "receipt times going backwards",
      { records: two.records, receivedAt: [T0, T0 + 2, T0 + 1] },
      "ERR_KEL_MALFORMED",
    ),
    refusedCase(
      "fewer receipt times than events",
      { records: two.records, receivedAt: [T0, T0 + 1] },
      "ERR_KEL_MALFORMED",
    ),
    refusedCase("an empty log", { records: [], receivedAt: [] }, "ERR_KEL_MALFORMED"),
    refusedCase(
      "a log that opens with a rotation",
      { records: [e1], receivedAt: [T0] },
      "ERR_KEL_MALFORMED",
      { index: 0 },
    ),
    refusedCase(
      "a second inception",
      { records: [e0, e0], receivedAt: [T0, T0] },
      "ERR_KEL_MALFORMED",
      { index: 1 },
    ),
    refusedCase(
      "a rotation for another agent",
      { records: [e0, { event: foreign }], receivedAt: [T0, T0 + 1] },
      "ERR_KEL_MALFORMED",
      { index: 1 },
    ),
    refusedCase(
      "an inception carrying another agent's owner certificate",
      {
        records: [
          { event: signInception({ ins: 1, own: otherCert, iat: T0 }, { signer: agent.signer }) },
        ],
        receivedAt: [T0],
      },
      "ERR_KEL_MALFORMED",
      { index: 0 },
    ),
    refusedCase(
      "an owner certificate with one signature bit flipped",
      {
        records: [
          {
            event: signInception(
              {
                ins: 1,
                own: flipSignatureBit(ownerCertificate({ key: agent, owner, at: T0 })!),
                iat: T0,
              },
              { signer: agent.signer },
            ),
          },
        ],
        receivedAt: [T0],
      },
      "ERR_KEL_SIGNATURE_INVALID",
      { index: 0, reason: "ERR_SIGNATURE_INVALID" },
    ),
    refusedCase(
      "an inception with approvals",
      { records: [{ event: e0.event, approvals: [guardianApproval()] }], receivedAt: [T0] },
      "ERR_KEL_MALFORMED",
      { index: 0 },
    ),
  ];
}

function guardianApproval(): string {
  const log = rotate(FULL, {
    by: g1,
    auth: "guardians",
    to: recovered,
    approvals: [g3],
    at: T0 + 1,
  });
  return log.records[1]!.approvals![0]!;
}

/** The event re-signed by `key`, header `kid` included, payload unchanged. */
function resign(log: LogDraft, key: typeof thief): string {
  const event = log.records[log.records.length - 1]!.event;
  const payload = event.split(".")[1]!;
  const header = Buffer.from(`{"alg":"EdDSA","typ":"ants-kel+jwt","kid":"${key.kid}"}`).toString(
    "base64url",
  );
  const signature = key.signer.sign(Buffer.from(`${header}.${payload}`, "latin1"));
  return `${header}.${payload}.${Buffer.from(signature).toString("base64url")}`;
}

function replaceLast(log: LogDraft, change: (token: string) => string): LogDraft {
  const records = [...log.records];
  const last = records.pop()!;
  return {
    records: [...records, { ...last, event: change(last.event) }],
    receivedAt: log.receivedAt,
  };
}
