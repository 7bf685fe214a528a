import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { agentRecord, describeStoreContract } from "./store-contract.ts";

const directory = mkdtempSync(join(tmpdir(), "ants-store-"));
let counter = 0;

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describeStoreContract("sqlite", async () => {
  const path = join(directory, `contract-${counter++}.sqlite`);
  const store = openSqliteStore(path);
  return { store, dispose: () => store.close() };
});

describe("sqlite store", () => {
  it("runs in WAL mode with synchronous=FULL", () => {
    const path = join(directory, "pragmas.sqlite");
    const store = openSqliteStore(path);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    return store.close();
  });

  it("keeps what it acknowledged across a reopen", async () => {
    const path = join(directory, "reopen.sqlite");
    const first = openSqliteStore(path);
    await first.agents.insert(agentRecord("did:key:zR"));
    await first.close();
    const second = openSqliteStore(path);
    expect((await second.agents.get("did:key:zR"))?.id).toBe("did:key:zR");
    await second.close();
  });

  it("refuses a database from a newer relay with ERR_STORE_FAILED", () => {
    const path = join(directory, "newer.sqlite");
    const db = new Database(path);
    db.pragma("user_version = 999");
    db.close();
    expect(() => openSqliteStore(path)).toThrow(
      expect.objectContaining({ code: "ERR_STORE_FAILED" }),
    );
  });

  it("refuses a file that is not a database with ERR_STORE_FAILED", () => {
    const path = join(directory, "garbage.sqlite");
    writeFileSync(path, "this is not sqlite".repeat(100));
    expect(() => openSqliteStore(path)).toThrow(
      expect.objectContaining({ code: "ERR_STORE_FAILED" }),
    );
  });

  it("answers hot-path lookups from an index, never a table scan", () => {
    const path = join(directory, "plans.sqlite");
    const store = openSqliteStore(path);
    const db = new Database(path, { readonly: true });
    const plans = [
      "SELECT * FROM agents WHERE id = 'x'",
      "SELECT * FROM sessions WHERE id = 'x'",
      "SELECT id FROM sessions WHERE agent = 'a' AND instance = 'i' AND ended_at IS NULL",
      "SELECT * FROM pending WHERE hash = 'x'",
      "SELECT approver FROM approvals WHERE hash = 'x'",
      "SELECT * FROM decisions WHERE idx = 1",
      "SELECT * FROM decisions WHERE at >= 5",
    ].map(
      (sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])[0]!.detail,
    );
    db.close();
    for (const plan of plans)
      expect(plan).toMatch(
        /^SEARCH .* USING (COVERING INDEX|INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)/,
      );
    return store.close();
  });
});
