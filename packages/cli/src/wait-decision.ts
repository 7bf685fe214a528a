import type { Agent, Decision } from "@ants/client";
import { CliError } from "./cli-error.ts";
import { printNote } from "./output.ts";

/** How long `--wait` without a value waits, in seconds. */
export const DEFAULT_WAIT_SECONDS = 60;
/** The longest `--wait`: a pending invocation lives an hour at most. */
export const MAX_WAIT_SECONDS = 3600;
const POLL_MS = 1000;

/**
 * The value of `--wait [SECONDS]`: undefined when absent, DEFAULT_WAIT_SECONDS when bare.
 * Throws ERR_USAGE for anything but an integer from 1 to MAX_WAIT_SECONDS.
 *
 * @example
 * waitSeconds("30"); // 30
 */
export function waitSeconds(value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_WAIT_SECONDS;
  const seconds = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_WAIT_SECONDS)) {
    throw new CliError("ERR_USAGE", `--wait: expected whole seconds from 1 to ${MAX_WAIT_SECONDS}`);
  }
  return seconds;
}

/**
 * Polls `GET /v1/authorize/{hash}` once a second until the decision is no longer `pending` or
 * `seconds` have passed; answers the last decision seen. Says on stderr what it waits for.
 *
 * @example
 * const final = await waitForDecision(agent, pending, 60);
 */
export async function waitForDecision(
  agent: Agent,
  pending: Decision,
  seconds: number,
): Promise<Decision> {
  printNote(`pending: invocation ${pending.invocationHash}; waiting up to ${seconds} s`);
  const deadline = Date.now() + seconds * 1000;
  let decision = pending;
  while (decision.decision === "pending") {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
    decision = await agent.pending(pending.invocationHash);
  }
  return decision;
}
