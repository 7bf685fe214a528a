import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { RelayError } from "../../errors/relay-error.ts";
import { SQLITE_MIGRATIONS } from "../sqlite/sqlite-migrations.ts";
import { SQLITE_FILE_NAME } from "../sqlite/sqlite-store.ts";
import { SKIPPED_TABLES } from "./postgres-tables.ts";

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

/**
 * Opens the relay database in `dataDir` read-only, refusing a directory without one
 * (ERR_CONFIG_INVALID).
 *
 * @example
 * const db = openSqliteSource(".ants-data");
 */
export function openSqliteSource(dataDir: string): Database.Database {
  const path = join(dataDir, SQLITE_FILE_NAME);
  if (!existsSync(path)) {
    throw new RelayError("ERR_CONFIG_INVALID", `data dir: no ${SQLITE_FILE_NAME} in ${dataDir}`);
  }
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new RelayError("ERR_STORE_FAILED", "store: cannot open the database", { cause });
  }
}

/**
 * The relay's tables in a SQLite database, with the columns of each, leaving out SQLite's own
 * tables and SKIPPED_TABLES.
 */
export function listSqliteTables(db: Database.Database): Map<string, string[]> {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  const tables = new Map<string, string[]>();
  for (const name of names.filter((n) => !SKIPPED_TABLES.has(n)).sort()) {
    const columns = db.pragma(`table_info(${JSON.stringify(name)})`) as { name: string }[];
    tables.set(
      name,
      columns.map((column) => column.name),
    );
  }
  return tables;
}

/**
 * Copies the relay's SQLite database in `dataDir` to `out` with SQLite's online backup API: a
 * consistent copy while the relay keeps running. The file appears under its name only once whole.
 *
 * @example
 * await backupSqliteStore(".ants-data", "relay-backup.sqlite");
 */
export async function backupSqliteStore(dataDir: string, out: string): Promise<{ pages: number }> {
  const db = openSqliteSource(dataDir);
  const partial = `${out}.partial`;
  try {
    const { totalPages } = await db.backup(partial);
    // The copy is one self-contained file, not a WAL database with side files.
    const copy = new Database(partial);
    copy.pragma("journal_mode = DELETE");
    copy.close();
    renameSync(partial, out);
    return { pages: totalPages };
  } catch (cause) {
    rmSync(partial, { force: true });
    throw new RelayError("ERR_STORE_FAILED", "backup: cannot write the copy", { cause });
  } finally {
    db.close();
  }
}

/**
 * Restores a SQLite backup into `dataDir`. The file must be a SQLite database that passes
 * `quick_check` and holds a relay schema no newer than this relay's (ERR_BACKUP_INVALID,
 * ERR_NOT_SUPPORTED). A relay database holding data is refused (ERR_STORE_NOT_EMPTY) unless
 * `force`. The relay must be stopped: the copy replaces the database under it.
 *
 * @example
 * await restoreSqliteStore(".ants-data", "relay-backup.sqlite", { force: false });
 */
export async function restoreSqliteStore(
  dataDir: string,
  from: string,
  options: { force: boolean },
): Promise<{ pages: number }> {
  const source = openBackup(from);
  try {
    const target = join(dataDir, SQLITE_FILE_NAME);
    if (!options.force && existsSync(target)) refuseNonEmpty(target);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { totalPages } = await source.backup(target);
    return { pages: totalPages };
  } finally {
    source.close();
  }
}

function openBackup(from: string): Database.Database {
  if (!existsSync(from)) throw new RelayError("ERR_BACKUP_INVALID", "backup: file not found");
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(from, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(SQLITE_HEADER)) {
    throw new RelayError(
      "ERR_BACKUP_INVALID",
      "backup: not a SQLite database (a PostgreSQL dump restores with --database-url)",
    );
  }
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma("quick_check", { simple: true });
    const version = db.pragma("user_version", { simple: true }) as number;
    if (check !== "ok" || version === 0 || !listSqliteTables(db).has("log_entries")) {
      throw new RelayError("ERR_BACKUP_INVALID", "backup: not a whole relay database");
    }
    if (version > SQLITE_MIGRATIONS.length) {
      throw new RelayError(
        "ERR_NOT_SUPPORTED",
        `restore: backup of schema version ${version}, this relay has ${SQLITE_MIGRATIONS.length}`,
      );
    }
    return db;
  } catch (error) {
    db.close();
    if (error instanceof RelayError) throw error;
    throw new RelayError("ERR_BACKUP_INVALID", "backup: not a whole relay database", {
      cause: error,
    });
  }
}

function refuseNonEmpty(path: string): void {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const full = [...listSqliteTables(db).keys()].filter(
      (table) =>
        table !== "handle_secret" &&
        db
          .prepare(`SELECT 1 FROM "${table}"${table === "log_state" ? " WHERE heads_at <> 0" : ""}`)
          .get() !== undefined,
    );
    if (full.length > 0) {
      throw new RelayError(
        "ERR_STORE_NOT_EMPTY",
        `target store: holds data (${full.join(", ")}); pass --force to replace it`,
      );
    }
  } finally {
    db.close();
  }
}
