import { createHash } from "node:crypto";
import {
  createSigner,
  didFromPublicKey,
  encodeBase64url,
  signDelegation,
  signInvocation,
} from "@ants/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { ants, antsBinary, freshHome } from "../support/run-cli.ts";

const PASS = { ANTS_PASSPHRASE: "correct horse" };
const agents = {
  alice: { home: "", id: "" },
  bob: { home: "", id: "" },
  carol: { home: "", id: "" },
};

beforeAll(async () => {
  for (const agent of Object.values(agents)) {
    agent.home = await freshHome();
    agent.id = (await ants(["init", "--home", agent.home], PASS)).stdout.trim();
  }
});

async function delegate(from: { home: string }, args: string[]) {
  return ants(["delegate", "--home", from.home, "--json", ...args], PASS);
}

function json(text: string) {
  return JSON.parse(text.trim());
}

describe("ants delegate and ants token verify", () => {
  it("delegates, narrows with --parent, and verifies the chain against arguments", async () => {
    const { alice, bob, carol } = agents;
    const policy = '[["<=", ".length", 280]]';
    const root = json(
      (
        await delegate(alice, [
          "--to",
          bob.id,
          "--cmd",
          "/twitter",
          "--policy",
          policy,
          "--expires",
          "2h",
          "--approvers",
          carol.id,
          "--min-level",
          "1",
        ])
      ).stdout,
    );
    expect(root.token.split(".")).toHaveLength(3);
    const child = json(
      (await delegate(bob, ["--to", carol.id, "--cmd", "/twitter/post", "--parent", root.token]))
        .stdout,
    );
    const verified = await ants([
      "token",
      "verify",
      root.token,
      child.token,
      "--args",
      '{"length": 12}',
      "--json",
    ]);
    expect(verified.status).toBe(0);
    expect(json(verified.stdout)).toMatchObject({
      valid: true,
      principal: alice.id,
      delegate: carol.id,
      command: "/twitter/post",
      depth: 2,
      minLevel: 1,
      tokenHashes: [root.hash, child.hash],
    });
    const refused = await ants([
      "token",
      "verify",
      root.token,
      child.token,
      "--args",
      '{"length": 1000}',
      "--json",
    ]);
    expect(json(refused.stdout)).toMatchObject({ valid: false, code: "ERR_POLICY_FAILED" });
    expect(refused.status).toBe(17);
  });

  it("refuses a widening child at creation with the chain's code and exit status", async () => {
    const { alice, bob, carol } = agents;
    const root = json((await delegate(alice, ["--to", bob.id, "--cmd", "/twitter"])).stdout);
    const sibling = await delegate(bob, [
      "--to",
      carol.id,
      "--cmd",
      "/twitterx",
      "--parent",
      root.token,
    ]);
    expect(json(sibling.stdout).error.code).toBe("ERR_CHAIN_CMD_WIDENED");
    expect(sibling.status).toBe(18);
    const longer = await delegate(bob, [
      "--to",
      carol.id,
      "--cmd",
      "/twitter",
      "--parent",
      root.token,
      "--expires",
      "2h",
    ]);
    expect(json(longer.stdout).error.code).toBe("ERR_CHAIN_OUTLIVES_PARENT");
    const notMine = await delegate(carol, [
      "--to",
      bob.id,
      "--cmd",
      "/twitter",
      "--parent",
      root.token,
    ]);
    expect(json(notMine.stdout).error.code).toBe("ERR_CHAIN_LINK_MISMATCH");
  });

  it("refuses bad option values as usage errors", async () => {
    const { alice, bob } = agents;
    for (const args of [
      ["--expires", "soon"],
      ["--depth", "-1"],
      ["--approvals", "2"],
      ["--policy", "{not json"],
      ["--on-behalf-of", bob.id],
    ]) {
      const result = await delegate(alice, ["--to", bob.id, "--cmd", "/x", ...args]);
      expect(json(result.stdout).error.code, args.join(" ")).toBe("ERR_USAGE");
      expect(result.status).toBe(2);
    }
  });

  it("reports a reordered chain and a malformed token as invalid, never a stack trace", async () => {
    const { alice, bob, carol } = agents;
    const root = json((await delegate(alice, ["--to", bob.id, "--cmd", "/mail"])).stdout);
    const child = json(
      (await delegate(bob, ["--to", carol.id, "--cmd", "/mail", "--parent", root.token])).stdout,
    );
    const reordered = await ants(["token", "verify", child.token, root.token, "--json"]);
    expect(json(reordered.stdout)).toMatchObject({
      valid: false,
      code: "ERR_CHAIN_PROOF_MISMATCH",
    });
    expect(reordered.status).toBe(18);
    const garbage = await antsBinary(["token", "verify", "not-a-token"]);
    expect(garbage.status).toBe(1);
    expect(garbage.stdout).toContain(
      "invalid: token: expected header.payload.signature (ERR_JWS_MALFORMED)",
    );
    expect(garbage.stderr).not.toContain("    at ");
  });
});

