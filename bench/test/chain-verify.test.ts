import { describe, expect, it } from "vitest";
import { runChainBench } from "../chain-verify.ts";

describe("bench/chain-verify.ts", () => {
  it("measures every row, or says why a peer was skipped", async () => {
    const rows = await runChainBench({ runs: 1, iterations: 2 });
    const names = rows.map((row) => row.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "bare node:crypto Ed25519 verify",
        "ANTS cold: 3 hops + invocation",
        "ANTS warm: cached links + fresh invocation",
        "jose compactVerify, same 4 JWS",
      ]),
    );
    for (const row of rows) {
      if (row.skipped !== undefined) expect(row.skipped.length).toBeGreaterThan(0);
      else expect(row.medianMicros).toBeGreaterThan(0);
    }
    expect(rows.find((row) => row.name.startsWith("bare"))!.ratioToBare).toBe(1);
  }, 60_000);
});
