import { ClientError } from "../errors/client-error.ts";

const ENTER = new Set(["\r", "\n"]);
const CANCEL = new Set(["\u0003", "\u0004"]); // Ctrl-C, Ctrl-D
const ERASE = new Set(["\u007f", "\b"]);
/** Characters read after an Enter, kept for the next prompt. */
let typedAhead = "";

/**
 * Asks for a passphrase on the terminal without echoing it: the label goes to stderr, and stdin
 * is read in raw mode until Enter. Ctrl-C or Ctrl-D cancels with ERR_KEYSTORE_PASSPHRASE_MISSING.
 * Only call it when `process.stdin.isTTY` is true.
 *
 * @example
 * const passphrase = await promptHidden("Passphrase: ");
 */
export function promptHidden(label: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(label);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (error?: ClientError) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      const chars = [...chunk];
      for (const [index, char] of chars.entries()) {
        if (ENTER.has(char)) {
          // Input typed ahead (a confirmation, a paste) belongs to the next prompt.
          typedAhead = chars.slice(index + 1).join("");
          return finish();
        }
        if (CANCEL.has(char)) {
          return finish(
            new ClientError("ERR_KEYSTORE_PASSPHRASE_MISSING", "passphrase: cancelled"),
          );
        }
        typed = ERASE.has(char) ? typed.slice(0, -1) : typed + char;
      }
    };
    input.on("data", onData);
    if (typedAhead !== "") {
      const ahead = typedAhead;
      typedAhead = "";
      onData(ahead);
    }
  });
}
