import { readFile } from "node:fs/promises";
import { RelayError } from "../errors/relay-error.ts";
import type { RelayTrustOptions } from "./open-trust.ts";
import { resolveTrustConfig } from "./trust-config.ts";

const MEMBERS = new Set([
  "seeds",
  "pinned",
  "upgradePeriodSeconds",
  "thresholds",
  "evidence",
  "uptime",
  "vouch",
  "behaviour",
  "refreshMs",
]);

/**
 * Reads the trust settings of `ants relay start --trust FILE` (JSON; docs/spec/trust.md 5) and
 * checks them as the relay will. Throws ERR_CONFIG_INVALID naming the file or the member.
 *
 * @example
 * const trust = await loadTrustOptions("/etc/ants/trust.json");
 * await startRelay({ trust });
 */
export async function loadTrustOptions(path: string): Promise<RelayTrustOptions> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new RelayError("ERR_CONFIG_INVALID", `trust file: cannot read JSON from ${path}`, {
      cause,
    });
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new RelayError("ERR_CONFIG_INVALID", "trust file: expected an object");
  }
  const unknown = Object.keys(document).find((member) => !MEMBERS.has(member));
  if (unknown !== undefined) {
    throw new RelayError(
      "ERR_CONFIG_INVALID",
      `trust file: unknown member ${unknown.slice(0, 40)}`,
    );
  }
  const { refreshMs, ...options } = document as RelayTrustOptions;
  resolveTrustConfig(options);
  if (refreshMs !== undefined && !(Number.isSafeInteger(refreshMs) && refreshMs >= 0)) {
    throw new RelayError("ERR_CONFIG_INVALID", "trust.refreshMs: expected 0 or more ms");
  }
  return document as RelayTrustOptions;
}
