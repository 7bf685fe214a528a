import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createSigner, didFromPublicKey } from "@ants/protocol";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "bin", "ants.js");
const run = promisify(execFile);
const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const missing = ["age", "script"].filter((tool) => !has(tool));
if (missing.length > 0) {
  console.warn(`skipping the age interoperability test: ${missing.join(" and ")} not installed`);
}

describe.skipIf(missing.length > 0)("a keystore written by ants init", () => {
  it("opens with the age command-line tool and the passphrase", async () => {
    const home = await mkdtemp(join(tmpdir(), "ants-age-"));
    const passphrase = "interop passphrase";
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: home,
      ANTS_PASSPHRASE: passphrase,
      ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "10",
    };
    const { stdout } = await run(process.execPath, [BIN, "init", "--home", home, "--json"], {
      env,
    });
    const { id } = JSON.parse(stdout) as { id: string };

    // age reads passphrases from the terminal only: script(1) gives it a pseudo-terminal whose
    // input is our stdin.
    const output = join(home, "payload.json");
    const command = `age -d -o '${output}' '${join(home, "identity.age")}'`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], {
      input: `${passphrase}\n`,
      timeout: 20_000,
    });
    expect(result.status).toBe(0);

    const payload = await readFile(output, "utf8");
    const match = /^\{"format":"ants-keystore\/v1","seed":"([0-9a-f]{64})"\}\n$/.exec(payload);
    expect(match).not.toBeNull();
    const seed = new Uint8Array(Buffer.from(match![1]!, "hex"));
    expect(didFromPublicKey(createSigner(seed).publicKey)).toBe(id);
  });

  it("is refused by age with a wrong passphrase", async () => {
    const home = await mkdtemp(join(tmpdir(), "ants-age-"));
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: home,
      ANTS_PASSPHRASE: "right",
      ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "10",
    };
    await run(process.execPath, [BIN, "init", "--home", home], { env });
    const output = join(home, "payload.json");
    await writeFile(output, "");
    const command = `age -d -o '${output}' '${join(home, "identity.age")}'`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], {
      input: "wrong\n",
      timeout: 20_000,
    });
    expect(result.status).not.toBe(0);
    expect(await readFile(output, "utf8")).toBe("");
  });
});
