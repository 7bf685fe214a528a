import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  signOwnerCertificate,
} from "@ants/protocol";
import { describe, expect, it } from "vitest";
import {
  approveGuardianRotation,
  createInception,
  type KeyEventLogDocument,
  prepareRotation,
  readKeyEventLogFile,
  verifyKeyEventLogDocument,
  withApprovals,
  writeKeyEventLogFile,
} from "../../src/index.ts";

const T0 = 1_767_225_600;

function key(name: string): Ed25519Signer {
  return createSigner(new Uint8Array(createHash("sha256").update(`client-kel/${name}`).digest()));
}

const agent = key("agent");
const next = key("next");
const hot = key("hot");
const next2 = key("next-2");
const owner = key("owner");
const g1 = key("g1");
const g2 = key("g2");
const g3 = key("g3");
const thief = key("thief");
const did = (signer: Ed25519Signer) => didFromPublicKey(signer.publicKey);

const certificate = signOwnerCertificate(
  { sub: did(agent), grd: { k: 2, of: [did(g1), did(g2), did(g3)] }, iat: T0 },
  { signer: owner },
);
const document = createInception({
  signer: agent,
  nextPublicKey: next.publicKey,
  instances: 2,
  ownerCertificate: certificate,
  now: T0,
});

function codeOf(operation: () => unknown): unknown {
  try {
    operation();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return "no error";
}

describe("createInception", () => {
  it("signs an inception whose log is the agent's, with the next key committed", () => {
    const log = verifyKeyEventLogDocument(document);
    expect(document.id).toBe(did(agent));
    expect(log.instances).toBe(2);
    expect(log.nextKeyDigest).toHaveLength(43);
    expect(log.owner?.grd?.k).toBe(2);
  });
});

describe("prepareRotation", () => {
  it("rotates with the next key to a new current key, keeping the agent ID", () => {
    const event = prepareRotation(document, {
      signer: next,
      auth: "next",
      newPublicKey: hot.publicKey,
      nextPublicKey: next2.publicKey,
      now: T0 + 60,
    });
    const updated = withApprovals(document, event, [], T0 + 60);
    const log = verifyKeyEventLogDocument(updated);
    expect(log.agent).toBe(did(agent));
    expect(log.currentKey.key).toBe(did(hot));
  });

  it("refuses, before anything is sent, a thief who holds only the current key", () => {
    const attempt = () =>
      prepareRotation(document, {
        signer: agent,
        auth: "next",
        newPublicKey: thief.publicKey,
        now: T0 + 1,
      });
    expect(codeOf(attempt)).toBe("ERR_KEL_DIGEST_MISMATCH");
  });

  it("collects guardian approvals until 2 of 3 have signed", () => {
    const event = prepareRotation(document, {
      signer: g1,
      auth: "guardians",
      newPublicKey: hot.publicKey,
      compromisedSince: T0,
      now: T0 + 10,
    });
    expect(codeOf(() => withApprovals(document, event, [], T0 + 10))).toBe(
      "ERR_KEL_THRESHOLD_NOT_MET",
    );
    const approval = approveGuardianRotation(event, { signer: g3, now: T0 + 20 });
    const log = verifyKeyEventLogDocument(withApprovals(document, event, [approval], T0 + 20));
    expect(log.currentKey.key).toBe(did(hot));
    expect(log.keyAt(T0)).toBeUndefined();
  });

  it("refuses to approve anything but a guardian rotation", () => {
    const event = prepareRotation(document, {
      signer: next,
      auth: "next",
      newPublicKey: hot.publicKey,
      now: T0,
    });
    expect(codeOf(() => approveGuardianRotation(event, { signer: g2 }))).toBe("ERR_KEL_MALFORMED");
    expect(codeOf(() => approveGuardianRotation("not a token", { signer: g2 }))).toBe(
      "ERR_JWS_MALFORMED",
    );
  });

  it("lets the owner override a next-key rotation", () => {
    const stolen = prepareRotation(document, {
      signer: next,
      auth: "next",
      newPublicKey: thief.publicKey,
      now: T0 + 5,
    });
    const afterTheft = withApprovals(document, stolen, [], T0 + 5);
    const event = prepareRotation(afterTheft, {
      signer: owner,
      auth: "owner",
      newPublicKey: hot.publicKey,
      overrides: 1,
      now: T0 + 3600,
    });
    const log = verifyKeyEventLogDocument(withApprovals(afterTheft, event, [], T0 + 3600));
    expect(log.events[1]?.undoneBy).toBe(2);
    expect(
      codeOf(() =>
        prepareRotation(afterTheft, {
          signer: owner,
          auth: "owner",
          newPublicKey: hot.publicKey,
          overrides: 9,
        }),
      ),
    ).toBe("ERR_KEL_MALFORMED");
  });
});

describe("key event log files", () => {
  it("writes and reads back a log, and refuses one for another agent", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "ants-kel-")), "key-events.json");
    await writeKeyEventLogFile(path, document);
    const read = await readKeyEventLogFile(path);
    expect(read).toEqual(document);
    const other: KeyEventLogDocument = { ...read, id: did(thief) };
    expect(codeOf(() => verifyKeyEventLogDocument(other))).toBe("ERR_KEL_MALFORMED");
  });

  it.each([
    ["not JSON", "{"],
    ["a duplicate member", '{"id":"a","id":"b","events":[]}'],
    ["no events", '{"id":"did:key:z6Mk"}'],
    [
      "a receipt time that is not an integer",
      '{"id":"x","events":[{"event":"a.b.c","receivedAt":"now"}]}',
    ],
  ])("refuses a file with %s as ERR_KEL_MALFORMED", async (_label, text) => {
    const path = join(await mkdtemp(join(tmpdir(), "ants-kel-")), "key-events.json");
    await writeFile(path, text);
    await expect(readKeyEventLogFile(path)).rejects.toMatchObject({ code: "ERR_KEL_MALFORMED" });
  });

  it("reports a missing file as ERR_IO", async () => {
    await expect(readKeyEventLogFile("/nonexistent/key-events.json")).rejects.toMatchObject({
      code: "ERR_IO",
    });
  });
});
