import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printResult } from "../output.ts";
import { DEFAULT_RELAY_DATA_DIR } from "./relay-start.ts";

interface StoreOptions {
  data: string;
  databaseUrl?: string;
  json?: boolean;
}

interface BackupOptions extends StoreOptions {
  out: string;
}

interface RestoreOptions extends StoreOptions {
  from: string;
  force?: boolean;
}

interface MigrateOptions extends StoreOptions {
  to: string;
  force?: boolean;
}

/**
 * Registers `ants relay backup`, `ants relay restore` and `ants relay migrate` under the `relay`
 * group (registered by relay-start.ts, which must come first). The store is SQLite in `--data`
 * unless `--database-url` (or ANTS_DATABASE_URL) names a PostgreSQL one; see docs/operations.md
 * "Backup, restore and migration".
 *
 * @example
 * registerRelayStore(program); // ants relay backup --data DIR --out FILE
 */
export function registerRelayStore(program: Command): void {
  const relay = program.commands.find((command) => command.name() === "relay");
  if (relay === undefined) throw new CliError("ERR_INTERNAL", "relay: group not registered");
  storeOptions(relay.command("backup"))
    .description("copy the relay's store to a file (SQLite online backup, or a PostgreSQL dump)")
    .requiredOption("--out <file>", "the file to write")
    .action(async (options: BackupOptions) => {
      const relayModule = await import("@ants/relay");
      const url = databaseUrlOf(options);
      const result = url
        ? { store: "postgres", ...(await relayModule.dumpPostgresStore(url, options.out)) }
        : { store: "sqlite", ...(await relayModule.backupSqliteStore(options.data, options.out)) };
      printResult({ json: options.json === true }, { ...result, out: options.out }, [
        `${result.store} store backed up to ${options.out}`,
      ]);
    });
  storeOptions(relay.command("restore"))
    .description("restore the relay's store from a backup (the relay must be stopped)")
    .requiredOption("--from <file>", "the backup to restore")
    .option("--force", "replace a store that already holds data")
    .action(async (options: RestoreOptions) => {
      const relayModule = await import("@ants/relay");
      const url = databaseUrlOf(options);
      const force = { force: options.force === true };
      const result = url
        ? {
            store: "postgres",
            ...(await relayModule.restorePostgresStore(url, options.from, force)),
          }
        : {
            store: "sqlite",
            ...(await relayModule.restoreSqliteStore(options.data, options.from, force)),
          };
      printResult({ json: options.json === true }, result, [
        `${result.store} store restored from ${options.from}`,
      ]);
    });
  relay
    .command("migrate")
    .description("copy a stopped relay's SQLite store to PostgreSQL, then check the copy")
    .option("--data <dir>", "data directory holding the SQLite store", DEFAULT_RELAY_DATA_DIR)
    .requiredOption("--to <url>", "the PostgreSQL store (postgres://...)")
    .option("--force", "replace a PostgreSQL store that already holds data")
    .option("--json", "print the result as JSON")
    .action(async (options: MigrateOptions) => {
      const { migrateSqliteToPostgres } = await import("@ants/relay");
      const result = await migrateSqliteToPostgres(options.data, options.to, {
        force: options.force === true,
      });
      const total = Object.values(result.rows).reduce((sum, n) => sum + n, 0);
      printResult({ json: options.json === true }, result, [
        `migrated ${total} rows; audit log of ${result.log.size} entries, root ${result.log.root}`,
      ]);
    });
}

function storeOptions(command: Command): Command {
  return command
    .option("--data <dir>", "data directory of the SQLite store", DEFAULT_RELAY_DATA_DIR)
    .option("--database-url <url>", "PostgreSQL store (default: $ANTS_DATABASE_URL)")
    .option("--json", "print the result as JSON");
}

function databaseUrlOf(options: StoreOptions): string | undefined {
  return options.databaseUrl ?? (process.env.ANTS_DATABASE_URL || undefined);
}
