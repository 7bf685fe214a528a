import { antsHome, openKeystoreFile, RelayClient, submitRevocation } from "@ants/client";
import {
  normalizeHandle,
  type RevocationRequestInput,
  signRevocationRequest,
  tokenHash,
} from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { identityKeystorePath, passphraseFor } from "../identity-options.ts";
import { agentIdOf } from "../key-event-home.ts";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayUrl } from "../relay-session.ts";
import { parseInteger } from "../token-options.ts";

/** The parsed options of `ants revoke`. */
export interface RevokeOptions extends RelayOptions {
  token?: string;
  key?: string;
  epoch?: string;
  session?: string;
  handle?: string;
  reason?: string;
  compromisedSince?: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/**
 * Registers `ants revoke`: signs a revocation request (ants-rev+jwt) with this agent's identity
 * key and submits it. The relay answers once the entry is durable; the next call refuses it.
 *
 * @example
 * registerRevoke(program); // ants revoke --key KID --reason "key leaked" --compromised-since 1767225000
 */
export function registerRevoke(program: Command): void {
  addRelayOptions(program.command("revoke"))
    .description("revoke a token, key, issuer epoch, session or handle (exactly one)")
    .option("--token <token-or-hash>", "a delegation, or its token hash")
    .option("--key <kid>", "a key id (RFC 7638 thumbprint)")
    .option("--epoch <unix-seconds>", "refuse every token you issued that the relay saw before")
    .option("--session <id>", "a session id")
    .option("--handle <name>", "a handle")
    .option("--reason <text>", "why, for people reading the log")
    .option("--compromised-since <unix-seconds>", "with --key: refuse what it signed since then")
    .action(async (options: RevokeOptions) => {
      const path = await identityKeystorePath(options);
      const { signer } = await openKeystoreFile(path, await passphraseFor(options));
      const relay = new RelayClient({ url: relayUrl(options) });
      const { did } = await relay.discover();
      // After a rotation the keystore holds the current key; the request names the agent ID.
      const self = await agentIdOf(antsHome({ home: options.home }), signer);
      const { input, token } = revocationInput(options, self);
      const request = signRevocationRequest({ aud: did, iss: self, ...input }, { signer });
      const { entry } = await submitRevocation(relay, { request, ...(token ? { token } : {}) });
      printResult({ json: options.json === true }, { entry }, [
        `revoked ${entry.kind} ${entry.target} (seq ${entry.seq})`,
      ]);
    });
}

/**
 * The request claims `ants revoke` signs, from its options: exactly one target option.
 * Throws ERR_USAGE.
 *
 * @example
 * revocationInput({ key: kid, reason: "leaked" }, myDid); // { input: { kind: "key", target: kid } }
 */
export function revocationInput(
  options: RevokeOptions,
  self: string,
): { input: Omit<RevocationRequestInput, "aud">; token?: string } {
  const chosen = (["token", "key", "epoch", "session", "handle"] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (chosen.length !== 1) {
    throw new CliError(
      "ERR_USAGE",
      "give exactly one of --token, --key, --epoch, --session, --handle",
    );
  }
  if (options.compromisedSince !== undefined && chosen[0] !== "key") {
    throw new CliError("ERR_USAGE", "--compromised-since: only with --key");
  }
  const reason = options.reason === undefined ? {} : { reason: options.reason };
  switch (chosen[0]) {
    case "token":
      return tokenInput(options.token!, reason);
    case "key":
      return {
        input: { kind: "key", target: id(options.key!, "--key"), ...reason, ...since(options) },
      };
    case "epoch":
      return { input: epochInput(options.epoch!, self, reason) };
    case "session":
      return { input: { kind: "session", target: id(options.session!, "--session"), ...reason } };
    default:
      return { input: { kind: "handle", target: handle(options.handle!), ...reason } };
  }
}

// A hash names the token; a whole token is hashed and sent along, so the relay knows it.
function tokenInput(value: string, reason: { reason?: string }) {
  if (ID_PATTERN.test(value))
    return { input: { kind: "token" as const, target: value, ...reason } };
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value)) {
    throw new CliError("ERR_USAGE", "--token: expected a compact token or its 43-character hash");
  }
  return { input: { kind: "token" as const, target: tokenHash(value), ...reason }, token: value };
}

// The epoch is the signer's own: its tokens are the ones refused.
function epochInput(
  value: string,
  self: string,
  reason: { reason?: string },
): Omit<RevocationRequestInput, "aud"> {
  return {
    kind: "issuer-epoch",
    target: self,
    epoch: parseInteger(value, "--epoch", 0, MAX_TIME),
    ...reason,
  };
}

function since(options: RevokeOptions) {
  if (options.compromisedSince === undefined) return {};
  return {
    compromisedSince: parseInteger(options.compromisedSince, "--compromised-since", 0, MAX_TIME),
  };
}

function id(value: string, option: string): string {
  if (!ID_PATTERN.test(value))
    throw new CliError("ERR_USAGE", `${option}: expected 43 base64url characters`);
  return value;
}

function handle(value: string): string {
  try {
    return normalizeHandle(value.replace(/^@/, ""));
  } catch (cause) {
    throw new CliError("ERR_USAGE", "--handle: not a valid handle", { cause });
  }
}
