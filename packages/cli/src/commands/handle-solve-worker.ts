// Runs in a worker thread started by handle-solver.ts: solves one challenge and reports progress,
// so the main thread stays free to draw the progress bar and to be interrupted.
import { parentPort, workerData } from "node:worker_threads";
import { type HandleChallenge, solvePuzzle } from "@ants/protocol";

const { challenge, maxDifficulty } = workerData as {
  challenge: HandleChallenge;
  maxDifficulty: number;
};

try {
  const solution = solvePuzzle(challenge, {
    maxDifficulty,
    onProgress: (progress) => parentPort?.postMessage({ type: "progress", progress }),
  });
  parentPort?.postMessage({ type: "done", solution });
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  parentPort?.postMessage({ type: "error", code, message: message ?? String(error) });
}