describe("ants token verify with an invocation", () => {
  const seed = (name: string) => new Uint8Array(createHash("sha256").update(name).digest());
  const [alice, dan, session, relay] = ["alice", "dan", "dan-session", "relay"].map((n) =>
    createSigner(seed(n)),
  ) as [
    ReturnType<typeof createSigner>,
    ReturnType<typeof createSigner>,
    ReturnType<typeof createSigner>,
    ReturnType<typeof createSigner>,
  ];
  const now = Math.floor(Date.now() / 1000);
  const root = signDelegation(
    { aud: didFromPublicKey(dan.publicKey), cmd: "/svc", exp: now + 600 },
    { signer: alice },
  );
  const invocation = signInvocation(
    {
      iss: didFromPublicKey(dan.publicKey),
      sub: didFromPublicKey(alice.publicKey),
      aud: didFromPublicKey(relay.publicKey),
      cmd: "/svc/run",
      args: { n: 1 },
      delegations: [root],
      htm: "POST",
      htu: "https://relay.test/v1/authorize",
    },
    { signer: session },
  );

  it("verifies the session-signed invocation with --session-key and --audience", async () => {
    const result = await ants([
      "token",
      "verify",
      root,
      invocation,
      "--json",
      "--audience",
      didFromPublicKey(relay.publicKey),
      "--session-key",
      encodeBase64url(session.publicKey),
    ]);
    expect(json(result.stdout)).toMatchObject({
      valid: true,
      actor: didFromPublicKey(dan.publicKey),
      command: "/svc/run",
      audienceChecked: true,
    });
  });

  it("refuses it under the actor's identity key and for another audience", async () => {
    const identity = await ants(["token", "verify", root, invocation, "--json"]);
    expect(json(identity.stdout)).toMatchObject({ valid: false, code: "ERR_JWS_KID_MISMATCH" });
    expect(identity.status).toBe(14);
    const other = await ants([
      "token",
      "verify",
      root,
      invocation,
      "--json",
      "--audience",
      didFromPublicKey(alice.publicKey),
      "--session-key",
      encodeBase64url(session.publicKey),
    ]);
    expect(json(other.stdout).code).toBe("ERR_INVOCATION_AUDIENCE");
  });
});

describe("ants token inspect", () => {
  it("decodes a token without verifying it, with times in ISO 8601", async () => {
    const { alice, bob } = agents;
    const root = json(
      (await delegate(alice, ["--to", bob.id, "--cmd", "/mail", "--expires", "90s"])).stdout,
    );
    const inspected = json((await ants(["token", "inspect", root.token, "--json"])).stdout);
    expect(inspected).toMatchObject({
      header: { alg: "EdDSA", typ: "ants-dlg+jwt" },
      hash: root.hash,
      signatureBytes: 64,
    });
    expect(inspected.payload.exp - inspected.payload.iat).toBe(90);
    const human = await ants(["token", "inspect", root.token]);
    expect(human.stdout).toContain("type:    ants-dlg+jwt (delegation)");
    expect(human.stdout).toMatch(/exp: {5}\d+ \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)/);
    const bad = await ants(["token", "inspect", "a.b", "--json"]);
    expect(json(bad.stdout).error.code).toBe("ERR_JWS_MALFORMED");
  });
});
