import type { Database } from "better-sqlite3";
import type { LogHead, TileRow } from "./audit-log-store.ts";

/** One batch as the writer takes it: the LogBatch with index rows as name keys. */
export interface WriterBatch {
  readonly bundles: readonly { first: number; bytes: Uint8Array }[];
  readonly tiles: readonly TileRow[];
  readonly heads: readonly LogHead[];
  readonly headsAt: number | undefined;
  /** index, time, agent, principal, cmd, invocation, addressee (name keys). */
  readonly rows: readonly (readonly (number | null)[])[];
}

export function createLogWriter(db: Database): (batch: WriterBatch) => void;

export function createCheckpointWriter(db: Database): (size: number, note: string) => void;

export class LogMovedError extends Error {
  constructor(first: number);
}
