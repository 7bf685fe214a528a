import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateKeyEventVectors } from "../../../../scripts/generate-key-event-vectors.ts";
import { vectorFileText } from "../../../../scripts/generate-token-vectors.ts";
import { isProtocolError, type KeyEventRecord, verifyKeyEventLog } from "../../src/index.ts";

interface VectorCase {
  description: string;
  events: KeyEventRecord[];
  receivedAt: number[];
  valid: boolean;
  error?: string;
  index?: number;
  reason?: string;
  expect?: {
    currentKey: string;
    nextKeyDigest: string | null;
    keyAt: { time: number; key: string | null }[];
    revoked: { key: string; reason: string; at: number; compromisedSince?: number }[];
  };
}

const VECTORS = new URL("../../../../docs/spec/vectors/", import.meta.url);
const FILES = ["key-events.json", "key-events-malformed.json"];

function load(name: string): { cases: VectorCase[] } {
  return JSON.parse(readFileSync(new URL(name, VECTORS), "utf8"));
}

function run(c: VectorCase) {
  try {
    return { log: verifyKeyEventLog(c.events, { receivedAt: c.receivedAt }) };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return { error };
  }
}

describe.each(FILES)("docs/spec/vectors/%s", (name) => {
  const cases = load(name).cases;

  it.each(cases.filter((c) => c.valid))("valid: $description", (c) => {
    const { log, error } = run(c);
    expect(error).toBeUndefined();
    const expected = c.expect!;
    expect(log!.currentKey.key).toBe(expected.currentKey);
    expect(log!.nextKeyDigest ?? null).toBe(expected.nextKeyDigest);
    for (const probe of expected.keyAt) {
      expect(log!.keyAt(probe.time)?.key ?? null, `keyAt(${probe.time})`).toBe(probe.key);
    }
    const revoked = log!.revokedKeys.map((period) => ({ key: period.key, ...period.revocation }));
    expect(revoked.map(({ byEvent: _, ...rest }) => rest)).toEqual(expected.revoked);
  });

  it.each(cases.filter((c) => !c.valid))("refused: $description", (c) => {
    const { error } = run(c);
    expect(error?.code).toBe(c.error);
    expect(error?.details?.index).toBe(c.index);
    expect(error?.details?.reason).toBe(c.reason);
  });
});

describe("scripts/generate-key-event-vectors.ts", () => {
  it("regenerates the committed vectors byte for byte", () => {
    for (const [name, value] of Object.entries(generateKeyEventVectors())) {
      const committed = readFileSync(new URL(name, VECTORS), "utf8");
      expect(vectorFileText(value) === committed, name).toBe(true);
    }
  });
});
