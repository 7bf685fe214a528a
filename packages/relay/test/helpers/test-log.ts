import { join } from "node:path";
import { pino } from "pino";
import type { RelayLoggerOptions } from "../../src/http/logging.ts";

/**
 * When set, test relays log at info (the production default) to files in this directory, and
 * the suite's global teardown scans them for secrets (global-log-scan.ts). Unset: silent.
 */
export const TEST_LOG_DIR_VARIABLE = "ANTS_TEST_LOG_DIR";

let opened = 0;

/** A file name in the log directory unique to this process: `<kind>-<pid>-<counter>.log`. */
export function testLogFile(kind: string): string | undefined {
  const directory = process.env[TEST_LOG_DIR_VARIABLE];
  if (directory === undefined || directory === "") return undefined;
  opened += 1;
  return join(directory, `${kind}-${process.pid}-${opened}.log`);
}

/** Logger options for a test relay, and how to close its log file once the relay is closed. */
export interface TestRelayLog {
  readonly logger: RelayLoggerOptions;
  close(): void;
}

/**
 * Logger options for a relay started in a test: silent, or info to its own file in the log
 * directory. Writes are synchronous, so nothing is lost when the worker exits.
 */
export function testRelayLog(): TestRelayLog {
  const file = testLogFile("relay");
  if (file === undefined) return { logger: { level: "silent" }, close: () => {} };
  const destination = pino.destination({ dest: file, sync: true });
  let open = true;
  const close = () => {
    // A relay may be closed twice; the file is closed once.
    if (open) destination.end();
    open = false;
  };
  return { logger: { level: "info", destination }, close };
}
