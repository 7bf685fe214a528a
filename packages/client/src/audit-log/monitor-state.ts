import { readFile, rename, writeFile } from "node:fs/promises";
import { ClientError } from "../errors/client-error.ts";

/** What a monitor keeps between runs: the last checkpoint it verified and the key it trusts. */
export interface MonitorState {
  /** Log origin of that checkpoint. */
  readonly origin: string;
  /** The relay's verifier key string, pinned on the first run. */
  readonly verifierKey: string;
  readonly size: number;
  /** Root hash, standard base64. */
  readonly rootHash: string;
}

/**
 * Reads a monitor state file; undefined when it does not exist yet. Throws ERR_IO when it cannot
 * be read and ERR_MALFORMED when it is not a state: a monitor must never silently start over and
 * forget what it saw.
 *
 * @example
 * const state = await readMonitorState("~/.ants/log-state.json");
 */
export async function readMonitorState(path: string): Promise<MonitorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ClientError("ERR_IO", `state: cannot read ${path}`, { cause });
  }
  let state: Partial<MonitorState>;
  try {
    state = JSON.parse(text) as Partial<MonitorState>;
  } catch (cause) {
    throw new ClientError("ERR_MALFORMED", "state: not JSON", { cause });
  }
  if (
    typeof state.origin !== "string" ||
    typeof state.verifierKey !== "string" ||
    !Number.isSafeInteger(state.size) ||
    (state.size as number) < 0 ||
    typeof state.rootHash !== "string"
  ) {
    throw new ClientError("ERR_MALFORMED", "state: expected origin, verifierKey, size, rootHash");
  }
  return state as MonitorState;
}

/**
 * Writes a monitor state file atomically (a temporary file renamed over it), so a crash never
 * leaves half a state behind.
 *
 * @example
 * await writeMonitorState(path, state);
 */
export async function writeMonitorState(path: string, state: MonitorState): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (cause) {
    throw new ClientError("ERR_IO", `state: cannot write ${path}`, { cause });
  }
}
