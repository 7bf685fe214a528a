import type { ServerResponse } from "node:http";
import type { RevocationRecord } from "../store/relay-store.ts";
import { publishedEntry } from "./revocation-entry.ts";
import type { RevocationSet } from "./revocation-set.ts";

/** Default time between heartbeats on an idle stream. */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Entries read from the store per page while catching a stream up. */
const PAGE = 1000;

/** What a stream needs. */
export interface StreamDeps {
  revocations: RevocationSet;
  now: () => number;
  heartbeatMs: number;
}

/**
 * Serves `GET /v1/revocations/stream` on a raw response (docs/spec/revocation.md 6): every entry
 * after `since` as a server-sent event whose `id` is its sequence number, then each new entry as
 * it is applied, with a heartbeat naming the head sequence and the relay's time when idle.
 *
 * No gaps, no repeats: the stream listens for new entries before it reads the backlog from the
 * store, holds what arrives meanwhile, and writes an entry only when its sequence number is the
 * next one after the last it wrote. Resolves when the client goes away.
 *
 * @example
 * reply.hijack();
 * await streamRevocations(deps, reply.raw, since);
 */
export async function streamRevocations(
  deps: StreamDeps,
  response: ServerResponse,
  since: number,
): Promise<void> {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    // A stream holds its connection until it ends; it is never reused for another request.
    connection: "close",
    "x-accel-buffering": "no",
  });
  let last = since;
  let live = false;
  const held: RevocationRecord[] = [];
  const write = (entry: RevocationRecord) => {
    if (entry.seq !== last + 1) return;
    response.write(eventOf(entry));
    last = entry.seq;
  };
  const stop = deps.revocations.onApply((entry) => (live ? write(entry) : held.push(entry)));
  const closed = new Promise<void>((resolve) => response.once("close", resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    await writeBacklog(deps.revocations, response, () => last, write);
    for (const entry of held) write(entry);
    live = true;
    response.write(heartbeat(deps, last));
    timer = setInterval(() => response.write(heartbeat(deps, last)), deps.heartbeatMs);
    await closed;
  } finally {
    stop();
    clearInterval(timer);
    if (!response.writableEnded) response.end();
  }
}

async function writeBacklog(
  revocations: RevocationSet,
  response: ServerResponse,
  last: () => number,
  write: (entry: RevocationRecord) => void,
): Promise<void> {
  for (;;) {
    if (response.destroyed) return;
    const entries = await revocations.listSince(last(), PAGE);
    for (const entry of entries) write(entry);
    if (entries.length < PAGE) return;
  }
}

/**
 * One entry as a server-sent event (docs/spec/revocation.md 6.1).
 *
 * @example
 * eventOf(record); // "id: 3\nevent: revocation\ndata: {...}\n\n"
 */
export function eventOf(entry: RevocationRecord): string {
  return `id: ${entry.seq}\nevent: revocation\ndata: ${JSON.stringify(publishedEntry(entry))}\n\n`;
}

// The head is the last entry this stream wrote, so a client that has every event up to it is
// current as of `time` (docs/spec/revocation.md 6.2).
function heartbeat(deps: StreamDeps, last: number): string {
  return `event: heartbeat\ndata: ${JSON.stringify({ seq: last, time: deps.now() })}\n\n`;
}
