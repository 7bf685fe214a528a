import { describe, expect, it } from "vitest";
import { runSuite } from "../run.ts";

// One short run of every benchmark: a broken script, or output the suite can no longer read,
// fails here. Timings are not asserted: this machine is shared.
describe("bench/run.ts --smoke", () => {
  it("runs every benchmark and reads figures from each", async () => {
    const outcomes = await runSuite({ smoke: true });
    expect(outcomes.map((o) => o.spec.name)).toEqual(
      expect.arrayContaining(["audit-append", "chain-verify", "authorize-load-16", "revocation"]),
    );
    for (const outcome of outcomes) {
      expect({ name: outcome.spec.name, error: outcome.error }).toEqual({
        name: outcome.spec.name,
        error: undefined,
      });
      expect(outcome.figures.length).toBeGreaterThan(0);
      for (const figure of outcome.figures) expect(Number.isFinite(figure.median)).toBe(true);
    }
  }, 300_000);
});
