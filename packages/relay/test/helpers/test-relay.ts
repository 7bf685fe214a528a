import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type RunningRelay,
  type StartRelayOptions,
  startRelay,
} from "../../src/app/start-relay.ts";
import { testRelayLog } from "./test-log.ts";

/** A relay on a random loopback port with a temporary data directory, for tests. */
export interface TestRelay extends RunningRelay {
  dataDir: string;
}

/**
 * Starts a real relay over HTTP: random port, temp SQLite file, a cheap key work factor, silent
 * logs (or info logs to a file when ANTS_TEST_LOG_DIR is set, see test-log.ts). `close()` stops
 * it and deletes its data directory.
 */
export async function startTestRelay(options: StartRelayOptions = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "ants-relay-"));
  const log =
    options.logger === undefined ? testRelayLog() : { logger: options.logger, close: () => {} };
  const relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    processMetrics: false,
    ...options,
    logger: log.logger,
  });
  return {
    ...relay,
    dataDir,
    close: async () => {
      await relay.close();
      log.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
