import type { Command } from "commander";
import { registerHandleAccept } from "./handle-accept.ts";
import { registerHandleClaim } from "./handle-claim.ts";
import { registerHandleRelease } from "./handle-release.ts";
import { registerHandleResolve } from "./handle-resolve.ts";
import { registerHandleTransfer } from "./handle-transfer.ts";

/**
 * Registers the `ants handle` group: claim, resolve, transfer, accept, release.
 *
 * @example
 * registerHandle(program); // ants handle claim kevin --relay https://relay.example.com
 */
export function registerHandle(program: Command): void {
  const handle = program
    .command("handle")
    .description("claim, resolve, transfer, accept and release @handles on a relay");
  registerHandleClaim(handle);
  registerHandleResolve(handle);
  registerHandleTransfer(handle);
  registerHandleAccept(handle);
  registerHandleRelease(handle);
}
