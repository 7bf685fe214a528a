import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, didFromPublicKey, generateKeyPair } from "@ants/protocol";
import { type RunningRelay, type StartRelayOptions, startRelay } from "@ants/relay";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ants, freshHome } from "../support/run-cli.ts";

const root = mkdtempSync(join(tmpdir(), "ants-relay-store-"));
const dataDir = join(root, "relay");
const PG_URL = process.env.ANTS_TEST_DATABASE_URL || undefined;
if (PG_URL === undefined) {
  console.warn(
    "ants relay migrate and PostgreSQL backup tests skipped: ANTS_TEST_DATABASE_URL is not set",
  );
}
const schemas: string[] = [];
let relay: RunningRelay | undefined;
let registered: string[] = [];
let logSize = 0;

async function start(options: Partial<StartRelayOptions> & { dataDir: string }) {
  relay = await startRelay({
    port: 0,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    // One public URL for every start, so the log origin (and the checkpoint key name) stays.
    publicUrl: "http://relay.test",
    ...options,
  });
  return relay;
}

async function stop(): Promise<void> {
  await relay?.close();
  relay = undefined;
}

/** Registers an agent through `ants register`, as an operator's agents would be. */
async function register(url: string): Promise<string> {
  const home = await freshHome();
  const seedFile = join(home, "seed.hex");
  const { seed } = generateKeyPair();
  writeFileSync(seedFile, Buffer.from(seed).toString("hex"));
  const env = { ANTS_PASSPHRASE: "pw", ANTS_RELAY: url };
  await ants(["key", "import", "--seed-file", seedFile, "--home", home], env);
  const result = await ants(["register", "--home", home, "--json"], env);
  expect(result.status).toBe(0);
  return didFromPublicKey(createSigner(seed).publicKey);
}

function cli(args: string[], env: Record<string, string> = {}) {
  return ants([...args, "--json"], env);
}

function errorCode(result: { stdout: string }): string {
  return JSON.parse(result.stdout).error.code;
}

/** Verifies the running relay's whole log with `ants log verify --full`. */
async function verifyFull(): Promise<{ ok: boolean; size: number }> {
  const result = await cli(["log", "verify", "--full"], { ANTS_RELAY: relay!.url });
  expect(result.status, result.stdout).toBe(0);
  return JSON.parse(result.stdout);
}

async function agentFound(did: string): Promise<boolean> {
  const response = await fetch(`${relay!.url}/v1/agents/${encodeURIComponent(did)}`);
  return response.status === 200;
}

function pgUrl(): string {
  const schema = `ants_test_${randomBytes(6).toString("hex")}`;
  schemas.push(schema);
  const url = new URL(PG_URL!);
  url.searchParams.set("schema", schema);
  return url.toString();
}

beforeAll(async () => {
  await start({ dataDir });
  registered = [await register(relay!.url), await register(relay!.url)];
  await relay!.app.relay.store.revocations.append({
    kind: "key",
    target: registered[1]!,
    reason: "compromised",
    revoker: registered[1]!,
    at: Math.floor(Date.now() / 1000),
  });
  // 300 events: a full tile and a partial one, so tiles and bundles both cross a boundary.
  await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      relay!.app.relay.auditLog.appendEvent({
        event: "identity",
        action: "session-opened",
        subject: registered[i % 2]!,
        actor: registered[i % 2]!,
        data: { n: i },
      }),
    ),
  );
  await relay!.app.relay.auditLog.checkpointNow();
  logSize = relay!.app.relay.auditLog.size;
  await stop();
}, 60_000);

afterEach(async () => {
  await stop();
});

afterAll(async () => {
  await stop();
  if (PG_URL !== undefined && schemas.length > 0) {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
  rmSync(root, { recursive: true, force: true });
});

describe("ants relay backup and restore on SQLite", () => {
  const backup = join(root, "backup.sqlite");

  it("restores a backup into an empty directory, with its agents and a log that verifies", async () => {
    const made = await cli(["relay", "backup", "--data", dataDir, "--out", backup]);
    expect(made.status).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ store: "sqlite", out: backup });

    const target = join(root, "restored");
    const restored = await cli(["relay", "restore", "--data", target, "--from", backup]);
    expect(restored.status).toBe(0);
    // The relay's key is not in the store: an operator copies its keystore (and here the
    // passphrase the relay generated beside it) with the backup.
    for (const file of ["relay-key.age", "relay-passphrase"]) {
      copyFileSync(join(dataDir, file), join(target, file));
    }
    await start({ dataDir: target });
    expect(await agentFound(registered[0]!)).toBe(true);
    expect(await verifyFull()).toMatchObject({ ok: true, size: logSize });
    await stop();
  });

  it("refuses to restore over a store that holds data, unless --force", async () => {
    const refused = await cli(["relay", "restore", "--data", dataDir, "--from", backup]);
    expect(refused.status).toBe(20);
    expect(errorCode(refused)).toBe("ERR_STORE_NOT_EMPTY");

    const forced = await cli(["relay", "restore", "--data", dataDir, "--from", backup, "--force"]);
    expect(forced.status).toBe(0);
  });

  it("refuses a file that is not a relay backup, and a missing one", async () => {
    const junk = join(root, "junk.sqlite");
    writeFileSync(junk, "SQLite format 3\0 but then nothing a database holds");
    const empty = join(root, "empty");
    for (const from of [junk, join(root, "missing.sqlite")]) {
      const refused = await cli(["relay", "restore", "--data", empty, "--from", from]);
      expect(refused.status).toBe(21);
      expect(errorCode(refused)).toBe("ERR_BACKUP_INVALID");
    }
  });

  it("refuses a backup of a directory without a relay database", async () => {
    const refused = await cli(["relay", "backup", "--data", join(root, "none"), "--out", "x"]);
    expect(errorCode(refused)).toBe("ERR_CONFIG_INVALID");
  });
});

