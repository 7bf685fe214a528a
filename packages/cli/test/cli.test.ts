import { copyFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { publicKeyFromDid, publicKeyToJwk } from "@ants/protocol";
import { beforeAll, describe, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.ts";
import { ants, antsBinary, freshHome, type Result } from "./support/run-cli.ts";

// The real binary runs where a process of its own matters (the first identity, no terminal on
// stdin, the exit status); the rest go through `main` in this process. Cases that only read an
// identity share one.

/** A fresh home holding a copy of the shared identity, for cases that change or replace it. */
async function copyOfShared(): Promise<string> {
  const home = await freshHome();
  await copyFile(join(shared.home, "identity.age"), join(home, "identity.age"));
  return home;
}

/** One identity created once, with a passphrase file, and only read afterwards. */
const shared = { home: "", passphraseFile: "", id: "", init: undefined as unknown as Result };

beforeAll(async () => {
  shared.home = await freshHome();
  shared.passphraseFile = join(shared.home, "passphrase");
  await writeFile(shared.passphraseFile, "from a file\n");
  shared.init = await antsBinary([
    "init",
    "--home",
    shared.home,
    "--passphrase-file",
    shared.passphraseFile,
  ]);
  shared.id = shared.init.stdout.trim();
});

describe.concurrent("ants init", () => {
  it("creates a 0600 keystore under --home and prints the agent ID", async ({ expect }) => {
    expect(shared.init.status).toBe(0);
    expect(shared.id).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/);
    expect(() => publicKeyFromDid(shared.id)).not.toThrow();
    expect((await stat(join(shared.home, "identity.age"))).mode & 0o777).toBe(0o600);
    expect(shared.init.stderr).toContain("ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS is set");
  });

  it("refuses to overwrite an identity without --force", async ({ expect }) => {
    const again = await ants(["init", "--home", shared.home, "--json"], { ANTS_PASSPHRASE: "pw" });
    expect(again.status).toBe(EXIT_CODES.ERR_KEYSTORE_EXISTS);
    expect(JSON.parse(again.stdout).error.code).toBe("ERR_KEYSTORE_EXISTS");
  });

  it("replaces it with --force, uses ANTS_HOME and prints {id, keyEventLog} with --json", async ({
    expect,
  }) => {
    const home = await copyOfShared();
    const forced = await ants(["init", "--json", "--force"], {
      ANTS_HOME: home,
      ANTS_PASSPHRASE: "pw",
    });
    expect(forced.status).toBe(0);
    const output = JSON.parse(forced.stdout);
    expect(Object.keys(output)).toEqual(["id", "keyEventLog"]);
    expect(output.id).not.toBe(shared.id);
  });

  it("refuses with ERR_KEYSTORE_PASSPHRASE_MISSING when there is no passphrase and no terminal", async ({
    expect,
  }) => {
    const result = await antsBinary(["init", "--home", await freshHome()]);
    expect(result.status).toBe(EXIT_CODES.ERR_KEYSTORE_PASSPHRASE_MISSING);
    expect(result.stderr).toMatch(
      /ants: passphrase: none given.*\(ERR_KEYSTORE_PASSPHRASE_MISSING\)/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.concurrent("ants whoami", () => {
  it("unlocks with --passphrase-file and prints id, kid and publicKeyJwk", async ({ expect }) => {
    const args = ["whoami", "--home", shared.home, "--json"];
    const result = await ants([...args, "--passphrase-file", shared.passphraseFile]);
    expect(result.status).toBe(0);
    const jwk = publicKeyToJwk(publicKeyFromDid(shared.id));
    expect(JSON.parse(result.stdout)).toEqual({ id: shared.id, kid: jwk.kid, publicKeyJwk: jwk });
  });

  it("prints readable lines and reads ANTS_PASSPHRASE_FILE", async ({ expect }) => {
    const env = { ANTS_PASSPHRASE_FILE: shared.passphraseFile };
    const human = await ants(["whoami", "--home", shared.home], env);
    const jwk = publicKeyToJwk(publicKeyFromDid(shared.id));
    expect(human.stdout).toBe(`id:  ${shared.id}\nkid: ${jwk.kid}\n`);
  });

  it("reports a wrong passphrase with its exit code and JSON error", async ({ expect }) => {
    const env = { ANTS_PASSPHRASE: "wrong" };
    const wrong = await ants(["whoami", "--home", shared.home, "--json"], env);
    expect(wrong.status).toBe(EXIT_CODES.ERR_KEYSTORE_PASSPHRASE_WRONG);
    expect(JSON.parse(wrong.stdout)).toEqual({
      error: {
        code: "ERR_KEYSTORE_PASSPHRASE_WRONG",
        message: "passphrase: does not open this keystore",
      },
    });
  });

  it("reports a missing keystore as ERR_KEYSTORE_NOT_FOUND", async ({ expect }) => {
    const env = { ANTS_PASSPHRASE: "pw" };
    const missing = await ants(["whoami", "--home", await freshHome()], env);
    expect(missing.status).toBe(EXIT_CODES.ERR_KEYSTORE_NOT_FOUND);
  });

  it("reports a damaged keystore as ERR_KEYSTORE_TAMPERED", async ({ expect }) => {
    const home = await copyOfShared();
    const path = join(home, "identity.age");
    const file = await readFile(path);
    file[file.length - 1]! ^= 1;
    await writeFile(path, file);
    const env = { ANTS_PASSPHRASE_FILE: shared.passphraseFile };
    const result = await ants(["whoami", "--home", home, "--json"], env);
    expect(result.status).toBe(EXIT_CODES.ERR_KEYSTORE_TAMPERED);
    expect(JSON.parse(result.stdout).error.code).toBe("ERR_KEYSTORE_TAMPERED");
  });
});

describe.concurrent("ants key import", () => {
  /** RFC 8032 section 7.1 TEST 1 seed; its did:key is fixed by the public key. */
  const SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  const DID = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw";

  async function importSeed(text: string, home: string): Promise<Result> {
    const seedFile = join(home, "seed.hex");
    await writeFile(seedFile, text);
    const args = ["key", "import", "--seed-file", seedFile, "--home", home, "--json"];
    return ants(args, { ANTS_PASSPHRASE: "pw" });
  }

  it("imports a hex seed and prints its agent ID", async ({ expect }) => {
    const home = await freshHome();
    const result = await importSeed(`${SEED}\n`, home);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: DID });
    const whoami = await ants(["whoami", "--home", home, "--json"], { ANTS_PASSPHRASE: "pw" });
    expect(JSON.parse(whoami.stdout).id).toBe(DID);
  });

  // The seed pattern is one regular expression: one wrong length and one extra line cover it.
  it.for([
    ["too short", SEED.slice(2)],
    ["two lines", `${SEED}\n\n`],
  ])(
    "refuses a seed file that is %s with ERR_KEYSTORE_SEED_INVALID",
    async ([, text], { expect }) => {
      const result = await importSeed(text!, await freshHome());
      expect(result.status).toBe(EXIT_CODES.ERR_KEYSTORE_SEED_INVALID);
      expect(JSON.parse(result.stdout).error.code).toBe("ERR_KEYSTORE_SEED_INVALID");
    },
  );
});

describe.concurrent("usage", () => {
  it.for([["--help"], ["key", "import", "--help"]])(
    "prints help for %s and exits 0",
    async (args, { expect }) => {
      const result = await ants(args);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Usage: ants/);
    },
  );

  it("reports an unknown option as ERR_USAGE, as JSON when asked", async ({ expect }) => {
    const result = await antsBinary(["whoami", "--bogus", "--json"]);
    expect(result.status).toBe(EXIT_CODES.ERR_USAGE);
    expect(JSON.parse(result.stdout).error.code).toBe("ERR_USAGE");
  });

  it("refuses a malformed insecure work factor with ERR_USAGE", async ({ expect }) => {
    const result = await ants(["init", "--home", await freshHome()], {
      ANTS_PASSPHRASE: "pw",
      ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "lots",
    });
    expect(result.status).toBe(EXIT_CODES.ERR_USAGE);
  });
});
