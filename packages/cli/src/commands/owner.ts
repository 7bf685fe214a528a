import { access, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ClientError, openKeystoreFile, withClientErrors } from "@ants/client";
import { MAX_GUARDIANS, MAX_RECOVERY_WINDOW_SECONDS, signOwnerCertificate } from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { parseDuration, parseIntegerOption } from "../duration.ts";
import {
  addIdentityOptions,
  type IdentityOptions,
  identityKeystorePath,
  passphraseFor,
} from "../identity-options.ts";
import { printNote, printResult } from "../output.ts";

/** Where `ants owner certify` writes unless `--out` says otherwise. */
export const DEFAULT_OWNER_CERT_FILE = "owner-cert.jws";

interface CertifyOptions extends IdentityOptions {
  guardians?: string;
  threshold?: string;
  window: string;
  recoveryKeys?: string;
  out: string;
  force?: boolean;
}

/**
 * Registers `ants owner certify DID`: run by the owner, with the owner's own identity, it signs
 * an owner certificate for the agent DID (docs/spec/key-events.md 2.1) and writes it to a file.
 *
 * @example
 * registerOwner(program); // ants owner certify DID [--guardians A,B,C --threshold 2] [--window 72h]
 */
export function registerOwner(program: Command): void {
  const owner = program.command("owner").description("act as the owner of an agent");
  addIdentityOptions(owner.command("certify").argument("<did>", "the agent's ID"))
    .description("sign an owner certificate: who may recover the agent, and within what window")
    .option("--guardians <dids>", "comma-separated guardian did:keys")
    .option("--threshold <m>", "how many guardians must sign a recovery")
    .option("--window <duration>", "recovery window, e.g. 72h, 30m, 3600", "72h")
    .option(
      "--recovery-keys <dids>",
      "ranked owner recovery did:keys, highest first (default: yours)",
    )
    .option("--out <file>", "where to write the certificate", DEFAULT_OWNER_CERT_FILE)
    .option("--force", "replace an existing file")
    .action(async (did: string, options: CertifyOptions) => {
      const window = parseDuration(options.window, "--window", MAX_RECOVERY_WINDOW_SECONDS);
      const guardians = guardianQuorum(options);
      const out = resolve(options.out);
      if (options.force !== true) await assertAbsent(out);
      const path = await identityKeystorePath(options);
      const { signer, did: ownerDid } = await openKeystoreFile(path, await passphraseFor(options));
      const rec = options.recoveryKeys === undefined ? undefined : didList(options.recoveryKeys);
      const certificate = await withClientErrors(() =>
        signOwnerCertificate(
          { sub: did, win: window, ...(rec && { rec }), ...(guardians && { grd: guardians }) },
          { signer },
        ),
      );
      await writeFile(out, `${certificate}\n`, { mode: 0o644 });
      printNote(`owner certificate written to ${out}`);
      const result = {
        file: out,
        agent: did,
        owner: ownerDid,
        window,
        ...(guardians && { guardians }),
      };
      printResult({ json: options.json === true }, result, [out]);
    });
}

function guardianQuorum(options: CertifyOptions): { k: number; of: string[] } | undefined {
  if (options.guardians === undefined) {
    if (options.threshold !== undefined) throw usage("--threshold: needs --guardians");
    return undefined;
  }
  const of = didList(options.guardians);
  if (of.length > MAX_GUARDIANS) throw usage(`--guardians: at most ${MAX_GUARDIANS}`);
  if (options.threshold === undefined) throw usage("--threshold: required with --guardians");
  return { k: parseIntegerOption(options.threshold, "--threshold", 1, of.length), of };
}

function didList(text: string): string[] {
  return text.split(",").map((item) => item.trim());
}

function usage(message: string): CliError {
  return new CliError("ERR_USAGE", message);
}

async function assertAbsent(path: string): Promise<void> {
  const found = await access(path).then(
    () => true,
    () => false,
  );
  if (found) throw new ClientError("ERR_IO", `${path}: exists; pass --force to replace it`);
}
