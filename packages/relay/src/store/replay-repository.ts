/** Why a login nonce could not be spent, or that it was (docs/spec/sessions.md 3.2, step 5). */
export type ChallengeSpend = "spent" | "unknown" | "used" | "expired";

/**
 * Single-use records kept in the store, so that single use holds across every relay instance
 * sharing it and across restarts (docs/spec/sessions.md 5): login challenges, and the
 * invocations a relay on a shared store has accepted.
 */
export interface ReplayRepository {
  /** Records a login nonce, valid until `expiresAt`. */
  issueChallenge(nonce: string, expiresAt: number): Promise<void>;
  /**
   * Spends a login nonce. Atomic: of two concurrent calls for one nonce, at most one resolves
   * "spent"; the others learn why not ("used", "expired", or "unknown" when never issued or
   * already swept).
   */
  spendChallenge(nonce: string, now: number): Promise<ChallengeSpend>;
  /**
   * Records `key` (an invocation's actor and `jti`) until `expiresAt`. Resolves true when it was
   * not recorded yet, or only by a row expired at `now`; false when it is still recorded.
   * Atomic: of two concurrent calls for one key, exactly one resolves true.
   */
  claimInvocation(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes challenges that expired before `before` and invocation records expired at `now`. */
  sweep(before: number, now: number): Promise<void>;
}

/** The reason a nonce was not spent, from its row (shared by both stores). */
export function whyNotSpent(
  row: { expiresAt: number | string; spentAt: number | string | null } | undefined,
): ChallengeSpend {
  if (row === undefined) return "unknown";
  return row.spentAt !== null ? "used" : "expired";
}
