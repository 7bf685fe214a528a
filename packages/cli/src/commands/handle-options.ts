import type { Agent } from "@ants/client";
import { type RelayOptions, relayAgent, saveSession } from "../relay-session.ts";

/** The environment variable naming the relay when `--relay` is not given. */
export const RELAY_ENV = "ANTS_RELAY";

/**
 * Runs a handle command as this agent at its relay: reuses the session an earlier command stored
 * (no passphrase), logs in when there is none, and stores the session afterwards. The agent
 * must be registered at the relay (`ants register`).
 *
 * @example
 * const offer = await withHandleAgent(options, (agent) => new HandleClient(agent).transfer(n, to));
 */
export async function withHandleAgent<T>(
  options: RelayOptions,
  run: (agent: Agent) => Promise<T>,
): Promise<T> {
  const agent = await relayAgent(options);
  try {
    return await run(agent);
  } finally {
    await saveSession(options, agent);
  }
}

/**
 * `@name@host` for a handle on a relay whose origin is `origin`.
 *
 * @example
 * handleRefAt("kevin", "https://relay.example.com"); // "@kevin@relay.example.com"
 */
export function handleRefAt(name: string, origin: string): string {
  return `@${name}@${new URL(origin).host}`;
}

/**
 * A Unix time as an ISO 8601 string for people.
 *
 * @example
 * isoTime(1767225600); // "2026-01-01T00:00:00.000Z"
 */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
