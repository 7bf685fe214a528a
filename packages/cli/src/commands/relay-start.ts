import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { insecureWorkFactorFromEnv } from "../identity-options.ts";
import { printNote } from "../output.ts";
import { collect } from "../token-options.ts";

/** The relay's data directory when `--data` is not given, relative to the working directory. */
export const DEFAULT_RELAY_DATA_DIR = ".ants-data";

/** The relay's default port, as `DEFAULT_RELAY_PORT` in the relay package says; kept here so that
 * registering the command does not load the server. */
const RELAY_DEFAULT_PORT = 7777;

interface RelayStartOptions {
  port: string;
  host: string;
  data: string;
  passphraseFile?: string;
  publicUrl?: string;
  policy?: string;
  trust?: string;
  logLevel: string;
  operator: string[];
  databaseUrl?: string;
  allowPrivateClientMetadata?: boolean;
}

/**
 * Registers `ants relay start`: runs the relay in the foreground until SIGTERM or SIGINT, then
 * stops accepting connections, lets in-flight requests finish and closes the store.
 *
 * @example
 * registerRelayStart(program); // ants relay start [--port 7777] [--data DIR] ...
 */
export function registerRelayStart(program: Command): void {
  const relay = program.command("relay").description("run and manage an ANTS relay");
  relay
    .command("start")
    .description("start a relay in the foreground (stops cleanly on SIGTERM or SIGINT)")
    .option("--port <port>", "TCP port (0 picks a free one)", String(RELAY_DEFAULT_PORT))
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option(
      "--data <dir>",
      "data directory for the database and the relay key",
      DEFAULT_RELAY_DATA_DIR,
    )
    .option("--passphrase-file <file>", "file holding the relay key's passphrase")
    .option("--public-url <url>", "the relay's public URL behind a proxy (checked against htu)")
    .option("--policy <file>", "command policy: minimum trust level per command prefix (JSON)")
    .option("--trust <file>", "trust formula parameters: seeds, pinned levels, thresholds (JSON)")
    .option("--log-level <level>", "log level: fatal, error, warn, info, debug or silent", "info")
    .option("--operator <did>", "an operator's DID, who may revoke anything; repeat", collect, [])
    .option(
      "--database-url <url>",
      "PostgreSQL store shared by several relays (default: $ANTS_DATABASE_URL, else SQLite in --data)",
    )
    .option(
      "--allow-private-client-metadata",
      "risky: fetch OAuth client ID metadata documents from private, loopback and link-local addresses",
    )
    .action(async (options: RelayStartOptions) => {
      // Loaded here, not at the top: every other command starts without the server's modules.
      const { loadTrustOptions, startRelay } = await import("@ants/relay");
      const databaseUrl = options.databaseUrl ?? (process.env.ANTS_DATABASE_URL || undefined);
      const running = await startRelay({
        port: parsePort(options.port),
        host: options.host,
        dataDir: options.data,
        logger: { level: options.logLevel },
        operators: options.operator,
        ...(databaseUrl ? { databaseUrl } : {}),
        ...(options.passphraseFile ? { passphraseFile: options.passphraseFile } : {}),
        ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
        ...(options.policy ? { policyFile: options.policy } : {}),
        ...(options.trust ? { trust: await loadTrustOptions(options.trust) } : {}),
        ...(options.allowPrivateClientMetadata
          ? { clientMetadata: { allowPrivateAddresses: true } }
          : {}),
        ...insecureWorkFactorFromEnv(),
      });
      printNote(`relay ${running.app.relay.identity.did} listening on ${running.url}`);
      await untilSignal();
      printNote("relay stopping");
      await running.close();
    });
}

function parsePort(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) {
    throw new CliError("ERR_USAGE", `--port: expected 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
