import { open } from "node:fs/promises";
import { ClientError } from "../errors/client-error.ts";
import { promptHidden } from "./tty-prompt.ts";

/** Options of {@link resolvePassphrase}. */
export interface ResolvePassphraseOptions {
  /** The CLI's `--passphrase-file`; wins over every other source. */
  passphraseFile?: string | undefined;
  /** Environment for `ANTS_PASSPHRASE_FILE` and `ANTS_PASSPHRASE`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Asks a person. Default: a no-echo terminal prompt, used only when stdin is a TTY. */
  prompt?: ((label: string) => Promise<string>) | undefined;
  /** Ask twice and require the same answer, for a new keystore. Default false. */
  confirm?: boolean;
}

/** A passphrase file holds one line; anything this long is not one. */
const MAX_PASSPHRASE_FILE_SIZE = 4096;

/**
 * Finds the passphrase, in this order: `passphraseFile`, the file named by
 * `ANTS_PASSPHRASE_FILE`, `ANTS_PASSPHRASE`, then an interactive prompt with no echo. A file's
 * one trailing newline (LF or CRLF) is dropped. Throws ERR_KEYSTORE_PASSPHRASE_MISSING when no
 * source gives a non-empty passphrase and stdin is not a terminal,
 * ERR_PASSPHRASE_FILE_UNREADABLE, or ERR_PASSPHRASE_MISMATCH when a confirmation differs.
 *
 * @example
 * const passphrase = await resolvePassphrase({ passphraseFile: "/run/secrets/ants" });
 */
export async function resolvePassphrase(options: ResolvePassphraseOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const file = nonEmpty(options.passphraseFile) ?? nonEmpty(env.ANTS_PASSPHRASE_FILE);
  if (file !== undefined) return readPassphraseFile(file);

  const fromEnv = nonEmpty(env.ANTS_PASSPHRASE);
  if (fromEnv !== undefined) return fromEnv;

  const prompt = options.prompt ?? (process.stdin.isTTY === true ? promptHidden : undefined);
  if (prompt === undefined) {
    throw new ClientError(
      "ERR_KEYSTORE_PASSPHRASE_MISSING",
      "passphrase: none given; use --passphrase-file, ANTS_PASSPHRASE_FILE or ANTS_PASSPHRASE",
    );
  }
  return askPerson(prompt, options.confirm === true);
}

async function askPerson(prompt: (label: string) => Promise<string>, confirm: boolean) {
  const passphrase = await prompt(confirm ? "New passphrase: " : "Passphrase: ");
  if (passphrase === "") {
    throw new ClientError("ERR_KEYSTORE_PASSPHRASE_MISSING", "passphrase: empty");
  }
  if (confirm && (await prompt("Repeat passphrase: ")) !== passphrase) {
    throw new ClientError("ERR_PASSPHRASE_MISMATCH", "passphrase: the two entries differ");
  }
  return passphrase;
}

async function readPassphraseFile(path: string): Promise<string> {
  let text: string;
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(MAX_PASSPHRASE_FILE_SIZE + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_PASSPHRASE_FILE_SIZE) {
        throw new ClientError("ERR_PASSPHRASE_FILE_UNREADABLE", "passphrase file: too large");
      }
      text = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch (cause) {
    if (cause instanceof ClientError) throw cause;
    const reason = (cause as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ClientError("ERR_PASSPHRASE_FILE_UNREADABLE", `passphrase file: ${reason}`, {
      cause,
    });
  }
  const passphrase = text.replace(/\r?\n$/, "");
  if (passphrase === "") {
    throw new ClientError("ERR_KEYSTORE_PASSPHRASE_MISSING", "passphrase file: empty");
  }
  return passphrase;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
