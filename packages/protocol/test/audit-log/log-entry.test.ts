import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  buildDecisionEntry,
  buildEventEntry,
  hashArgs,
  redactInvocation,
} from "../../src/audit-log/build-log-entry.ts";
import { entryAgent, type LogEntry } from "../../src/audit-log/log-entry.ts";
import { decodeLogEntry, encodeLogEntry } from "../../src/audit-log/log-entry-codec.ts";
import { encodeBase64url } from "../../src/encoding/base64url.ts";
import { createSigner } from "../../src/keys/ed25519.ts";

const signer = createSigner(new Uint8Array(32).fill(7));
const text = (value: unknown) => encodeBase64url(Buffer.from(JSON.stringify(value)));
const ACTOR = "did:key:z6MkActor";
const RELAY = "did:key:z6MkRelay";
const NOW = 1_767_225_600;
const HASH = encodeBase64url(new Uint8Array(32).fill(1));

function invocation(claims: Record<string, unknown>): string {
  const signingInput = `${text({ alg: "EdDSA", typ: "ants-inv+jwt", kid: "k1" })}.${text(claims)}`;
  return `${signingInput}.${encodeBase64url(signer.sign(Buffer.from(signingInput)))}`;
}

const compact = invocation({ iss: ACTOR, cmd: "/twitter/post", args: { text: "hello" }, jti: "j" });

function decision(overrides: Record<string, unknown> = {}): LogEntry {
  return buildDecisionEntry({
    time: NOW,
    relay: RELAY,
    actor: ACTOR,
    cmd: "/twitter/post",
    principal: "did:key:z6MkPrincipal",
    chain: [HASH],
    decision: "allow",
    invocation: compact,
    prev: { index: 3, leafHash: HASH },
    ...overrides,
  });
}

function bytesOf(json: string): Uint8Array {
  return new TextEncoder().encode(json);
}

describe("decision entries", () => {
  it("replace the invocation's args by the hash of their canonical JSON", () => {
    const entry = decision();
    if (entry.type !== "decision") throw new Error("unexpected type");
    expect(entry.invocation.payload).not.toHaveProperty("args");
    expect(entry.invocation.argsHash).toBe(hashArgs({ text: "hello" }));
    expect(entry.invocation.hash).toBe(
      encodeBase64url(createHash("sha256").update(compact).digest()),
    );
    expect(new TextDecoder().decode(encodeLogEntry(entry))).not.toContain("hello");
  });

  it("record null for optional fields and round-trip through their bytes", () => {
    const entry = decision();
    expect(entry).toMatchObject({ instructor: null, delegate: null, reason: null });
    expect(decodeLogEntry(encodeLogEntry(entry))).toEqual(entry);
    expect(entryAgent(entry)).toBe(ACTOR);
  });

  it("record a null argsHash for an invocation without args", () => {
    const entry = decision({ invocation: invocation({ iss: ACTOR, cmd: "/a" }) });
    expect(entry.type === "decision" && entry.invocation.argsHash).toBeNull();
  });

  it("refuse a malformed invocation with ERR_JWS_MALFORMED", () => {
    const malformed = expect.objectContaining({ code: "ERR_JWS_MALFORMED" });
    expect(() => redactInvocation("a.b")).toThrow(malformed);
    expect(() => redactInvocation(`${text([1])}.${text({})}.${"A".repeat(86)}`)).toThrow(malformed);
    expect(() => redactInvocation(`!!.e30.${"A".repeat(86)}`)).toThrow(malformed);
    expect(() => redactInvocation(`${text({})}.${text({})}.AA`)).toThrow(malformed);
  });

  it("refuse args holding an unsafe integer", () => {
    const bad = invocation({ iss: ACTOR, args: { n: 2 ** 60 } });
    expect(() => decision({ invocation: bad })).toThrow(
      expect.objectContaining({ code: "ERR_NUMBER_UNSAFE" }),
    );
  });
});

describe("event entries", () => {
  it("belong to their subject's chain and round-trip", () => {
    const entry = buildEventEntry({
      time: NOW,
      relay: RELAY,
      event: "key",
      action: "rotated",
      subject: ACTOR,
      data: { kid: "abc" },
    });
    expect(entryAgent(entry)).toBe(ACTOR);
    expect(decodeLogEntry(encodeLogEntry(entry))).toEqual(entry);
  });

  it("refuse entries above 65,535 bytes with ERR_LOG_ENTRY_TOO_LARGE", () => {
    const entry = buildEventEntry({
      time: NOW,
      relay: RELAY,
      event: "handle",
      action: "claimed",
      subject: ACTOR,
      data: { note: "x".repeat(65_535) },
    });
    expect(() => encodeLogEntry(entry)).toThrow(
      expect.objectContaining({ code: "ERR_LOG_ENTRY_TOO_LARGE" }),
    );
  });
});

describe("decodeLogEntry refusals", () => {
  const valid = new TextDecoder().decode(encodeLogEntry(decision()));
  const malformed = expect.objectContaining({ code: "ERR_LOG_ENTRY_MALFORMED" });

  it("refuses a non-canonical serialisation of a valid entry", () => {
    const spaced = JSON.stringify(JSON.parse(valid), null, 1);
    expect(() => decodeLogEntry(bytesOf(spaced))).toThrow(malformed);
  });

  it("refuses duplicate member names", () => {
    const duplicated = valid.replace('{"actor":', '{"actor":"did:key:z6MkOther","actor":');
    expect(() => decodeLogEntry(bytesOf(duplicated))).toThrow(malformed);
  });

  it("refuses unknown members, wrong types and unknown enum values, naming the field", () => {
    const entry = JSON.parse(valid) as Record<string, unknown>;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...entry, extra: 1 }, "entry.extra"],
      [{ ...entry, decision: "maybe" }, "entry.decision"],
      [{ ...entry, time: -1 }, "entry.time"],
      [{ ...entry, chain: ["short"] }, "entry.chain"],
      [{ ...entry, prev: { index: 1 } }, "entry.prev"],
    ];
    for (const [bad, field] of cases) {
      expect(() => decodeLogEntry(bytesOf(JSON.stringify(bad)))).toThrow(
        expect.objectContaining({
          code: "ERR_LOG_ENTRY_MALFORMED",
          message: expect.stringContaining(field),
        }),
      );
    }
  });

  it("refuses another schema version with ERR_NOT_SUPPORTED", () => {
    const v2 = valid.replace('"v":1', '"v":2');
    expect(() => decodeLogEntry(bytesOf(v2))).toThrow(
      expect.objectContaining({ code: "ERR_NOT_SUPPORTED" }),
    );
  });

  it("refuses invalid UTF-8 and non-JSON with ERR_JSON_INVALID", () => {
    const invalid = expect.objectContaining({ code: "ERR_JSON_INVALID" });
    expect(() => decodeLogEntry(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(invalid);
    expect(() => decodeLogEntry(bytesOf("{"))).toThrow(invalid);
  });

  it("refuses oversize input before parsing it", () => {
    expect(() => decodeLogEntry(new Uint8Array(65_536))).toThrow(
      expect.objectContaining({ code: "ERR_LOG_ENTRY_TOO_LARGE" }),
    );
  });
});
