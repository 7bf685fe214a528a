import { mkdtemp, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { didFromPublicKey, verifySignature } from "@ants/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import {
  antsHome,
  createKeystoreFile,
  isClientError,
  keystorePath,
  openKeystoreFile,
  resolvePassphrase,
} from "../../src/index.ts";

const CHEAP = { insecureWorkFactorLog2ForTests: 4 };
const SEED = new Uint8Array(32).fill(3);
const PASSPHRASE = "a passphrase for tests";
let home: string;

async function codeOf(operation: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await operation();
  } catch (error) {
    return isClientError(error) ? error.code : `not a ClientError: ${String(error)}`;
  }
  return undefined;
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "ants-client-"));
});

describe("createKeystoreFile and openKeystoreFile", () => {
  it("writes a 0600 file that opens to a signer for the same identity", async () => {
    const path = join(home, "nested", "identity.age");
    const created = await createKeystoreFile(path, SEED, PASSPHRASE, CHEAP);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "nested"))).mode & 0o777).toBe(0o700);

    const opened = await openKeystoreFile(path, PASSPHRASE);
    expect(opened.did).toBe(created.did);
    expect(opened.did).toBe(didFromPublicKey(opened.publicKey));
    const message = new TextEncoder().encode("hello");
    expect(verifySignature(opened.signer.sign(message), message, opened.publicKey)).toBe(true);
    expect(Object.keys(opened).sort()).toEqual(["did", "publicKey", "signer"]);
  });

  it("leaves no temporary file behind", async () => {
    await createKeystoreFile(join(home, "identity.age"), SEED, PASSPHRASE, CHEAP);
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(home)).toEqual(["identity.age"]);
  });

  it("refuses to overwrite without force (ERR_KEYSTORE_EXISTS), replaces with force", async () => {
    const path = join(home, "identity.age");
    await createKeystoreFile(path, SEED, PASSPHRASE, CHEAP);
    const before = await readFile(path);
    expect(await codeOf(() => createKeystoreFile(path, SEED, PASSPHRASE, CHEAP))).toBe(
      "ERR_KEYSTORE_EXISTS",
    );
    expect(await readFile(path)).toEqual(before);
    const other = new Uint8Array(32).fill(4);
    const replaced = await createKeystoreFile(path, other, PASSPHRASE, { ...CHEAP, force: true });
    expect((await openKeystoreFile(path, PASSPHRASE)).did).toBe(replaced.did);
  });

  it("reports each failure with its code", async () => {
    const path = join(home, "identity.age");
    expect(await codeOf(() => openKeystoreFile(path, PASSPHRASE))).toBe("ERR_KEYSTORE_NOT_FOUND");
    await createKeystoreFile(path, SEED, PASSPHRASE, CHEAP);
    expect(await codeOf(() => openKeystoreFile(path, "wrong"))).toBe(
      "ERR_KEYSTORE_PASSPHRASE_WRONG",
    );

    const file = await readFile(path);
    await writeFile(join(home, "short.age"), file.subarray(0, file.length - 5));
    expect(await codeOf(() => openKeystoreFile(join(home, "short.age"), PASSPHRASE))).toBe(
      "ERR_KEYSTORE_TRUNCATED",
    );
    const flipped = Buffer.from(file);
    flipped[flipped.length - 3]! ^= 1;
    await writeFile(join(home, "flipped.age"), flipped);
    expect(await codeOf(() => openKeystoreFile(join(home, "flipped.age"), PASSPHRASE))).toBe(
      "ERR_KEYSTORE_TAMPERED",
    );
    await writeFile(join(home, "notes.txt"), "not a keystore\n");
    expect(await codeOf(() => openKeystoreFile(join(home, "notes.txt"), PASSPHRASE))).toBe(
      "ERR_KEYSTORE_NOT_ANTS",
    );
    expect(await codeOf(() => openKeystoreFile(home, PASSPHRASE))).toBe("ERR_IO");
    expect(await codeOf(() => createKeystoreFile(join(home, "bad.age"), SEED, "", CHEAP))).toBe(
      "ERR_KEYSTORE_PASSPHRASE_MISSING",
    );
  });
});

