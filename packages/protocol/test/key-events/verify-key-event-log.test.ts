import { describe, expect, it } from "vitest";
import {
  extendKeyEventLog,
  type KeyEventLog,
  ProtocolError,
  type ProtocolErrorCode,
  signInception,
  signRotation,
  tokenHash,
  verifyKeyEventLog,
} from "../../src/index.ts";
import { T0, testAgent } from "../support/agents.ts";
import {
  incept,
  type LogDraft,
  ownerCertificate,
  rotate,
  verifyDraft,
} from "../support/key-event-log-builder.ts";

const HOUR = 3600;
const agent = testAgent("kel-agent");
const next = testAgent("kel-next");
const hot2 = testAgent("kel-hot-2");
const next2 = testAgent("kel-next-2");
const thief = testAgent("kel-thief");
const owner = testAgent("kel-owner");
const ownerBackup = testAgent("kel-owner-backup");
const recovered = testAgent("kel-recovered");
const g1 = testAgent("kel-guardian-1");
const g2 = testAgent("kel-guardian-2");
const g3 = testAgent("kel-guardian-3");
const guardians = { k: 2, of: [g1, g2, g3] };

/** An agent with a committed next key, an owner, two ranked recovery keys and 2-of-3 guardians. */
const full = incept({
  key: agent,
  next,
  owner,
  recovery: [owner, ownerBackup],
  guardians,
  instances: 2,
  at: T0,
});

function refusal(log: LogDraft): { code: ProtocolErrorCode; index: unknown } {
  try {
    verifyDraft(log);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return { code: error.code, index: error.details?.index };
  }
  throw new Error("the log verified");
}

describe("verifyKeyEventLog: inception", () => {
  it("returns the inception key as the current key from its receipt on", () => {
    const log = verifyDraft(full);
    expect(log.agent).toBe(agent.did);
    expect(log.instances).toBe(2);
    expect(log.owner?.rec).toEqual([owner.did, ownerBackup.did]);
    expect(log.window).toBe(72 * HOUR);
    expect(log.currentKey).toEqual({
      key: agent.did,
      kid: agent.kid,
      installedBy: 0,
      validFrom: T0,
    });
    expect(log.keyAt(T0 - 1)).toBeUndefined();
    expect(log.keyAt(T0)?.key).toBe(agent.did);
    expect(log.head).toBe(tokenHash(full.records[0]!.event));
    expect(log.sequence).toBe(0);
  });

  it("refuses an owner certificate for another agent", () => {
    const cert = ownerCertificate({ key: testAgent("kel-other"), owner, at: T0 })!;
    const event = signInception({ ins: 1, own: cert, iat: T0 }, { signer: agent.signer });
    expect(refusal({ records: [{ event }], receivedAt: [T0] })).toEqual({
      code: "ERR_KEL_MALFORMED",
      index: 0,
    });
  });

  it("refuses an owner certificate whose signature does not verify", () => {
    const cert = ownerCertificate({ key: agent, owner, at: T0 })!;
    const forged = `${cert.slice(0, -6)}${cert.slice(-6) === "AAAAAA" ? "BBBBBB" : "AAAAAA"}`;
    const event = signInception({ ins: 1, own: forged, iat: T0 }, { signer: agent.signer });
    expect(refusal({ records: [{ event }], receivedAt: [T0] }).code).toBe(
      "ERR_KEL_SIGNATURE_INVALID",
    );
  });

  it("refuses an inception signed by a key other than the one it names", () => {
    const [, payload] = full.records[0]!.event.split(".");
    const other = incept({ key: thief, at: T0 }).records[0]!.event.split(".");
    const event = `${other[0]}.${payload}.${other[2]}`;
    expect(refusal({ records: [{ event }], receivedAt: [T0] }).code).toBe(
      "ERR_KEL_SIGNATURE_INVALID",
    );
  });
});

