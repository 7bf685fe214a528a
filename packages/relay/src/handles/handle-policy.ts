import {
  DEFAULT_BASE_DIFFICULTY,
  DEFAULT_CHALLENGE_LIFETIME_SECONDS,
  DEFAULT_RESERVED_HANDLES,
  MAX_DIFFICULTY,
  MIN_DIFFICULTY,
  publicKeyFromDid,
  reservedHandleSet,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";

const DAY = 86_400;

/** Handle settings of a relay (`RelayOptions.handles`); every field has a documented default. */
export interface HandleOptions {
  /** Names nobody may claim. Default DEFAULT_RESERVED_HANDLES; entries are normalised. */
  reserved?: Iterable<string>;
  /** DIDs of the operators who may revoke handles. Default none. */
  operators?: readonly string[];
  /** Handles one agent may hold at once. Default 3. */
  maxPerAgent?: number;
  /** A handle lapses after this long without an authenticated call from its holder. Default 90 days. */
  inactivitySeconds?: number;
  /** A released, revoked or lapsed handle waits this long before anyone may claim it. Default 30 days. */
  quarantineSeconds?: number;
  /** How long a transfer offer waits for the recipient's acceptance. Default 7 days. */
  offerSeconds?: number;
  /** Lifetime of a proof-of-work challenge. Default 900 s. */
  challengeLifetimeSeconds?: number;
  /** Expected hashes for a long handle in a quiet hour. Default DEFAULT_BASE_DIFFICULTY. */
  baseDifficulty?: number;
  /** Claims per hour considered normal; above it the difficulty grows in proportion. Default 60. */
  baselineClaimsPerHour?: number;
  /**
   * Test-only: every challenge gets exactly this difficulty, whatever the handle and the rate.
   * Its name says the risk: a relay running with it hands out names for almost no work.
   */
  insecureFixedDifficultyForTests?: number;
}

/** {@link HandleOptions} with every default applied and checked. */
export interface HandlePolicy {
  reserved: ReadonlySet<string>;
  operators: ReadonlySet<string>;
  maxPerAgent: number;
  inactivitySeconds: number;
  quarantineSeconds: number;
  offerSeconds: number;
  challengeLifetimeSeconds: number;
  baseDifficulty: number;
  baselineClaimsPerHour: number;
  fixedDifficulty: number | undefined;
}

/**
 * Applies the defaults and checks every setting, so a typo fails at start-up rather than in the
 * middle of a claim. Throws ERR_CONFIG_INVALID.
 *
 * @example
 * const policy = resolveHandlePolicy({ operators: ["did:key:z6Mk..."], maxPerAgent: 5 });
 */
export function resolveHandlePolicy(options: HandleOptions = {}): HandlePolicy {
  const operators = new Set(options.operators ?? []);
  for (const did of operators) {
    config(() => publicKeyFromDid(did), "handles.operators: expected did:key DIDs");
  }
  const fixed = options.insecureFixedDifficultyForTests;
  if (fixed !== undefined)
    integer(fixed, "handles.insecureFixedDifficultyForTests", MIN_DIFFICULTY, MAX_DIFFICULTY);
  return {
    reserved: config(
      () => reservedHandleSet(options.reserved ?? DEFAULT_RESERVED_HANDLES),
      "handles.reserved: every entry must be a valid handle",
    ),
    operators,
    maxPerAgent: integer(options.maxPerAgent ?? 3, "handles.maxPerAgent", 1, 1000),
    inactivitySeconds: integer(
      options.inactivitySeconds ?? 90 * DAY,
      "handles.inactivitySeconds",
      60,
      100 * 365 * DAY,
    ),
    quarantineSeconds: integer(
      options.quarantineSeconds ?? 30 * DAY,
      "handles.quarantineSeconds",
      0,
      10 * 365 * DAY,
    ),
    offerSeconds: integer(options.offerSeconds ?? 7 * DAY, "handles.offerSeconds", 60, 365 * DAY),
    challengeLifetimeSeconds: integer(
      options.challengeLifetimeSeconds ?? DEFAULT_CHALLENGE_LIFETIME_SECONDS,
      "handles.challengeLifetimeSeconds",
      10,
      DAY,
    ),
    baseDifficulty: integer(
      options.baseDifficulty ?? DEFAULT_BASE_DIFFICULTY,
      "handles.baseDifficulty",
      MIN_DIFFICULTY,
      MAX_DIFFICULTY,
    ),
    baselineClaimsPerHour: integer(
      options.baselineClaimsPerHour ?? 60,
      "handles.baselineClaimsPerHour",
      1,
      1_000_000,
    ),
    fixedDifficulty: fixed,
  };
}

function integer(value: number, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RelayError(
      "ERR_CONFIG_INVALID",
      `${name}: expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function config<T>(run: () => T, message: string): T {
  try {
    return run();
  } catch (cause) {
    throw new RelayError("ERR_CONFIG_INVALID", message, { cause });
  }
}
