import { Command, CommanderError } from "commander";
import { CliError } from "./cli-error.ts";
import { registerApprove } from "./commands/approve.ts";
import { registerAuthorize } from "./commands/authorize.ts";
import { registerBenchLoad } from "./commands/bench-load.ts";
import { registerDelegate } from "./commands/delegate.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerHandle } from "./commands/handle.ts";
import { registerInit } from "./commands/init.ts";
import { registerInvoke } from "./commands/invoke.ts";
import { registerKey } from "./commands/key.ts";
import { registerKeylog } from "./commands/keylog.ts";
import { registerLog } from "./commands/log.ts";
import { registerLogin } from "./commands/login.ts";
import { registerOwner } from "./commands/owner.ts";
import { registerRecover } from "./commands/recover.ts";
import { registerRegister } from "./commands/register.ts";
import { registerRelayRotateKey } from "./commands/relay-rotate-key.ts";
import { registerRelayStart } from "./commands/relay-start.ts";
import { registerRelayStore } from "./commands/relay-store.ts";
import { registerRevocations } from "./commands/revocations.ts";
import { registerRevoke } from "./commands/revoke.ts";
import { registerRotate } from "./commands/rotate.ts";
import { registerToken } from "./commands/token.ts";
import { registerTrust } from "./commands/trust.ts";
import { registerWhoami } from "./commands/whoami.ts";
import { EXIT_OK, exitCodeFor } from "./exit-codes.ts";
import { printError } from "./output.ts";
import { ReportedFailure } from "./reported-failure.ts";

/**
 * Builds the `ants` program. Each command lives in `commands/<command>.ts` and is added here
 * with one `registerXxx(program)` line.
 *
 * @example
 * await buildProgram().parseAsync(["node", "ants", "whoami", "--json"]);
 */
export function buildProgram(): Command {
  const program = new Command("ants")
    .description("ANTS IAM: identity and access management for autonomous software agents")
    .showHelpAfterError(false);
  registerBenchLoad(program);
  registerDelegate(program);
  registerDemo(program);
  registerHandle(program);
  registerInit(program);
  registerKey(program);
  registerKeylog(program);
  registerOwner(program);
  registerApprove(program);
  registerAuthorize(program);
  registerInvoke(program);
  registerLog(program);
  registerLogin(program);
  registerRecover(program);
  registerRegister(program);
  registerRelayStart(program);
  registerRelayStore(program);
  registerRelayRotateKey(program);
  registerRevoke(program);
  registerRevocations(program);
  registerRotate(program);
  registerToken(program);
  registerTrust(program);
  registerWhoami(program);
  quietCommanderErrors(program);
  return program;
}

/**
 * Runs the `ants` command with the given arguments and returns its exit status, taken from the
 * one table in exit-codes.ts. Every failure is printed by the one error printer.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[]): Promise<number> {
  // Decided from the raw arguments so that even a usage error answers in JSON when asked.
  const mode = { json: argv.includes("--json") };
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(mode, error);
    if (error instanceof ReportedFailure) return error.exitStatus;
    return exitCodeFor(printError(mode, error));
  }
}

/** Commander reports help and version as errors with status 0; real ones become ERR_USAGE. */
function commanderExit(mode: { json: boolean }, error: CommanderError): number {
  if (error.exitCode === 0) return EXIT_OK;
  // A command group run without a subcommand has already printed its help.
  const message =
    error.code === "commander.help" ? "missing subcommand" : error.message.replace(/^error: /, "");
  return exitCodeFor(printError(mode, new CliError("ERR_USAGE", message, { cause: error })));
}

/** Commander must throw instead of exiting, and leave error printing to printError. */
function quietCommanderErrors(command: Command): void {
  command.exitOverride().configureOutput({ outputError: () => undefined });
  for (const sub of command.commands) quietCommanderErrors(sub);
}