describe("verifyKeyEventLog: rotation", () => {
  it("keeps the agent ID and moves every later time to the new key on a routine rotation", () => {
    const log = verifyDraft(
      rotate(full, { by: next, auth: "next", to: hot2, next: next2, at: T0 + HOUR }),
    );
    expect(log.agent).toBe(agent.did);
    expect(log.currentKey.key).toBe(hot2.did);
    expect(log.nextKeyDigest).toBe(next2.kid);
    expect(log.keyAt(T0 + HOUR - 1)?.key).toBe(agent.did);
    expect(log.keyAt(T0 + HOUR)?.key).toBe(hot2.did);
    expect(log.revokedKeys).toEqual([
      {
        key: agent.did,
        kid: agent.kid,
        installedBy: 0,
        validFrom: T0,
        validUntil: T0 + HOUR,
        revocation: { reason: "routine", at: T0 + HOUR, byEvent: 1 },
      },
    ]);
  });

  it("lets the next key make itself current, as in KERI", () => {
    const log = verifyDraft(
      rotate(full, { by: next, auth: "next", to: next, next: next2, at: T0 + 1 }),
    );
    expect(log.currentKey.key).toBe(next.did);
  });

  it("refuses a thief holding only the current key when a next key was committed", () => {
    const stolen = rotate(full, { by: agent, auth: "next", to: thief, at: T0 + HOUR });
    expect(refusal(stolen)).toEqual({ code: "ERR_KEL_DIGEST_MISMATCH", index: 1 });
  });

  it("refuses a next-key rotation when no next key was committed", () => {
    const bare = incept({ key: agent, at: T0 });
    expect(refusal(rotate(bare, { by: agent, auth: "next", to: thief, at: T0 + 1 })).code).toBe(
      "ERR_KEL_WRONG_SIGNER",
    );
  });

  it("recovers with an owner key after theft, refusing the stolen key from the compromise on", () => {
    const draft = rotate(full, {
      by: owner,
      auth: "owner",
      to: recovered,
      next: next2,
      compromisedSince: T0 + 2 * HOUR,
      at: T0 + 5 * HOUR,
    });
    const log = verifyDraft(draft);
    expect(log.currentKey.key).toBe(recovered.did);
    expect(log.events[1]).toMatchObject({ authority: "owner", rank: 3, reason: "compromise" });
    expect(log.keyAt(T0 + 2 * HOUR - 1)?.key).toBe(agent.did);
    expect(log.keyAt(T0 + 2 * HOUR)).toBeUndefined();
    expect(log.keyAt(T0 + 5 * HOUR)?.key).toBe(recovered.did);
    expect(log.revokedKeys[0]?.revocation).toEqual({
      reason: "compromise",
      at: T0 + 5 * HOUR,
      byEvent: 1,
      compromisedSince: T0 + 2 * HOUR,
    });
  });

  it("refuses a key that is not an owner recovery key", () => {
    const draft = rotate(full, { by: thief, auth: "owner", to: thief, at: T0 + 1 });
    expect(refusal(draft)).toEqual({ code: "ERR_KEL_WRONG_SIGNER", index: 1 });
  });

  it("recovers with 2 of 3 guardians", () => {
    const draft = rotate(full, {
      by: g1,
      auth: "guardians",
      to: recovered,
      approvals: [g3],
      at: T0 + 1,
    });
    const log = verifyDraft(draft);
    expect(log.currentKey.key).toBe(recovered.did);
    expect(log.events[1]).toMatchObject({ rank: 1, signers: [g1.did, g3.did] });
  });

  it("refuses 1 of 3 guardians, counting a guardian who approves its own rotation once", () => {
    const alone = rotate(full, { by: g1, auth: "guardians", to: recovered, at: T0 + 1 });
    expect(refusal(alone)).toEqual({ code: "ERR_KEL_THRESHOLD_NOT_MET", index: 1 });
    const twice = rotate(full, {
      by: g1,
      auth: "guardians",
      to: recovered,
      approvals: [g1],
      at: T0 + 1,
    });
    expect(refusal(twice).code).toBe("ERR_KEL_THRESHOLD_NOT_MET");
  });

  it("refuses an approval by a non-guardian and an approval of another event", () => {
    const outsider = rotate(full, {
      by: g1,
      auth: "guardians",
      to: recovered,
      approvals: [thief],
      at: T0 + 1,
    });
    expect(refusal(outsider).code).toBe("ERR_KEL_WRONG_SIGNER");
    const good = rotate(full, {
      by: g1,
      auth: "guardians",
      to: recovered,
      approvals: [g2],
      at: T0 + 1,
    });
    const other = rotate(full, { by: g1, auth: "guardians", to: hot2, at: T0 + 1 });
    const moved: LogDraft = {
      records: [
        full.records[0]!,
        { event: other.records[1]!.event, approvals: good.records[1]!.approvals! },
      ],
      receivedAt: good.receivedAt,
    };
    expect(refusal(moved).code).toBe("ERR_KEL_MALFORMED");
  });

  it("refuses a rotation back to a key the log already used", () => {
    const draft = rotate(full, { by: next, auth: "next", to: agent, at: T0 + 1 });
    expect(refusal(draft).code).toBe("ERR_KEL_KEY_REUSED");
  });
});

