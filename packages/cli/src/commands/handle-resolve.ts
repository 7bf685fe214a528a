import { RelayClient, resolveHandleAt } from "@ants/client";
import { parseHandleRef } from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printResult } from "../output.ts";
import { handleRefAt, isoTime, RELAY_ENV } from "./handle-options.ts";

/** The parsed options of `ants handle resolve`. */
interface ResolveOptions {
  relay?: string;
  json?: boolean;
}

/**
 * Registers `ants handle resolve NAME[@relay]`: asks the relay who holds the handle and checks
 * the relay's signed binding against the relay's published keys. `@name@host` asks
 * `https://host` unless `--relay` names that same host.
 *
 * @example
 * registerHandleResolve(group); // ants handle resolve @kevin@relay.example.com --json
 */
export function registerHandleResolve(group: Command): void {
  group
    .command("resolve <handle>")
    .description("resolve @name or @name@relay-host to the agent ID that holds it")
    .option("--relay <url>", `the relay's URL (default: $${RELAY_ENV}, or https://relay-host)`)
    .option("--json", "print JSON for scripts")
    .action(async (handle: string, options: ResolveOptions) => {
      const ref = parseHandleRef(handle);
      const url = resolveUrl(ref.relay, options.relay ?? process.env[RELAY_ENV]);
      const resolved = await resolveHandleAt(new RelayClient({ url }), ref.name);
      printResult({ json: options.json === true }, resolved, [
        `${handleRefAt(resolved.handle, resolved.origin)} -> ${resolved.agent}`,
        `held since ${isoTime(resolved.since)}`,
      ]);
    });
}

/** The relay to ask: the configured one unless the handle names another host. */
function resolveUrl(host: string | undefined, configured: string | undefined): string {
  if (host === undefined) {
    return configured ?? fail();
  }
  if (configured !== undefined && sameHost(configured, host)) return configured;
  return `https://${host}`;
}

function sameHost(url: string, host: string): boolean {
  try {
    return new URL(url).host === host;
  } catch {
    return false;
  }
}

function fail(): never {
  throw new CliError("ERR_USAGE", `relay: pass --relay <url>, set ${RELAY_ENV}, or use @name@host`);
}
