import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CLIENT_ERROR_CODES, ClientError, type ClientErrorCode } from "@ants/client";
import type { HandleChallenge, HandleSolution, SolveProgress } from "@ants/protocol";

/** What a solve cost, for the command's answer. */
export interface SolveReport {
  solution: HandleSolution;
  hashes: number;
  seconds: number;
}

/** Width of the progress bar in characters. */
const BAR_WIDTH = 24;

/**
 * Solves a challenge in a worker thread, drawing a progress bar with an estimate of the time
 * left on stderr (redrawn in place on a terminal, a line at start and end otherwise). The
 * worker refuses a difficulty above `maxDifficulty` before it starts. Throws ClientError with
 * ERR_POW_TOO_HARD, ERR_POW_EXPIRED or a challenge shape code.
 *
 * @example
 * const { solution } = await solveInWorker(challenge, { maxDifficulty: 2 ** 30 });
 */
export function solveInWorker(
  challenge: HandleChallenge,
  options: { maxDifficulty: number; quiet?: boolean },
): Promise<SolveReport> {
  const draw = progressPrinter(challenge, options.quiet === true);
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      tsx: tsxLoaderUrl(),
      module: new URL("./handle-solve-worker.ts", import.meta.url).href,
      challenge,
      maxDifficulty: options.maxDifficulty,
    },
  });
  let last: SolveProgress | undefined;
  return new Promise((resolve, reject) => {
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "progress") {
        last = message.progress;
        draw(message.progress);
        return;
      }
      draw(undefined);
      void worker.terminate();
      if (message.type === "done") {
        const seconds = (last?.elapsedMs ?? 0) / 1000;
        resolve({ solution: message.solution, hashes: last?.hashes ?? 0, seconds });
      } else {
        reject(workerError(message));
      }
    });
    worker.on("error", (error) => {
      draw(undefined);
      reject(new ClientError("ERR_POW_INVALID", "solver: the worker failed", { cause: error }));
    });
  });
}

type WorkerMessage =
  | { type: "progress"; progress: SolveProgress }
  | { type: "done"; solution: HandleSolution }
  | { type: "error"; code?: string; message: string };

// The worker loads the TypeScript solver through tsx, as bin/ants.js does for the CLI itself.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
(async () => {
  const { register } = await import(workerData.tsx);
  register();
  await import(workerData.module);
})();
`;

// import.meta.resolve picks tsx's ESM build; test runners without it get the require path,
// whose ESM sibling sits beside it (tsx's exports map both into dist/esm/api/).
function tsxLoaderUrl(): string {
  if (typeof import.meta.resolve === "function") return import.meta.resolve("tsx/esm/api");
  const required = createRequire(import.meta.url).resolve("tsx/esm/api");
  return pathToFileURL(required.replace(/\.cjs$/, ".mjs")).href;
}

function workerError(message: { code?: string; message: string }): ClientError {
  const known = (CLIENT_ERROR_CODES as readonly string[]).includes(message.code ?? "");
  const code = (known ? message.code : "ERR_POW_INVALID") as ClientErrorCode;
  return new ClientError(code, message.message);
}

/** Returns a function that draws one progress update, or finishes the line when given none. */
function progressPrinter(challenge: HandleChallenge, quiet: boolean) {
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  if (!quiet && !tty) {
    process.stderr.write(
      `ants: solving @${challenge.handle}: about ${challenge.difficulty.toLocaleString("en")} hashes\n`,
    );
  }
  return (progress: SolveProgress | undefined) => {
    if (quiet) return;
    if (progress === undefined) {
      if (drawn && tty) process.stderr.write("\n");
      drawn = false;
      return;
    }
    if (!tty) return;
    process.stderr.write(`\r${progressLine(progress)}`);
    drawn = true;
  };
}

/**
 * One line of the progress bar: sub-puzzles solved, rate and the estimate of the time left.
 *
 * @example
 * progressLine(progress); // "[######------------------]  8/32  612k hash/s  ~3s left"
 */
export function progressLine(progress: SolveProgress): string {
  const done = Math.round((progress.subSolutions / progress.subPuzzleCount) * BAR_WIDTH);
  const bar = `${"#".repeat(done)}${"-".repeat(BAR_WIDTH - done)}`;
  const count = `${progress.subSolutions}/${progress.subPuzzleCount}`.padStart(5);
  const rate = `${Math.round(progress.hashesPerSecond / 1000)}k hash/s`;
  const left =
    progress.phase === "memory"
      ? "memory-hard step"
      : `~${Math.ceil(progress.estimatedRemainingMs / 1000)}s left`;
  return `[${bar}] ${count}  ${rate}  ${left}   `;
}
