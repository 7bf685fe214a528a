import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import {
  type DemoProcess,
  startRelayProcess,
  startSocialApiProcess,
} from "../demo/demo-processes.ts";
import { type DemoStep, runDemoScenario } from "../demo/demo-scenario.ts";
import { EXIT_FAILURE } from "../exit-codes.ts";
import { insecureWorkFactorFromEnv } from "../identity-options.ts";
import { printNote, printResult } from "../output.ts";
import { ReportedFailure } from "../reported-failure.ts";

interface DemoOptions {
  relay?: string;
  json?: boolean;
}

/**
 * Registers `ants demo`: the relay issue's scenario on real processes. Without `--relay` it
 * starts a fresh relay (temporary data directory) and the example social API; with `--relay`
 * it uses a relay that is already running. Prints each step with its decision and reason and
 * exits non-zero if any decision differs from the expected one.
 *
 * @example
 * registerDemo(program); // ants demo [--relay URL] [--json]
 */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the delegation scenario end to end: principal, Kevin, Stuart, a social API")
    .option("--relay <url>", "use a relay that is already running (default: start a fresh one)")
    .option("--json", "print the steps as one JSON object")
    .action(async (options: DemoOptions) => {
      const json = options.json === true;
      const workDir = await mkdtemp(join(tmpdir(), "ants-demo-"));
      const started: DemoProcess[] = [];
      try {
        const relayUrl =
          options.relay ?? (await start(started, startRelayProcess(join(workDir, "relay")), json));
        const apiUrl = await start(started, startSocialApiProcess(relayUrl), json);
        const steps = await runDemoScenario({
          relayUrl,
          apiUrl,
          workDir: join(workDir, "agents"),
          keystoreOptions: insecureWorkFactorFromEnv(),
          onStep: json ? undefined : (step) => process.stdout.write(`${describeStep(step)}\n`),
        });
        const ok = steps.every((step) => step.ok);
        if (json) printResult({ json }, { ok, relay: relayUrl, api: apiUrl, steps }, []);
        else
          process.stdout.write(
            ok ? "demo: every decision was as expected\n" : "demo: a decision differed\n",
          );
        if (!ok) throw new ReportedFailure(EXIT_FAILURE);
      } finally {
        for (const child of started.reverse()) await child.stop();
        await rm(workDir, { recursive: true, force: true });
      }
    });
}

async function start(
  started: DemoProcess[],
  starting: Promise<DemoProcess>,
  json: boolean,
): Promise<string> {
  const child = await starting;
  started.push(child);
  if (!json) printNote(`started ${child.url}`);
  return child.url;
}

/**
 * One readable line per step.
 *
 * @example
 * describeStep(step); // "[ok] stuart drafts a message (/social/draft): allow"
 */
export function describeStep(step: DemoStep): string {
  const mark = step.ok ? "[ok]  " : "[FAIL]";
  const reason = step.reason === null ? "" : ` (${step.reason})`;
  const expected = step.ok
    ? ""
    : `, expected ${step.expected}${step.expectedReason ? ` (${step.expectedReason})` : ""}`;
  const note = step.note === undefined ? "" : ` - ${step.note}`;
  return `${mark} ${step.name}: ${step.decision}${reason}${expected}${note}`;
}
