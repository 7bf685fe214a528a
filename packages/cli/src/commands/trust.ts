import { RelayClient, type TrustExplanation } from "@ants/client";
import type { Command } from "commander";
import { printResult } from "../output.ts";
import { relayUrl } from "../relay-session.ts";

/** The parsed options of `ants trust`. */
interface TrustOptions {
  relay?: string;
  json?: boolean;
}

/**
 * Registers `ants trust DID`: the agent's trust level as the relay computes it, each gate's
 * value against its thresholds, and what would raise it (docs/spec/trust.md 6).
 *
 * @example
 * registerTrust(program); // ants trust did:key:z6Mk... --relay http://127.0.0.1:7777 --json
 */
export function registerTrust(program: Command): void {
  program
    .command("trust <did>")
    .description("explain an agent's trust level: each gate, its threshold, what would raise it")
    .option("--relay <url>", "the relay's URL (default: $ANTS_RELAY)")
    .option("--json", "print JSON for scripts")
    .action(async (did: string, options: TrustOptions) => {
      const explanation = await new RelayClient({ url: relayUrl(options) }).trust(did);
      printResult({ json: options.json === true }, explanation, trustLines(explanation));
    });
}

/**
 * The readable form of an explanation: the level, then one line per gate and what raises it.
 *
 * @example
 * trustLines(explanation); // ["did:key:z6Mk...: L1 (heading for L2, formula 1)", ...]
 */
export function trustLines(explanation: TrustExplanation): string[] {
  const heading =
    explanation.target === explanation.level
      ? `L${explanation.level}`
      : `L${explanation.level} (heading for L${explanation.target})`;
  const lines = [`${explanation.agent}: ${heading}, formula ${explanation.formula}`];
  if (explanation.pinned !== null) lines.push(`  pinned by the operator at L${explanation.pinned}`);
  if (explanation.hold !== null) {
    const until = new Date(explanation.hold.until * 1000).toISOString();
    lines.push(`  held at L0 (${explanation.hold.reason}) until ${until}`);
  }
  if (explanation.nextUpgradeAt !== null) {
    lines.push(`  next upgrade at ${new Date(explanation.nextUpgradeAt * 1000).toISOString()}`);
  }
  for (const gate of explanation.gates) {
    const limiting = explanation.limitedBy.includes(gate.gate) ? " <- limits the level" : "";
    const next = gate.next === null ? "" : `, L${gate.next.level} needs ${gate.next.threshold}`;
    lines.push(`  ${gate.gate.padEnd(9)} L${gate.level}  value ${gate.value}${next}${limiting}`);
    if (gate.raise !== null && gate.next !== null)
      lines.push(`            to raise: ${gate.raise}`);
  }
  return lines;
}
