import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findSecretMaterial, scanLogDirectory } from "../helpers/secret-scan.ts";
import { TEST_LOG_DIR_VARIABLE } from "../helpers/test-log.ts";
import { startTestRelay } from "../helpers/test-relay.ts";

const JWS = `eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6a2V5OnoifQ.${"A".repeat(86)}`;
const CLEAN =
  '{"level":30,"name":"relay","method":"POST","path":"/v1/sessions","status":401,' +
  '"headers":{"authorization":"[redacted]"},"passphrase":"[redacted]","msg":"request answered"}';

describe("secret scan of test logs", () => {
  it("finds nothing in a clean line, with redacted credentials", () => {
    expect(findSecretMaterial(CLEAN)).toEqual([]);
  });

  it("reports each planted secret with its line and kind", () => {
    const planted = [
      CLEAN,
      `{"msg":"token ${JWS}"}`,
      '{"jwk":{"kty":"OKP","crv":"Ed25519","x":"abc","d":"def"}}',
      "AGE-SECRET-KEY-1QQQQ",
      "-----BEGIN PRIVATE KEY-----",
      '{"req":{"headers":{"authorization":"DPoP abc"}}}',
      '{"headers":{"DPoP":"x.y.z"}}',
      `Authorization: Bearer ${"t".repeat(32)}`,
      '{"passphrase":"correct horse battery staple"}',
      "ANTS_PASSPHRASE=hunter2",
    ].join("\n");
    expect(findSecretMaterial(planted)).toEqual([
      { line: 2, pattern: "a compact JWS" },
      { line: 3, pattern: "a private JWK member" },
      { line: 4, pattern: "an age identity" },
      { line: 5, pattern: "a PEM block" },
      { line: 6, pattern: "an Authorization or DPoP header value" },
      { line: 7, pattern: "an Authorization or DPoP header value" },
      { line: 8, pattern: "a credential with its scheme" },
      { line: 9, pattern: "a passphrase or seed value" },
      { line: 10, pattern: "a passphrase in the environment" },
    ]);
  });

  it("scans every file of a directory, counting files and bytes", () => {
    const directory = mkdtempSync(join(tmpdir(), "ants-scan-"));
    try {
      writeFileSync(join(directory, "clean.log"), `${CLEAN}\n`);
      writeFileSync(join(directory, "leaky.log"), `${CLEAN}\n{"token":"${JWS}"}\n`);
      const scan = scanLogDirectory(directory);
      expect(scan.files).toBe(2);
      expect(scan.bytes).toBe(CLEAN.length * 2 + 2 + `{"token":"${JWS}"}\n`.length);
      expect(scan.findings).toEqual([
        { file: join(directory, "leaky.log"), line: 2, pattern: "a compact JWS" },
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("runs with the log directory set by the global setup, and test relays log there", async () => {
    // The variable reaches forked workers from the global setup (vitest.config.ts).
    const directory = process.env[TEST_LOG_DIR_VARIABLE];
    expect(directory).toBeTruthy();
    expect(existsSync(directory!)).toBe(true);
    const before = new Set(readdirSync(directory!));
    const relay = await startTestRelay();
    const response = await fetch(`${relay.url}/v1/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${JWS}`, dpop: JWS },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    await relay.close();
    const added = readdirSync(directory!).filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
    const text = readFileSync(join(directory!, added[0]!), "utf8");
    expect(text).toContain('"path":"/v1/sessions"');
    expect(findSecretMaterial(text)).toEqual([]);
  });
});
