import { antsHome, openKeystoreFile } from "@ants/client";
import {
  type ApprovalRequirement,
  attenuate,
  DELEGATION_TYP,
  type Ed25519Signer,
  type JsonValue,
  MAX_DELEGATION_BYTES,
  ProtocolError,
  parseCompactJws,
  readDelegationClaims,
  signDelegation,
  tokenHash,
} from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import {
  addIdentityOptions,
  type IdentityOptions,
  identityKeystorePath,
  passphraseFor,
} from "../identity-options.ts";
import { agentIdOf } from "../key-event-home.ts";
import { printResult } from "../output.ts";
import { collect, parseDuration, parseInteger, parseJsonOption } from "../token-options.ts";

/** The parsed options of `ants delegate`. */
export interface DelegateOptions extends IdentityOptions {
  to: string;
  cmd: string;
  policy?: string;
  expires?: string;
  depth?: string;
  approvers?: string;
  approvals?: string;
  minLevel?: string;
  parent: string[];
  onBehalfOf?: string;
}

/** Lifetime when --expires is not given; a child never outlives its parent either way. */
const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * Registers `ants delegate`: signs a delegation with this agent's key and prints the token.
 * With `--parent` it narrows a delegation this agent received; any widening is refused.
 *
 * @example
 * registerDelegate(program); // ants delegate --to did:key:... --cmd /twitter/post --expires 1h
 */
export function registerDelegate(program: Command): void {
  addIdentityOptions(program.command("delegate"))
    .description("sign a delegation to another agent and print the token")
    .requiredOption("--to <did>", "the delegate's agent ID")
    .requiredOption("--cmd <path>", "the command delegated, e.g. /twitter/post")
    .option("--policy <json>", "policy statements over the invocation's args, a JSON array")
    .option("--expires <duration>", "lifetime: 90s, 30m, 1h, 7d (default 1h, at most the parent's)")
    .option("--depth <n>", "further delegations allowed below this one")
    .option("--approvers <dids>", "comma-separated agent IDs whose approval each invocation needs")
    .option("--approvals <k>", "approvals needed from --approvers (default 1)")
    .option("--min-level <n>", "minimum trust level, 0 to 4, of the agent that invokes")
    .option(
      "--parent <token>",
      "the delegation narrowed; repeat for the chain, root first",
      collect,
      [],
    )
    .option("--on-behalf-of <did>", "the principal (default: yourself, or the parent's principal)")
    .action(async (options: DelegateOptions) => {
      const path = await identityKeystorePath(options);
      const { signer } = await openKeystoreFile(path, await passphraseFor(options));
      const did = await agentIdOf(antsHome({ home: options.home }), signer);
      const token = createDelegation(options, { signer, did, now: Math.floor(Date.now() / 1000) });
      printResult({ json: options.json === true }, { token, hash: tokenHash(token) }, [token]);
    });
}

/**
 * Builds and signs the delegation `ants delegate` prints: a root when no parent is given, else
 * an attenuation of the last parent.
 *
 * @example
 * createDelegation({ to, cmd: "/x", parent: [] }, { signer, did, now });
 */
export function createDelegation(
  options: DelegateOptions,
  me: { signer: Ed25519Signer; did: string; now: number },
): string {
  const input = {
    iss: me.did,
    aud: options.to,
    cmd: options.cmd,
    pol: policyOf(options.policy),
    dpth: optionalInteger(options.depth, "--depth", 255),
    apr: approvalOf(options),
    lvl: optionalInteger(options.minLevel, "--min-level", 4),
  };
  const lifetime =
    options.expires === undefined
      ? DEFAULT_LIFETIME_SECONDS
      : parseDuration(options.expires, "--expires");
  if (options.parent.length === 0) {
    if (options.onBehalfOf !== undefined && options.onBehalfOf !== me.did) {
      throw new CliError(
        "ERR_USAGE",
        "--on-behalf-of: acting for another principal needs --parent",
      );
    }
    return signDelegation({ ...input, exp: me.now + lifetime }, { signer: me.signer, now: me.now });
  }
  const parent = parentClaims(options.parent.at(-1)!);
  if (options.onBehalfOf !== undefined && options.onBehalfOf !== parent.sub) {
    throw new ProtocolError(
      "ERR_CHAIN_SUBJECT_CHANGED",
      "--on-behalf-of: not the parent's principal",
    );
  }
  // Without --expires the child lives an hour or as long as its parent, whichever is shorter.
  const exp =
    options.expires === undefined ? Math.min(parent.exp, me.now + lifetime) : me.now + lifetime;
  return attenuate(options.parent, { ...input, exp }, { signer: me.signer, now: me.now });
}

function parentClaims(token: string) {
  const jws = parseCompactJws(token, { typ: DELEGATION_TYP, maxBytes: MAX_DELEGATION_BYTES });
  return readDelegationClaims(jws.payload).claims;
}

function policyOf(text: string | undefined): JsonValue[] {
  if (text === undefined) return [];
  const policy = parseJsonOption(text, "--policy");
  if (!Array.isArray(policy)) throw new CliError("ERR_USAGE", "--policy: expected a JSON array");
  return policy;
}

function optionalInteger(text: string | undefined, option: string, max: number) {
  return text === undefined ? undefined : parseInteger(text, option, 0, max);
}

function approvalOf(options: DelegateOptions): ApprovalRequirement | undefined {
  if (options.approvers === undefined) {
    if (options.approvals !== undefined)
      throw new CliError("ERR_USAGE", "--approvals: needs --approvers");
    return undefined;
  }
  const of = options.approvers.split(",").map((did) => did.trim());
  const k =
    options.approvals === undefined
      ? 1
      : parseInteger(options.approvals, "--approvals", 1, of.length);
  return { k, of };
}
