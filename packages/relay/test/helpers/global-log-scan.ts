import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanLogDirectory } from "./secret-scan.ts";
import { TEST_LOG_DIR_VARIABLE } from "./test-log.ts";

/** Findings listed in the failure message; the rest are counted. */
const MAX_LISTED = 20;

/**
 * Vitest global setup: points ANTS_TEST_LOG_DIR at a fresh directory before the workers start
 * (forked workers inherit it), so test relays log at info to files there; the teardown scans
 * every file for secret material and fails the run with file, line and pattern if any is found.
 * A directory given from outside is scanned and kept; the one created here is removed if clean.
 */
export default function setup(): () => void {
  const given = process.env[TEST_LOG_DIR_VARIABLE];
  const directory =
    given === undefined || given === "" ? mkdtempSync(join(tmpdir(), "ants-test-logs-")) : given;
  process.env[TEST_LOG_DIR_VARIABLE] = directory;
  return () => {
    const scan = scanLogDirectory(directory);
    console.log(
      `log secret scan: ${scan.files} files, ${scan.bytes} bytes in ${directory}, ` +
        `${scan.findings.length} findings`,
    );
    if (scan.findings.length > 0) {
      const listed = scan.findings
        .slice(0, MAX_LISTED)
        .map(({ file, line, pattern }) => `  ${file}:${line}: ${pattern}`);
      // Vitest prints an error thrown here but still exits 0: set the status as well.
      process.exitCode = 1;
      throw new Error(
        `secret material in test logs (${scan.findings.length} findings, logs kept):\n` +
          listed.join("\n"),
      );
    }
    if (directory !== given) rmSync(directory, { recursive: true, force: true });
  };
}
