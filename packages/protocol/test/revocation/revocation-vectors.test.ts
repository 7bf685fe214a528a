import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeBase64url,
  isProtocolError,
  parseRevocationRequest,
  type RevocationQuery,
  RevocationState,
  type RevocationStateItem,
  verifyRevocationRequest,
  verifyRevocationSnapshot,
} from "../../src/index.ts";

const vectors = JSON.parse(
  readFileSync(new URL("../../../../docs/spec/vectors/revocations.json", import.meta.url), "utf8"),
);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe("revocation request vectors (docs/spec/revocation.md 2)", () => {
  for (const vector of vectors.requests) {
    it(`${vector.valid ? "accepts" : "refuses"} ${vector.description}`, () => {
      const verify = () =>
        verifyRevocationRequest(parseRevocationRequest(vector.token), {
          relay: vectors.relay,
          now: vectors.now,
        });
      if (vector.valid) expect(verify()).toEqual(vector.claims);
      else expect(codeOf(verify)).toBe(vector.code);
    });
  }
});

describe("revocation snapshot vectors (docs/spec/revocation.md 5)", () => {
  const relayKey = decodeBase64url(vectors.relayKey, "relayKey");
  for (const vector of vectors.snapshots) {
    it(`${vector.valid ? "accepts" : "refuses"} ${vector.description}`, () => {
      const verify = () =>
        verifyRevocationSnapshot(vector.token, {
          relay: vectors.relay,
          relayKey,
          now: vectors.now,
        });
      if (vector.valid) expect(verify().state.length).toBeGreaterThan(0);
      else expect(codeOf(verify)).toBe(vector.code);
    });
  }
});

describe("revocation state vectors (docs/spec/revocation.md 3)", () => {
  const state = new RevocationState();
  for (const item of vectors.state.state as RevocationStateItem[]) state.apply(item);
  for (const vector of vectors.state.cases) {
    it(vector.description, () => {
      expect(state.check(vector.query as RevocationQuery)).toEqual(vector.revoked);
    });
  }
});