describe("antsHome and keystorePath", () => {
  it("picks --home, then ANTS_HOME, then ~/.ants", () => {
    expect(antsHome({ home: "/srv/a", env: { ANTS_HOME: "/srv/b" } })).toBe("/srv/a");
    expect(antsHome({ env: { ANTS_HOME: "/srv/b" } })).toBe("/srv/b");
    expect(antsHome({ home: "", env: { ANTS_HOME: "" } })).toMatch(/\/\.ants$/);
  });

  it("resolves names inside the home", async () => {
    expect(await keystorePath(home)).toBe(join(home, "identity.age"));
    expect(await keystorePath(home, "relay/relay.age")).toBe(join(home, "relay", "relay.age"));
  });

  it.each(["../identity.age", "/etc/passwd", "a/../../x", "", "."])(
    "refuses %j with ERR_KEYSTORE_PATH_ESCAPES_HOME",
    async (name) => {
      expect(await codeOf(() => keystorePath(home, name))).toBe("ERR_KEYSTORE_PATH_ESCAPES_HOME");
    },
  );

  it("refuses a name that escapes through a symbolic link", async () => {
    const outside = await mkdtemp(join(tmpdir(), "ants-outside-"));
    await symlink(outside, join(home, "link"));
    expect(await codeOf(() => keystorePath(home, "link/identity.age"))).toBe(
      "ERR_KEYSTORE_PATH_ESCAPES_HOME",
    );
  });
});

describe("resolvePassphrase", () => {
  it("takes --passphrase-file first, dropping one trailing newline", async () => {
    const file = join(home, "pass");
    await writeFile(file, "from file\r\n");
    const env = { ANTS_PASSPHRASE_FILE: "/nonexistent", ANTS_PASSPHRASE: "from env" };
    expect(await resolvePassphrase({ passphraseFile: file, env })).toBe("from file");
  });

  it("then ANTS_PASSPHRASE_FILE, then ANTS_PASSPHRASE, then the prompt", async () => {
    const file = join(home, "pass");
    await writeFile(file, "env file\n");
    const prompt = async () => "typed";
    expect(
      await resolvePassphrase({
        env: { ANTS_PASSPHRASE_FILE: file, ANTS_PASSPHRASE: "x" },
        prompt,
      }),
    ).toBe("env file");
    expect(await resolvePassphrase({ env: { ANTS_PASSPHRASE: "from env" }, prompt })).toBe(
      "from env",
    );
    expect(await resolvePassphrase({ env: {}, prompt })).toBe("typed");
  });

  it("without any source and without a terminal, is ERR_KEYSTORE_PASSPHRASE_MISSING", async () => {
    expect(process.stdin.isTTY).not.toBe(true);
    expect(await codeOf(() => resolvePassphrase({ env: {} }))).toBe(
      "ERR_KEYSTORE_PASSPHRASE_MISSING",
    );
  });

  it("reports unreadable, empty and mismatched passphrases with their codes", async () => {
    expect(await codeOf(() => resolvePassphrase({ passphraseFile: join(home, "none") }))).toBe(
      "ERR_PASSPHRASE_FILE_UNREADABLE",
    );
    await writeFile(join(home, "empty"), "\n");
    expect(await codeOf(() => resolvePassphrase({ passphraseFile: join(home, "empty") }))).toBe(
      "ERR_KEYSTORE_PASSPHRASE_MISSING",
    );
    const answers = ["one", "two"];
    const prompt = async () => answers.shift() ?? "";
    expect(await codeOf(() => resolvePassphrase({ env: {}, prompt, confirm: true }))).toBe(
      "ERR_PASSPHRASE_MISMATCH",
    );
  });
});
