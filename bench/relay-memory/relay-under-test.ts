/**
 * A relay started exactly as `ants relay start` starts it (the relay package's startRelay on a
 * data directory), in a process the memory benchmark can ask, over IPC, for its memory after
 * a full collection: run with `node --expose-gc --import tsx`.
 *
 *   process.argv: DATA_DIR PUBLIC_URL
 */
import { startRelay } from "../../packages/relay/src/app/start-relay.ts";

const [dataDir, publicUrl] = process.argv.slice(2);
const relay = await startRelay({ port: 0, dataDir, publicUrl, logger: { level: "warn" } });
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

process.on("message", (message) => {
  if (message === "stop") {
    void relay.close().then(() => process.exit(0));
    return;
  }
  // Two passes: the first may only schedule finalizers whose memory the second frees.
  gc();
  gc();
  process.send?.({ memory: process.memoryUsage() });
});
process.send?.({ url: relay.url });
