import type { Command } from "commander";
import { registerTokenInspect } from "./token-inspect.ts";
import { registerTokenVerify } from "./token-verify.ts";

/**
 * Registers the `ants token` group: `inspect` and `verify`.
 *
 * @example
 * registerToken(program); // ants token inspect TOKEN, ants token verify TOKEN...
 */
export function registerToken(program: Command): void {
  const token = program.command("token").description("inspect and verify delegation tokens");
  registerTokenInspect(token);
  registerTokenVerify(token);
}
