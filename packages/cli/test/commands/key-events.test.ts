import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  openKeystoreFile,
  prepareRotation,
  readKeyEventLogFile,
  verifyKeyEventLogDocument,
  withApprovals,
  writeKeyEventLogFile,
} from "@ants/client";
import { generateKeyPair, jwkThumbprint, verifyOwnerCertificate } from "@ants/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../src/exit-codes.ts";
import { ants, antsBinary, freshHome } from "../support/run-cli.ts";

const PW = { ANTS_PASSPHRASE: "pw" };
/** An agent created with --pre-rotate, and an owner with an identity of their own. */
const agent = { home: "", id: "" };
const owner = { home: "", id: "" };

beforeAll(async () => {
  agent.home = await freshHome();
  const init = await ants(
    ["init", "--home", agent.home, "--pre-rotate", "--instances", "2", "--json"],
    PW,
  );
  agent.id = JSON.parse(init.stdout).id;
  owner.home = await freshHome();
  owner.id = JSON.parse((await ants(["init", "--home", owner.home, "--json"], PW)).stdout).id;
});

describe("ants init", () => {
  it("--pre-rotate writes the next key apart and commits to it in a signed inception", async () => {
    const nextPath = join(agent.home, "next-key.age");
    expect((await stat(nextPath)).mode & 0o777).toBe(0o600);
    const next = await openKeystoreFile(nextPath, "pw");
    const log = verifyKeyEventLogDocument(
      await readKeyEventLogFile(join(agent.home, "key-events.json")),
    );
    expect(log.agent).toBe(agent.id);
    expect(log.instances).toBe(2);
    expect(log.nextKeyDigest).toBe(jwkThumbprint(next.publicKey));
    expect(next.did).not.toBe(agent.id);
  });

  it("without --pre-rotate signs an inception with no next key", async () => {
    const log = verifyKeyEventLogDocument(
      await readKeyEventLogFile(join(owner.home, "key-events.json")),
    );
    expect(log.agent).toBe(owner.id);
    expect(log.nextKeyDigest).toBeUndefined();
  });

  it.each([["0"], ["1025"], ["two"]])("refuses --instances %s with ERR_USAGE", async (value) => {
    const result = await ants(["init", "--home", await freshHome(), "--instances", value], PW);
    expect(result.status).toBe(EXIT_CODES.ERR_USAGE);
  });
});

describe("ants owner certify", () => {
  it("writes a certificate naming the agent, the guardians and the window", async () => {
    const g = [agent.id, owner.id];
    const out = join(await freshHome(), "cert.jws");
    const args = ["owner", "certify", agent.id, "--home", owner.home, "--out", out, "--json"];
    const result = await ants(
      [...args, "--guardians", g.join(","), "--threshold", "2", "--window", "48h"],
      PW,
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      file: out,
      agent: agent.id,
      owner: owner.id,
      window: 172_800,
    });
    const { claims } = verifyOwnerCertificate((await readFile(out, "utf8")).trim());
    expect(claims).toMatchObject({
      iss: owner.id,
      sub: agent.id,
      rec: [owner.id],
      win: 172_800,
      grd: { k: 2, of: g },
    });
  });

  it.each([
    ["--guardians without --threshold", ["--guardians", "did:key:z6Mk"]],
    ["--threshold without --guardians", ["--threshold", "1"]],
    ["a threshold above the guardians", ["--guardians", "a,b", "--threshold", "3"]],
    ["a window over 30 days", ["--window", "31d"]],
    ["a window without a number", ["--window", "h"]],
  ])("refuses %s with ERR_USAGE", async (_label, extra) => {
    const out = join(await freshHome(), "cert.jws");
    const result = await ants(
      ["owner", "certify", agent.id, "--home", owner.home, "--out", out, ...extra],
      PW,
    );
    expect(result.status).toBe(EXIT_CODES.ERR_USAGE);
  });

  it("refuses an agent that is not a did:key, and an existing file without --force", async () => {
    const out = join(await freshHome(), "cert.jws");
    const base = ["owner", "certify", "--home", owner.home, "--out", out, "--json"];
    const bad = await ants([...base.slice(0, 2), "did:web:agent.example", ...base.slice(2)], PW);
    expect(JSON.parse(bad.stdout).error.code).toBe("ERR_TOKEN_CLAIM_INVALID");
    await writeFile(out, "x");
    const exists = await ants([...base.slice(0, 2), agent.id, ...base.slice(2)], PW);
    expect(exists.status).toBe(EXIT_CODES.ERR_IO);
  });
});

describe("ants keylog", () => {
  it("prints the verified history of the local log", async () => {
    const result = await ants(["keylog", agent.id, "--home", agent.home, "--json"]);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ id: agent.id, instances: 2, sequence: 0, owner: null });
    expect(output.currentKey.key).toBe(agent.id);
    const human = await ants(["keylog", agent.id, "--home", agent.home]);
    expect(human.stdout).toContain(
      `id:        ${agent.id}\ninstances: 2\nowner:     none\nnext key:  committed`,
    );
  });

  it("shows a rotation by the next key and the key it revoked", async () => {
    const document = await readKeyEventLogFile(join(agent.home, "key-events.json"));
    const next = await openKeystoreFile(join(agent.home, "next-key.age"), "pw");
    const fresh = generateKeyPair();
    const at = document.events[0]!.receivedAt + 60;
    const event = prepareRotation(document, {
      signer: next.signer,
      auth: "next",
      newPublicKey: fresh.publicKey,
      now: at,
    });
    const file = join(await freshHome(), "log.json");
    await writeKeyEventLogFile(file, withApprovals(document, event, [], at));
    const result = await ants(["keylog", agent.id, "--file", file, "--json"]);
    const output = JSON.parse(result.stdout);
    expect(
      output.keys.map((key: { revocation?: { reason: string } }) => key.revocation?.reason),
    ).toEqual(["routine", undefined]);
    expect(output.nextKeyDigest).toBeNull();
  });

  it("refuses the log of another agent and a tampered log with their codes", async () => {
    const wrong = await ants(["keylog", owner.id, "--home", agent.home, "--json"]);
    expect(JSON.parse(wrong.stdout).error.code).toBe("ERR_KEL_MALFORMED");
    const document = await readKeyEventLogFile(join(agent.home, "key-events.json"));
    const event = document.events[0]!.event;
    const tampered = `${event.slice(0, -2)}${event.endsWith("AA") ? "BA" : "AA"}`;
    const file = join(await freshHome(), "log.json");
    await writeKeyEventLogFile(file, {
      ...document,
      events: [{ ...document.events[0]!, event: tampered }],
    });
    const result = await antsBinary(["keylog", agent.id, "--file", file, "--json"]);
    expect(result.status).toBe(EXIT_CODES.ERR_KEL_SIGNATURE_INVALID);
    expect(JSON.parse(result.stdout).error.code).toBe("ERR_KEL_SIGNATURE_INVALID");
  });
});
