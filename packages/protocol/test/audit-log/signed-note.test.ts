import { describe, expect, it } from "vitest";
import { openCheckpoint, parseCheckpoint, signCheckpoint } from "../../src/audit-log/checkpoint.ts";
import { emptyRootHash } from "../../src/audit-log/merkle-hash.ts";
import {
  createNoteSigner,
  formatVerifierKey,
  noteKeyId,
  parseVerifierKey,
} from "../../src/audit-log/note-key.ts";
import { openNote, signNote } from "../../src/audit-log/signed-note.ts";
import { createSigner, generateKeyPair } from "../../src/keys/ed25519.ts";
import vectors from "../vectors/signed-note.json" with { type: "json" };

// The Go signer key string is "PRIVATE+KEY+<name>+<id>+base64(0x01 || seed)".
const seed = Buffer.from(vectors.key.signerKey.split("+").slice(4).join("+"), "base64").subarray(1);
const peter = createSigner(new Uint8Array(seed));
const peterVerifier = parseVerifierKey(vectors.key.verifierKey);

describe("signed-note reference example", () => {
  it("derives the reference key ID and verifier key string from the seed", () => {
    expect(noteKeyId("PeterNeumann", peter.publicKey).toString(16)).toBe(vectors.key.keyId);
    expect(formatVerifierKey("PeterNeumann", peter.publicKey)).toBe(vectors.key.verifierKey);
  });

  it("signs the reference text into the published note byte for byte", () => {
    expect(signNote(vectors.text, [createNoteSigner("PeterNeumann", peter)])).toBe(vectors.note);
  });

  for (const c of vectors.notes) {
    it(`${c.valid ? "opens" : "refuses"} a note: ${c.description}`, () => {
      const verifiers = c.verifiers.map(parseVerifierKey);
      if (!c.valid) {
        expect(() => openNote(c.note, verifiers)).toThrow(
          expect.objectContaining({ code: c.error }),
        );
        return;
      }
      const opened = openNote(new TextEncoder().encode(c.note), verifiers);
      expect(opened.text).toBe(c.text);
      expect(opened.verified.map((k) => k.name)).toEqual(c.verified);
      expect(opened.unverified.map((k) => k.name)).toEqual(c.unverified);
    });
  }

  for (const c of vectors.verifierKeys) {
    it(`${c.valid ? "parses" : "refuses"} verifier key: ${c.description}`, () => {
      if (c.valid) {
        const key = parseVerifierKey(c.verifierKey);
        expect({ name: key.name, keyId: key.keyId.toString(16) }).toEqual({
          name: c.name,
          keyId: c.keyId,
        });
      } else {
        expect(() => parseVerifierKey(c.verifierKey)).toThrow(
          expect.objectContaining({ code: c.error }),
        );
      }
    });
  }
});

describe("signed notes", () => {
  it("refuses invalid UTF-8, oversize notes and too many signatures", () => {
    const malformed = expect.objectContaining({ code: "ERR_LOG_NOTE_MALFORMED" });
    const invalidUtf8 = new Uint8Array([0x61, 0xff, 0x0a, 0x0a]);
    expect(() => openNote(invalidUtf8, [peterVerifier])).toThrow(malformed);
    const huge = `${"a".repeat(200_000)}\n${vectors.note.slice(vectors.text.length)}`;
    expect(() => openNote(huge, [peterVerifier])).toThrow(malformed);
    const line = vectors.note.slice(vectors.text.length + 1).replace("PeterNeumann", "Other");
    const many = `${vectors.text}\n${line.repeat(101)}`;
    expect(() => openNote(many, [peterVerifier])).toThrow(malformed);
  });

  it("refuses to sign text a verifier would refuse", () => {
    const signer = createNoteSigner("PeterNeumann", peter);
    const malformed = expect.objectContaining({ code: "ERR_LOG_NOTE_MALFORMED" });
    expect(() => signNote("no newline", [signer])).toThrow(malformed);
    expect(() => signNote("bell \u0007\n", [signer])).toThrow(malformed);
    expect(() => signNote("ok\n", [])).toThrow(malformed);
  });

  it("refuses key names with spaces or '+'", () => {
    const invalid = expect.objectContaining({ code: "ERR_KEY_INVALID" });
    expect(() => createNoteSigner("a b", peter)).toThrow(invalid);
    expect(() => createNoteSigner("a+b", peter)).toThrow(invalid);
    expect(() => createNoteSigner("", peter)).toThrow(invalid);
  });

  it("verifies a note signed by two keys and rejects it when one known signature fails", () => {
    const other = createSigner(generateKeyPair().seed);
    const signers = [createNoteSigner("PeterNeumann", peter), createNoteSigner("witness", other)];
    const note = signNote("two keys\n", signers);
    const witness = parseVerifierKey(formatVerifierKey("witness", other.publicKey));
    expect(openNote(note, [peterVerifier, witness]).verified).toHaveLength(2);
    // Keep the key ID (the first 8 base64 characters), change the signature after it.
    const forged = note.replace(/(witness \S{20})\S{4}/, "$1AAAA");
    expect(() => openNote(forged, [peterVerifier, witness])).toThrow(
      expect.objectContaining({ code: "ERR_LOG_NOTE_SIGNATURE_INVALID" }),
    );
  });
});

describe("checkpoints", () => {
  for (const c of vectors.checkpoints) {
    it(`${c.valid ? "parses" : "refuses"} ${c.description}`, () => {
      if (!c.valid) {
        expect(() => parseCheckpoint(c.text)).toThrow(expect.objectContaining({ code: c.error }));
        return;
      }
      const checkpoint = parseCheckpoint(c.text);
      expect(checkpoint.origin).toBe(c.origin);
      expect(checkpoint.size).toBe(c.size);
      expect(Buffer.from(checkpoint.rootHash).toString("base64")).toBe(c.rootHash);
      expect(checkpoint.extensions).toEqual(c.extensions);
    });
  }

  it("signs and opens a checkpoint, checking its origin", () => {
    const signer = createNoteSigner("relay.example/log", peter);
    const verifier = parseVerifierKey(formatVerifierKey("relay.example/log", peter.publicKey));
    const checkpoint = {
      origin: "relay.example/log",
      size: 0,
      rootHash: emptyRootHash(),
      extensions: [],
    };
    const note = signCheckpoint(checkpoint, signer);
    expect(
      note.startsWith("relay.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n"),
    ).toBe(true);
    expect(openCheckpoint(note, [verifier], { origin: "relay.example/log" })).toEqual(checkpoint);
    expect(() => openCheckpoint(note, [verifier], { origin: "other.example/log" })).toThrow(
      expect.objectContaining({ code: "ERR_LOG_CHECKPOINT_MALFORMED" }),
    );
  });
});