describe("verifyKeyEventLog: overrides", () => {
  // The thief stole the off-host next key and rotated to a key of their own.
  const stolenNext = rotate(full, {
    by: next,
    auth: "next",
    to: thief,
    next: testAgent("kel-thief-next"),
    at: T0 + HOUR,
  });

  it("lets the owner undo a next-key rotation within the window", () => {
    const draft = rotate(stolenNext, {
      by: owner,
      auth: "owner",
      to: recovered,
      next: next2,
      overrides: 1,
      at: T0 + HOUR + 71 * HOUR,
    });
    const log: KeyEventLog = verifyDraft(draft);
    expect(log.currentKey.key).toBe(recovered.did);
    expect(log.events[1]?.undoneBy).toBe(2);
    expect(log.events[2]?.overrides).toBe(1);
    const thiefKey = log.keys.find((key) => key.key === thief.did);
    expect(thiefKey?.revocation).toEqual({
      reason: "overridden",
      at: T0 + 72 * HOUR,
      byEvent: 2,
      compromisedSince: T0 + HOUR,
    });
    // Undone, the thief's rotation never displaced the inception key.
    expect(log.keyAt(T0 + 2 * HOUR)?.key).toBe(agent.did);
    expect(log.keyAt(T0 + 72 * HOUR)?.key).toBe(recovered.did);
  });

  it("refuses the override once the window has passed, and the rotation is final", () => {
    const late = rotate(stolenNext, {
      by: owner,
      auth: "owner",
      to: recovered,
      overrides: 1,
      at: T0 + HOUR + 72 * HOUR,
    });
    expect(refusal(late)).toEqual({ code: "ERR_KEL_WINDOW_EXCEEDED", index: 2 });
  });

  it("measures the window by receipt times, never by times the signers wrote", () => {
    const late = rotate(stolenNext, {
      by: owner,
      auth: "owner",
      to: recovered,
      overrides: 1,
      at: T0 + 100 * HOUR,
    });
    // Same events, receipt times moved: the override now arrives within the window.
    const timely = { ...late, receivedAt: [T0, T0 + 90 * HOUR, T0 + 100 * HOUR] };
    expect(verifyDraft(timely).currentKey.key).toBe(recovered.did);
  });

  it("lets guardians undo a next-key rotation, and the owner undo the guardians", () => {
    const byGuardians = rotate(stolenNext, {
      by: g2,
      auth: "guardians",
      to: hot2,
      approvals: [g3],
      overrides: 1,
      at: T0 + 2 * HOUR,
    });
    const byOwner = rotate(byGuardians, {
      by: ownerBackup,
      auth: "owner",
      to: recovered,
      overrides: 2,
      at: T0 + 3 * HOUR,
    });
    const log = verifyDraft(byOwner);
    expect(log.currentKey.key).toBe(recovered.did);
    expect(log.events.map((event) => event.undoneBy)).toEqual([undefined, 2, 3, undefined]);
    expect(log.revokedKeys.map((key) => key.revocation?.reason)).toEqual([
      "routine",
      "overridden",
      "overridden",
    ]);
  });

  it("refuses an override that does not outrank what it undoes", () => {
    const byOwner = rotate(full, { by: ownerBackup, auth: "owner", to: hot2, at: T0 + 1 });
    const byGuardians = rotate(byOwner, {
      by: g1,
      auth: "guardians",
      to: recovered,
      approvals: [g2],
      overrides: 1,
      at: T0 + 2,
    });
    expect(refusal(byGuardians)).toEqual({ code: "ERR_KEL_RANK_NOT_HIGHER", index: 2 });
    // Ranked owner keys: the first listed outranks the second.
    const byFirst = rotate(byOwner, {
      by: owner,
      auth: "owner",
      to: recovered,
      overrides: 1,
      at: T0 + 2,
    });
    expect(verifyDraft(byFirst).currentKey.key).toBe(recovered.did);
  });

  it("refuses an override that names an event already undone", () => {
    const undone = rotate(stolenNext, {
      by: owner,
      auth: "owner",
      to: hot2,
      overrides: 1,
      at: T0 + 2 * HOUR,
    });
    const again = rotate(undone, {
      by: owner,
      auth: "owner",
      to: recovered,
      overrides: 1,
      at: T0 + 3 * HOUR,
    });
    expect(refusal(again)).toEqual({ code: "ERR_KEL_AFTER_FINAL", index: 3 });
  });

  it("refuses an override of the inception or of an event not in the log", () => {
    const inception = rotate(full, {
      by: owner,
      auth: "owner",
      to: hot2,
      overrides: 0,
      at: T0 + 1,
    });
    expect(refusal(inception).code).toBe("ERR_KEL_MALFORMED");
  });
});

