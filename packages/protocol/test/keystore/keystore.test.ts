import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decryptSeed, encryptSeed, isProtocolError } from "../../src/index.ts";

/** Tests write cheap keystores through the option named for its risk. */
const CHEAP = { insecureWorkFactorLog2ForTests: 4 };
const SEED = new Uint8Array(32).map((_, i) => i);
const PASSPHRASE = "correct horse battery staple";
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

async function codeOf(operation: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await operation();
  } catch (error) {
    return isProtocolError(error) ? error.code : `not a ProtocolError: ${String(error)}`;
  }
  return undefined;
}

/** Rewrites the scrypt stanza's work factor, leaving the rest of the file as it was. */
function withWorkFactor(file: Uint8Array, log2: string): Uint8Array {
  return bytesOf(latin1(file).replace(/^(-> scrypt \S+) \d+$/m, `$1 ${log2}`));
}

describe("encryptSeed and decryptSeed", () => {
  it("round-trips any seed and passphrase", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        async (seed, passphrase) => {
          const file = await encryptSeed(seed, passphrase, CHEAP);
          expect(await decryptSeed(file, passphrase)).toEqual(seed);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("writes an age v1 file with exactly one scrypt stanza at 2^18 by default", async () => {
    const file = await encryptSeed(SEED, PASSPHRASE);
    const lines = latin1(file).split("\n");
    expect(lines[0]).toBe("age-encryption.org/v1");
    expect(lines[1]).toMatch(/^-> scrypt [A-Za-z0-9+/]{22} 18$/);
    expect(lines[3]).toMatch(/^--- /);
  });

  it("holds the documented payload, readable by the age library alone", async () => {
    const file = await encryptSeed(SEED, PASSPHRASE, CHEAP);
    const decrypter = new Decrypter();
    decrypter.addPassphrase(PASSPHRASE);
    const hex = Buffer.from(SEED).toString("hex");
    expect(await decrypter.decrypt(file, "text")).toBe(
      `{"format":"ants-keystore/v1","seed":"${hex}"}\n`,
    );
  });

  it("refuses work factors below 2^18 unless the insecure option is used", async () => {
    expect(await codeOf(() => encryptSeed(SEED, PASSPHRASE, { workFactorLog2: 17 }))).toBe(
      "ERR_KEYSTORE_WORK_FACTOR_TOO_LOW",
    );
    expect(await codeOf(() => encryptSeed(SEED, PASSPHRASE, { workFactorLog2: 21 }))).toBe(
      "ERR_MALFORMED",
    );
    expect(
      await codeOf(() => encryptSeed(SEED, PASSPHRASE, { insecureWorkFactorLog2ForTests: 0 })),
    ).toBe("ERR_MALFORMED");
  });

  it("refuses a seed that is not 32 bytes with ERR_KEYSTORE_SEED_INVALID", async () => {
    expect(await codeOf(() => encryptSeed(new Uint8Array(31), PASSPHRASE, CHEAP))).toBe(
      "ERR_KEYSTORE_SEED_INVALID",
    );
  });

  it("refuses an empty passphrase with ERR_KEYSTORE_PASSPHRASE_MISSING", async () => {
    expect(await codeOf(() => encryptSeed(SEED, "", CHEAP))).toBe(
      "ERR_KEYSTORE_PASSPHRASE_MISSING",
    );
    const file = await encryptSeed(SEED, PASSPHRASE, CHEAP);
    expect(await codeOf(() => decryptSeed(file, ""))).toBe("ERR_KEYSTORE_PASSPHRASE_MISSING");
  });
});

describe("decryptSeed refusals", () => {
  it("reports a wrong passphrase as ERR_KEYSTORE_PASSPHRASE_WRONG", async () => {
    const file = await encryptSeed(SEED, PASSPHRASE, CHEAP);
    expect(await codeOf(() => decryptSeed(file, "Correct horse battery staple"))).toBe(
      "ERR_KEYSTORE_PASSPHRASE_WRONG",
    );
  });

  it("reports every truncation, from empty to one byte short, as ERR_KEYSTORE_TRUNCATED", async () => {
    const file = await encryptSeed(SEED, PASSPHRASE, CHEAP);
    const codes = new Set<string | undefined>();
    for (let length = 0; length < file.length; length++) {
      codes.add(await codeOf(() => decryptSeed(file.subarray(0, length), PASSPHRASE)));
    }
    expect([...codes]).toEqual(["ERR_KEYSTORE_TRUNCATED"]);
  });

  it("reports a changed payload byte, MAC or an appended byte as ERR_KEYSTORE_TAMPERED", async () => {
    const file = await encryptSeed(SEED, PASSPHRASE, CHEAP);
    const headerLength = latin1(file).indexOf("\n", latin1(file).indexOf("--- ")) + 1;
    const codes = new Set<string | undefined>();
    for (let index = headerLength; index < file.length; index++) {
      const tampered = file.slice();
      tampered[index]! ^= 0x01;
      codes.add(await codeOf(() => decryptSeed(tampered, PASSPHRASE)));
    }
    const text = latin1(file);
    const macAt = text.indexOf("--- ") + 4;
    const otherMac =
      text.slice(0, macAt) + (text[macAt] === "A" ? "B" : "A") + text.slice(macAt + 1);
    codes.add(await codeOf(() => decryptSeed(bytesOf(otherMac), PASSPHRASE)));
    codes.add(await codeOf(() => decryptSeed(new Uint8Array([...file, 0]), PASSPHRASE)));
    expect([...codes]).toEqual(["ERR_KEYSTORE_TAMPERED"]);
  });

  it("reports a broken header grammar as ERR_KEYSTORE_TAMPERED", async () => {
    const text = latin1(await encryptSeed(SEED, PASSPHRASE, CHEAP));
    const broken = [
      text.replace("-> scrypt", "->  scrypt"),
      text.replace("-> scrypt", "-> scrypt extra"),
      text.replace("\n--- ", "\n--x "),
      withWorkFactor(bytesOf(text), "018"),
    ];
    for (const file of broken) {
      const bytes = typeof file === "string" ? bytesOf(file) : file;
      expect(await codeOf(() => decryptSeed(bytes, PASSPHRASE))).toBe("ERR_KEYSTORE_TAMPERED");
    }
  });

  it("refuses a work factor above the ceiling before any scrypt work", async () => {
    const file = await encryptSeed(SEED, PASSPHRASE, CHEAP);
    const started = performance.now();
    expect(await codeOf(() => decryptSeed(withWorkFactor(file, "21"), PASSPHRASE))).toBe(
      "ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH",
    );
    const claims2To20 = withWorkFactor(file, "20");
    expect(
      await codeOf(() => decryptSeed(claims2To20, PASSPHRASE, { maxWorkFactorLog2: 12 })),
    ).toBe("ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH");
    // 2^20 scrypt takes seconds and a gigabyte; both refusals together must take far less.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("refuses a ceiling the age library cannot honour with ERR_NOT_SUPPORTED", async () => {
    const file = await encryptSeed(SEED, PASSPHRASE, CHEAP);
    expect(await codeOf(() => decryptSeed(file, PASSPHRASE, { maxWorkFactorLog2: 21 }))).toBe(
      "ERR_NOT_SUPPORTED",
    );
  });

  it("reports an X25519 age file as ERR_KEYSTORE_NOT_ANTS", async () => {
    const identity = await generateX25519Identity();
    const encrypter = new Encrypter();
    encrypter.addRecipient(await identityToRecipient(identity));
    const file = await encrypter.encrypt(SEED);
    expect(await codeOf(() => decryptSeed(file, PASSPHRASE))).toBe("ERR_KEYSTORE_NOT_ANTS");
  });

  it("reports a passphrase age file holding something else as ERR_KEYSTORE_NOT_ANTS", async () => {
    const encrypter = new Encrypter();
    encrypter.setPassphrase(PASSPHRASE);
    encrypter.setScryptWorkFactor(4);
    for (const payload of [
      SEED,
      "hello",
      `{"format":"ants-keystore/v2","seed":"${"0".repeat(64)}"}\n`,
    ]) {
      const file = await encrypter.encrypt(payload);
      expect(await codeOf(() => decryptSeed(file, PASSPHRASE))).toBe("ERR_KEYSTORE_NOT_ANTS");
    }
  });

  it("reports armored, foreign and oversized files as ERR_KEYSTORE_NOT_ANTS", async () => {
    const foreign = [
      bytesOf("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"),
      bytesOf("age-encryption.org/v2\n"),
      bytesOf('{"seed":"00"}'),
      new Uint8Array(2048).fill(0x41),
      new Uint8Array(64 * 1024),
    ];
    for (const file of foreign) {
      expect(await codeOf(() => decryptSeed(file, PASSPHRASE))).toBe("ERR_KEYSTORE_NOT_ANTS");
    }
  });

  it("never throws anything but a ProtocolError for arbitrary bytes after the version line", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (tail) => {
        const file = new Uint8Array([...bytesOf("age-encryption.org/v1\n"), ...tail]);
        const code = await codeOf(() => decryptSeed(file, PASSPHRASE));
        expect(code).toMatch(/^ERR_KEYSTORE_/);
      }),
      { numRuns: 200 },
    );
  });
});
