import { spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "bin", "ants.js");
const hasScript = spawnSync("sh", ["-c", "command -v script"]).status === 0;
if (!hasScript) console.warn("skipping the terminal prompt test: script(1) not installed");

/** Runs the binary on a pseudo-terminal (script(1)), typing `keys` into it. */
function onTerminal(args: string, keys: string) {
  const result = spawnSync(
    "script",
    ["-qec", `'${process.execPath}' '${BIN}' ${args}`, "/dev/null"],
    {
      input: keys,
      env: { PATH: process.env.PATH ?? "", ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "4" },
      timeout: 20_000,
    },
  );
  return { status: result.status, output: result.stdout.toString("utf8") };
}

describe.skipIf(!hasScript)("the passphrase prompt on a terminal", () => {
  it("asks twice for init, once for whoami, and refuses a mismatch", async () => {
    const home = await mkdtemp(join(tmpdir(), "ants-prompt-"));
    const init = onTerminal(`init --home '${home}'`, "typed secret\rtyped secret\r");
    expect(init.status).toBe(0);
    expect(init.output).toContain("New passphrase: ");
    expect(init.output).toContain("Repeat passphrase: ");
    const id = /did:key:z6Mk\w+/.exec(init.output)?.[0];
    expect(id).toBeDefined();

    const whoami = onTerminal(`whoami --home '${home}'`, "typed secret\r");
    expect(whoami.status).toBe(0);
    expect(whoami.output).toContain(`id:  ${id}`);

    const other = await mkdtemp(join(tmpdir(), "ants-prompt-"));
    const mismatch = onTerminal(`init --home '${other}'`, "one\rtwo\r");
    expect(mismatch.status).toBe(5);
    expect(mismatch.output).toContain("(ERR_PASSPHRASE_MISMATCH)");
  });
});
