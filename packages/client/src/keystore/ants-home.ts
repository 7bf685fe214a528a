import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ClientError } from "../errors/client-error.ts";

/** The agent's identity keystore, relative to the home. */
export const DEFAULT_KEYSTORE_NAME = "identity.age";

/** Options of {@link antsHome}. */
export interface AntsHomeOptions {
  /** An explicit home (the CLI's `--home`); wins over the environment. */
  home?: string | undefined;
  /** Environment to read `ANTS_HOME` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The directory holding an agent's keys: `home`, else `ANTS_HOME`, else `~/.ants`, as an
 * absolute path. Empty values count as unset.
 *
 * @example
 * antsHome({ home: "/srv/agent" }); // "/srv/agent"
 * antsHome({ env: {} }); // "/home/me/.ants"
 */
export function antsHome(options: AntsHomeOptions = {}): string {
  const env = options.env ?? process.env;
  const chosen = nonEmpty(options.home) ?? nonEmpty(env.ANTS_HOME) ?? join(homedir(), ".ants");
  return resolve(chosen);
}

/**
 * Resolves a keystore name inside `home` and refuses any name that would land outside it,
 * lexically (`..`, an absolute path) or through a symbolic link that already exists on the way.
 * Throws ERR_KEYSTORE_PATH_ESCAPES_HOME.
 *
 * @example
 * await keystorePath("/srv/agent"); // "/srv/agent/identity.age"
 * await keystorePath("/srv/agent", "../etc/passwd"); // throws ERR_KEYSTORE_PATH_ESCAPES_HOME
 */
export async function keystorePath(home: string, name = DEFAULT_KEYSTORE_NAME): Promise<string> {
  const root = resolve(home);
  const target = resolve(root, name);
  if (name.length === 0 || !isStrictlyInside(root, target)) {
    throw escapes(name);
  }
  // Symbolic links count by where they lead: compare the real paths that exist so far.
  const realRoot = await realpathOfExisting(root);
  const realTarget = await realpathOfExisting(target);
  if (!isStrictlyInside(realRoot, realTarget)) throw escapes(name);
  return target;
}

function isStrictlyInside(root: string, target: string): boolean {
  const path = relative(root, target);
  return path !== "" && !path.startsWith("..") && !isAbsolute(path);
}

/** realpath of the longest existing prefix of `path`, with the missing rest appended. */
async function realpathOfExisting(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(relative(parent, current));
      current = parent;
    }
  }
}

function escapes(name: string): ClientError {
  return new ClientError(
    "ERR_KEYSTORE_PATH_ESCAPES_HOME",
    `keystore name: expected a path inside the home, got ${JSON.stringify(name)}`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
