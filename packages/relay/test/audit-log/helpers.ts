import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  generateKeyPair,
} from "@ants/protocol";
import { AuditLog, type AuditLogOptions } from "../../src/audit-log/audit-log.ts";
import type { RelayStore } from "../../src/store/relay-store.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";

/** An audit log over a real SQLite file in a temp directory, reopenable like a restart. */
export interface LogFixture {
  readonly dir: string;
  readonly path: string;
  readonly signer: Ed25519Signer;
  readonly relay: string;
  store: RelayStore;
  audit: AuditLog;
  /** Closes the log and the store, then opens both again on the same file. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const ORIGIN = "relay.test/v1/log";
export const NOW = 1_767_225_600;

/** Opens a log on a fresh temp file with a fixed clock; options override the defaults. */
export async function openLogFixture(options: Partial<AuditLogOptions> = {}): Promise<LogFixture> {
  const dir = mkdtempSync(join(tmpdir(), "ants-log-"));
  const path = join(dir, "relay.sqlite");
  const signer = createSigner(generateKeyPair().seed);
  const relay = didFromPublicKey(signer.publicKey);
  const open = async () => {
    const store = openSqliteStore(path);
    const audit = await AuditLog.open({
      store: store.log,
      relay,
      signer,
      origin: () => ORIGIN,
      now: () => NOW,
      checkpointIntervalMs: 20,
      ...options,
    });
    return { store, audit };
  };
  const fixture: LogFixture = {
    dir,
    path,
    signer,
    relay,
    ...(await open()),
    restart: async () => {
      await fixture.audit.close();
      await fixture.store.close();
      Object.assign(fixture, await open());
    },
    close: async () => {
      await fixture.audit.close();
      await fixture.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** A did:key for a fresh key, as an agent id. */
export function newAgent(): string {
  return didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
}
