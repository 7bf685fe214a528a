import { execFile } from "node:child_process";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { publicKeyFromDid, publicKeyToJwk } from "@ants/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.ts";

const BIN = join(import.meta.dirname, "..", "bin", "ants.js");
const run = promisify(execFile);
let home: string;

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real binary with a cheap scrypt work factor and no terminal on stdin. */
async function ants(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const fullEnv = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "4",
    ...env,
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: fullEnv });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "ants-cli-"));
});

describe("ants init", () => {
  it("creates a 0600 keystore under --home and prints the agent ID", async () => {
    const result = await ants(["init", "--home", home], { ANTS_PASSPHRASE: "pw" });
    expect(result.status).toBe(0);
    const id = result.stdout.trim();
    expect(id).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/);
    expect(() => publicKeyFromDid(id)).not.toThrow();
    expect((await stat(join(home, "identity.age"))).mode & 0o777).toBe(0o600);
    expect(result.stderr).toContain("ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS is set");
  });

  it('prints {"id"} with --json and uses ANTS_HOME', async () => {
    const result = await ants(["init", "--json"], { ANTS_HOME: home, ANTS_PASSPHRASE: "pw" });
    expect(result.status).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout))).toEqual(["id"]);
  });

  it("refuses to overwrite an identity without --force, and replaces it with --force", async () => {
    const env = { ANTS_PASSPHRASE: "pw" };
    const first = await ants(["init", "--home", home, "--json"], env);
    const again = await ants(["init", "--home", home, "--json"], env);
    expect(again.status).toBe(EXIT_CODES.ERR_KEYSTORE_EXISTS);
    expect(JSON.parse(again.stdout).error.code).toBe("ERR_KEYSTORE_EXISTS");
    const forced = await ants(["init", "--home", home, "--json", "--force"], env);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout).id).not.toBe(JSON.parse(first.stdout).id);
  });

  it("refuses with ERR_KEYSTORE_PASSPHRASE_MISSING when there is no passphrase and no terminal", async () => {
    const result = await ants(["init", "--home", home]);
    expect(result.status).toBe(EXIT_CODES.ERR_KEYSTORE_PASSPHRASE_MISSING);
    expect(result.stderr).toMatch(
      /ants: passphrase: none given.*\(ERR_KEYSTORE_PASSPHRASE_MISSING\)/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("ants whoami", () => {
  it("unlocks with --passphrase-file and prints id, kid and publicKeyJwk", async () => {
    const passphraseFile = join(home, "passphrase");
    await writeFile(passphraseFile, "from a file\n");
    const init = await ants(["init", "--home", home, "--passphrase-file", passphraseFile]);
    const id = init.stdout.trim();
    const result = await ants([
      "whoami",
      "--home",
      home,
      "--json",
      "--passphrase-file",
      passphraseFile,
    ]);
    expect(result.status).toBe(0);
    const jwk = publicKeyToJwk(publicKeyFromDid(id));
    expect(JSON.parse(result.stdout)).toEqual({ id, kid: jwk.kid, publicKeyJwk: jwk });
    const human = await ants(["whoami", "--home", home], { ANTS_PASSPHRASE_FILE: passphraseFile });
    expect(human.stdout).toBe(`id:  ${id}\nkid: ${jwk.kid}\n`);
  });

  it("reports a wrong passphrase and a missing keystore with their exit codes", async () => {
    await ants(["init", "--home", home], { ANTS_PASSPHRASE: "right" });
    const wrong = await ants(["whoami", "--home", home, "--json"], { ANTS_PASSPHRASE: "wrong" });
    expect(wrong.status).toBe(EXIT_CODES.ERR_KEYSTORE_PASSPHRASE_WRONG);
    expect(JSON.parse(wrong.stdout)).toEqual({
      error: {
        code: "ERR_KEYSTORE_PASSPHRASE_WRONG",
        message: "passphrase: does not open this keystore",
      },
    });
    const empty = await mkdtemp(join(tmpdir(), "ants-cli-empty-"));
    const missing = await ants(["whoami", "--home", empty], { ANTS_PASSPHRASE: "right" });
    expect(missing.status).toBe(EXIT_CODES.ERR_KEYSTORE_NOT_FOUND);
  });

  it("reports a damaged keystore as ERR_KEYSTORE_TAMPERED", async () => {
    await ants(["init", "--home", home], { ANTS_PASSPHRASE: "pw" });
    const path = join(home, "identity.age");
    const file = await readFile(path);
    file[file.length - 1]! ^= 1;
    await writeFile(path, file);
    const result = await ants(["whoami", "--home", home, "--json"], { ANTS_PASSPHRASE: "pw" });
    expect(result.status).toBe(EXIT_CODES.ERR_KEYSTORE_TAMPERED);
    expect(JSON.parse(result.stdout).error.code).toBe("ERR_KEYSTORE_TAMPERED");
  });
});

describe("ants key import", () => {
  /** RFC 8032 section 7.1 TEST 1 seed; its did:key is fixed by the public key. */
  const SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  const DID = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw";

  it("imports a hex seed and prints its agent ID", async () => {
    const seedFile = join(home, "seed.hex");
    await writeFile(seedFile, `${SEED}\n`);
    const result = await ants(
      ["key", "import", "--seed-file", seedFile, "--home", home, "--json"],
      {
        ANTS_PASSPHRASE: "pw",
      },
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: DID });
    const whoami = await ants(["whoami", "--home", home, "--json"], { ANTS_PASSPHRASE: "pw" });
    expect(JSON.parse(whoami.stdout).id).toBe(DID);
  });

  it.each([
    ["too short", SEED.slice(2)],
    ["not hex", `${SEED.slice(1)}g`],
    ["two lines", `${SEED}\n\n`],
  ])("refuses a seed file that is %s with ERR_KEYSTORE_SEED_INVALID", async (_label, text) => {
    const seedFile = join(home, "seed.hex");
    await writeFile(seedFile, text);
    const result = await ants(["key", "import", "--seed-file", seedFile, "--home", home], {
      ANTS_PASSPHRASE: "pw",
    });
    expect(result.status).toBe(EXIT_CODES.ERR_KEYSTORE_SEED_INVALID);
    expect(result.stderr).toContain("(ERR_KEYSTORE_SEED_INVALID)");
  });
});

describe("usage", () => {
  it.each([
    ["--help"],
    ["init", "--help"],
    ["key", "--help"],
    ["key", "import", "--help"],
    ["whoami", "--help"],
  ])("prints help for %s and exits 0", async (...args) => {
    const result = await ants(args);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: ants/);
  });

  it("reports an unknown option as ERR_USAGE, as JSON when asked", async () => {
    const result = await ants(["whoami", "--bogus", "--json"]);
    expect(result.status).toBe(EXIT_CODES.ERR_USAGE);
    expect(JSON.parse(result.stdout).error.code).toBe("ERR_USAGE");
  });

  it("refuses a malformed insecure work factor with ERR_USAGE", async () => {
    const result = await ants(["init", "--home", home], {
      ANTS_PASSPHRASE: "pw",
      ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "lots",
    });
    expect(result.status).toBe(EXIT_CODES.ERR_USAGE);
  });
});
