import { describe, expect, it } from "vitest";
import { LoadStats, quantile } from "../../src/load/load-stats.ts";

describe("load statistics", () => {
  it("quantile is the nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile(sorted, 1)).toBe(100);
    expect(quantile([], 0.5)).toBe(0);
  });

  it("counts errors by code and kind, and starts a new interval on each take", () => {
    const stats = new LoadStats();
    for (let i = 1; i <= 10; i++) stats.record("authorize", i);
    stats.fail("revoke", "ERR_RELAY_UNREACHABLE", 50);
    stats.mismatch({ kind: "authorize", expected: "allow", got: "deny ERR_REVOKED_TOKEN" });
    expect(stats.summary()).toEqual({
      authorize: { count: 10, errors: 0, p50: 5, p90: 9, p99: 10, max: 10 },
      revoke: { count: 1, errors: 1, p50: 50, p90: 50, p99: 50, max: 50 },
    });
    expect(Object.fromEntries(stats.errors)).toEqual({ ERR_RELAY_UNREACHABLE: 1 });
    expect(stats.mismatches).toBe(1);
    expect(stats.takeInterval()).toMatchObject({ count: 11, errors: 1, max: 50 });
    expect(stats.takeInterval()).toMatchObject({ count: 0, errors: 0, max: 0 });
  });
});