describe("verifyKeyEventLog: tampering and order", () => {
  const two = rotate(rotate(full, { by: next, auth: "next", to: hot2, next: next2, at: T0 + 1 }), {
    by: next2,
    auth: "next",
    to: recovered,
    at: T0 + 2,
  });

  it("verifies the untouched log", () => {
    expect(verifyDraft(two).sequence).toBe(2);
  });

  it("refuses a reordered log with ERR_KEL_OUT_OF_ORDER", () => {
    const swapped = {
      records: [two.records[0]!, two.records[2]!, two.records[1]!],
      receivedAt: two.receivedAt,
    };
    expect(refusal(swapped)).toEqual({ code: "ERR_KEL_OUT_OF_ORDER", index: 1 });
  });

  it("refuses an event replaced by another validly signed one with ERR_KEL_CHAIN_BROKEN", () => {
    const fork = rotate(full, { by: next, auth: "next", to: thief, next: next2, at: T0 + 1 });
    const spliced = {
      records: [two.records[0]!, fork.records[1]!, two.records[2]!],
      receivedAt: two.receivedAt,
    };
    expect(refusal(spliced)).toEqual({ code: "ERR_KEL_CHAIN_BROKEN", index: 2 });
  });

  it("refuses a changed payload with ERR_KEL_SIGNATURE_INVALID", () => {
    const [header, payload, signature] = two.records[1]!.event.split(".") as [
      string,
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    claims.iat += 1;
    const changed = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const tampered = {
      records: [two.records[0]!, { event: changed }, two.records[2]!],
      receivedAt: two.receivedAt,
    };
    expect(refusal(tampered)).toEqual({ code: "ERR_KEL_SIGNATURE_INVALID", index: 1 });
  });

  it("refuses receipt times that go backwards or do not match the events", () => {
    expect(refusal({ ...two, receivedAt: [T0, T0 + 2, T0 + 1] }).code).toBe("ERR_KEL_MALFORMED");
    expect(refusal({ ...two, receivedAt: [T0, T0 + 1] }).code).toBe("ERR_KEL_MALFORMED");
  });

  it("refuses a rotation in another agent's log", () => {
    const event = signRotation(
      {
        iss: thief.did,
        s: 1,
        p: tokenHash(full.records[0]!.event),
        k: hot2.did,
        auth: "next",
        rsn: "routine",
        iat: T0,
      },
      { signer: next.signer },
    );
    expect(refusal({ records: [full.records[0]!, { event }], receivedAt: [T0, T0 + 1] }).code).toBe(
      "ERR_KEL_MALFORMED",
    );
  });
});

describe("extendKeyEventLog", () => {
  const rotated = rotate(full, { by: next, auth: "next", to: hot2, next: next2, at: T0 + HOUR });
  const overridden = rotate(rotated, {
    by: owner,
    auth: "owner",
    to: recovered,
    overrides: 1,
    at: T0 + 2 * HOUR,
  });

  // Verifies the first `count` events in full, then the rest as an extension.
  function extended(draft: LogDraft, count: number): KeyEventLog {
    const start = verifyKeyEventLog(draft.records.slice(0, count), {
      receivedAt: draft.receivedAt.slice(0, count),
    });
    return extendKeyEventLog(start, draft.records.slice(count), {
      receivedAt: draft.receivedAt.slice(count),
    });
  }

  it("gives the same log as verifying every event again, overrides included", () => {
    for (const draft of [rotated, overridden]) {
      const whole = verifyDraft(draft);
      for (let count = 1; count < draft.records.length; count++) {
        const log = extended(draft, count);
        expect(log.events).toEqual(whole.events);
        expect(log.currentKey).toEqual(whole.currentKey);
        expect(log.keys).toEqual(whole.keys);
        expect(log.head).toBe(whole.head);
        expect(log.keyAt(T0 + HOUR + 1)?.key).toBe(whole.keyAt(T0 + HOUR + 1)?.key);
      }
    }
  });

  it("leaves the log it extends as it was", () => {
    const before = verifyDraft(rotated);
    const events = structuredClone(before.events);
    const after = extendKeyEventLog(before, overridden.records.slice(2), {
      receivedAt: overridden.receivedAt.slice(2),
    });
    expect(after.events[1]?.undoneBy).toBe(2);
    expect(before.events).toEqual(events);
    expect(before.currentKey.key).toBe(hot2.did);
  });

  it("refuses what a full verification refuses, with the event's index", () => {
    const start = verifyDraft(full);
    const thiefRotation = rotate(full, { by: thief, auth: "next", to: thief, at: T0 + HOUR });
    expect(() =>
      extendKeyEventLog(start, thiefRotation.records.slice(1), {
        receivedAt: thiefRotation.receivedAt.slice(1),
      }),
    ).toThrow(expect.objectContaining({ code: refusal(thiefRotation).code }));
    expect(() =>
      extendKeyEventLog(start, rotated.records.slice(1), { receivedAt: [T0 - 1] }),
    ).toThrow(expect.objectContaining({ code: "ERR_KEL_MALFORMED" }));
  });

  it("refuses a log it did not verify", () => {
    const forged = { ...verifyDraft(full) };
    expect(() =>
      extendKeyEventLog(forged, rotated.records.slice(1), {
        receivedAt: rotated.receivedAt.slice(1),
      }),
    ).toThrow(expect.objectContaining({ code: "ERR_KEL_MALFORMED" }));
  });
});