describe.skipIf(PG_URL === undefined)(
  "ants relay migrate, backup and restore on PostgreSQL",
  () => {
    let migrated = "";

    it("moves a SQLite relay to PostgreSQL, and the relay there verifies end to end", async () => {
      migrated = pgUrl();
      const result = await cli(["relay", "migrate", "--data", dataDir, "--to", migrated]);
      expect(result.status).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary.log.size).toBe(logSize);
      expect(summary.rows).toMatchObject({ agents: 2, revocations: 1, log_index: logSize });
      expect(summary.rows.sessions).toBeUndefined();

      await start({ dataDir, databaseUrl: migrated });
      expect(await agentFound(registered[1]!)).toBe(true);
      expect(await relay!.app.relay.store.revocations.head()).toBe(1);
      expect(await verifyFull()).toMatchObject({ ok: true, size: logSize });
      // The migrated log keeps growing from where the SQLite one stopped.
      const next = await relay!.app.relay.auditLog.appendEvent({
        event: "identity",
        action: "session-opened",
        subject: registered[0]!,
        actor: registered[0]!,
      });
      expect(next.index).toBe(logSize);
      await relay!.app.relay.auditLog.checkpointNow();
      expect(await verifyFull()).toMatchObject({ ok: true, size: logSize + 1 });
      await stop();
    }, 60_000);

    it("refuses to migrate into a PostgreSQL store that holds data, unless --force", async () => {
      const refused = await cli(["relay", "migrate", "--data", dataDir, "--to", migrated]);
      expect(refused.status).toBe(20);
      expect(errorCode(refused)).toBe("ERR_STORE_NOT_EMPTY");
    });

    it("restores a dump into another database, and refuses a truncated one whole", async () => {
      const dump = join(root, "relay.dump");
      const made = await cli(["relay", "backup", "--database-url", migrated, "--out", dump]);
      expect(made.status).toBe(0);
      expect(JSON.parse(made.stdout).rows.log_index).toBe(logSize + 1);

      const target = pgUrl();
      const truncated = join(root, "truncated.dump");
      const lines = readFileSync(dump, "utf8").split("\n");
      writeFileSync(truncated, lines.slice(0, lines.length - 3).join("\n"));
      const refused = await cli([
        "relay",
        "restore",
        "--database-url",
        target,
        "--from",
        truncated,
      ]);
      expect(refused.status).toBe(21);
      expect(errorCode(refused)).toBe("ERR_BACKUP_INVALID");

      // Nothing of the refused dump stayed, so the target is still empty.
      const restored = await cli(["relay", "restore", "--database-url", target, "--from", dump]);
      expect(restored.status).toBe(0);
      const again = await cli(["relay", "restore", "--database-url", target, "--from", dump]);
      expect(errorCode(again)).toBe("ERR_STORE_NOT_EMPTY");

      await start({ dataDir, databaseUrl: target });
      expect(await agentFound(registered[0]!)).toBe(true);
      expect(await verifyFull()).toMatchObject({ ok: true, size: logSize + 1 });
      await stop();
    }, 60_000);

    it("refuses a dump with a value of the wrong type, naming the column", async () => {
      const dump = join(root, "relay.dump");
      const forged = join(root, "forged.dump");
      const text = readFileSync(dump, "utf8").replace(/"row":\["did:key:[^"]+"/, '"row":[42');
      writeFileSync(forged, text);
      const refused = await cli(["relay", "restore", "--database-url", pgUrl(), "--from", forged]);
      expect(errorCode(refused)).toBe("ERR_BACKUP_INVALID");
      expect(JSON.parse(refused.stdout).error.message).toMatch(/expected a text value/);
    });
  },
);
