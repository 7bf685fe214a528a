import { describe, expect, it } from "vitest";
import { judgeSoak, type SoakSample, slope } from "../soak/soak-verdict.ts";

const MIB = 1024 * 1024;

/** Samples every 10 s; `rss(i)` and `p99(i)` give the i-th sample's values. */
function samples(count: number, rss: (i: number) => number, p99: (i: number) => number) {
  return Array.from(
    { length: count },
    (_, i): SoakSample => ({
      at: (i + 1) * 10,
      answered: 100,
      errors: 0,
      p50: 5,
      p99: p99(i),
      rssBytes: rss(i) * MIB,
      heapUsedBytes: 40 * MIB,
      externalBytes: 2 * MIB,
    }),
  );
}

describe("soak verdict", () => {
  it("slope is the least-squares slope, 0 without two points", () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBe(2);
    expect(slope([5], [9])).toBe(0);
  });

  it("passes a flat run with no errors, whatever start-up memory was handed back", () => {
    const verdict = judgeSoak(
      samples(
        18,
        (i) => (i < 6 ? 420 : 140 + (i % 2)),
        () => 20,
      ),
      { errors: 0 },
    );
    expect(verdict.memory.rssMiBPerMinute).toBeLessThan(1);
    expect(verdict.ok).toBe(true);
  });

  it("fails a run whose RSS keeps growing (3 MiB a minute)", () => {
    const verdict = judgeSoak(
      samples(
        18,
        (i) => 140 + i * 0.5,
        () => 20,
      ),
      { errors: 0 },
    );
    expect(verdict.memory).toMatchObject({ ok: false, rssMiBPerMinute: 3 });
    expect(verdict.ok).toBe(false);
  });

  it("fails a run whose p99 doubles from the first third to the last", () => {
    const verdict = judgeSoak(
      samples(
        18,
        () => 140,
        (i) => (i < 9 ? 20 : 40),
      ),
      { errors: 0 },
    );
    expect(verdict.p99).toMatchObject({ ok: false, firstThirdMs: 20, lastThirdMs: 40, drift: 2 });
  });

  it("fails a run with one error", () => {
    const verdict = judgeSoak(
      samples(
        18,
        () => 140,
        () => 20,
      ),
      { errors: 1 },
    );
    expect(verdict.errors).toEqual({ ok: false, count: 1 });
    expect(verdict.ok).toBe(false);
  });
});
