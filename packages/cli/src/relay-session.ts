// Options and session handling shared by the commands that talk to a relay.

import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Agent, antsHome, openKeystoreFile, type StoredSession } from "@ants/client";
import type { Command } from "commander";
import { CliError } from "./cli-error.ts";
import {
  addIdentityOptions,
  type IdentityOptions,
  identityKeystorePath,
  passphraseFor,
} from "./identity-options.ts";
import { agentIdOf } from "./key-event-home.ts";

/** The parsed values of {@link addRelayOptions}. */
export interface RelayOptions extends IdentityOptions {
  relay?: string;
  instance: string;
}

/** The instance id the CLI logs in as unless `--instance` says otherwise. */
export const CLI_INSTANCE = "cli";

/**
 * Adds `--relay` (default `$ANTS_RELAY`), `--instance` and the identity options to a command.
 *
 * @example
 * addRelayOptions(program.command("login"));
 */
export function addRelayOptions(command: Command): Command {
  return addIdentityOptions(command)
    .option("--relay <url>", "the relay's URL (default: $ANTS_RELAY)")
    .option("--instance <id>", "which of this agent's instances logs in", CLI_INSTANCE);
}

/**
 * The relay URL from `--relay` or `ANTS_RELAY`; ERR_USAGE when neither is set.
 *
 * @example
 * relayUrl({ relay: "http://127.0.0.1:7777" }); // "http://127.0.0.1:7777"
 */
export function relayUrl(options: { relay?: string }): string {
  const url = options.relay ?? process.env.ANTS_RELAY;
  if (url === undefined || url === "") {
    throw new CliError("ERR_USAGE", "--relay: give the relay's URL or set ANTS_RELAY");
  }
  return url.replace(/\/+$/, "");
}

/**
 * An Agent for these options. A live session stored by an earlier command is reused without
 * unlocking the keystore; the key is unlocked (passphrase) only when a login or a signature by
 * the identity key is needed. Call {@link saveSession} afterwards to keep a new session.
 *
 * @example
 * const agent = await relayAgent(options);
 * await agent.invoke({ cmd, args, chain });
 * await saveSession(options, agent);
 */
export async function relayAgent(options: RelayOptions): Promise<Agent> {
  const url = relayUrl(options);
  const stored = await loadSession(options, url);
  const unlock = async () => {
    const path = await identityKeystorePath(options);
    return (await openKeystoreFile(path, await passphraseFor(options))).signer;
  };
  if (stored !== undefined) {
    return new Agent({
      relay: url,
      identity: { did: stored.agent, unlock },
      instance: options.instance,
      session: stored,
    });
  }
  const signer = await unlock();
  const id = await agentIdOf(antsHome({ home: options.home }), signer);
  return new Agent({ relay: url, signer, id, instance: options.instance });
}

/**
 * Keeps the agent's current session for later commands: a 0600 file under the agent home's
 * `sessions/`, one per relay, replaced atomically. It holds the session key of a session that
 * lives at most 15 minutes, never the identity key.
 *
 * @example
 * await saveSession(options, agent);
 */
export async function saveSession(options: RelayOptions, agent: Agent): Promise<void> {
  const session = agent.exportSession();
  if (session === undefined) return;
  const path = sessionPath(options, session.relay);
  await mkdir(join(antsHome({ home: options.home }), "sessions"), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(session)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

async function loadSession(options: RelayOptions, url: string): Promise<StoredSession | undefined> {
  const path = sessionPath(options, url);
  let stored: StoredSession;
  try {
    stored = JSON.parse(await readFile(path, "utf8")) as StoredSession;
  } catch {
    return undefined;
  }
  const fresh = stored.relay === url && stored.instance === options.instance;
  if (fresh && stored.expiresAt - Math.floor(Date.now() / 1000) > 60) return stored;
  await unlink(path).catch(() => undefined);
  return undefined;
}

function sessionPath(options: RelayOptions, url: string): string {
  const id = createHash("sha256").update(url).digest("hex").slice(0, 16);
  return join(antsHome({ home: options.home }), "sessions", `${id}.json`);
}
