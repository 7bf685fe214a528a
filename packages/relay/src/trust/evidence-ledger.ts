import { addDecayed, type DecayedSum, decayedValue } from "./decayed-sum.ts";
import type { TrustConfig } from "./trust-config.ts";
import { wilsonLowerBound } from "./wilson-bound.ts";

/** One counterparty's reports about one agent: decayed weighted successes and failures. */
interface CounterpartyEvidence {
  successes: DecayedSum;
  failures: DecayedSum;
}

/** What the evidence gate sees of one agent (docs/spec/trust.md 4.1). */
export interface EvidenceSummary {
  /** The gate's value: Wilson lower bound of `successes` out of `weight`. */
  value: number;
  /** Decayed, reporter-weighted successes. */
  successes: number;
  /** Decayed, reporter-weighted failures, each counted `failureWeight` times. */
  failures: number;
  /** The trials the bound is taken over: at least five times the strongest counterparty. */
  weight: number;
  /** Distinct counterparties with weight. */
  counterparties: number;
  /** The strongest counterparty's share of `weight`, at most the cap. */
  strongestShare: number;
}

/**
 * Outcome evidence per agent and counterparty, updated in O(1) per report. Successes and
 * failures decay with their own half-lives (failures fade more slowly). No counterparty supplies
 * more than `maxCounterpartyShare` of the weight: when the strongest one would, the weight is
 * raised to strongest / share, and the added weight holds no success, so fewer than five
 * counterparties can never support a success ratio above their count / 5.
 *
 * @example
 * const ledger = new EvidenceLedger(config.evidence);
 * ledger.record({ subject, reporter, success: true, weight: 1, at: now });
 * ledger.summary(subject, now).value;
 */
export class EvidenceLedger {
  readonly #config: TrustConfig["evidence"];
  readonly #bySubject = new Map<string, Map<string, CounterpartyEvidence>>();

  constructor(config: TrustConfig["evidence"]) {
    this.#config = config;
  }

  /** Adds one report of weight `weight` (the reporter's weight at receipt). */
  record(report: {
    subject: string;
    reporter: string;
    success: boolean;
    weight: number;
    at: number;
  }): void {
    if (!(report.weight > 0)) return;
    let reporters = this.#bySubject.get(report.subject);
    if (reporters === undefined) {
      reporters = new Map();
      this.#bySubject.set(report.subject, reporters);
    }
    let evidence = reporters.get(report.reporter);
    if (evidence === undefined) {
      evidence = { successes: { value: 0, at: report.at }, failures: { value: 0, at: report.at } };
      reporters.set(report.reporter, evidence);
    }
    const c = this.#config;
    if (report.success) {
      addDecayed(evidence.successes, report.weight, report.at, c.successHalfLifeSeconds);
    } else {
      const weight = report.weight * c.failureWeight;
      addDecayed(evidence.failures, weight, report.at, c.failureHalfLifeSeconds);
    }
  }

  /** The agent's evidence at `now`; O(counterparties). */
  summary(subject: string, now: number): EvidenceSummary {
    const c = this.#config;
    let successes = 0;
    let failures = 0;
    let strongest = 0;
    let counterparties = 0;
    for (const evidence of this.#bySubject.get(subject)?.values() ?? []) {
      const s = decayedValue(evidence.successes, now, c.successHalfLifeSeconds);
      const f = decayedValue(evidence.failures, now, c.failureHalfLifeSeconds);
      successes += s;
      failures += f;
      strongest = Math.max(strongest, s + f);
      if (s + f > 0) counterparties++;
    }
    const weight = Math.max(successes + failures, strongest / c.maxCounterpartyShare);
    return {
      value: wilsonLowerBound(successes, weight, c.z),
      successes,
      failures,
      weight,
      counterparties,
      strongestShare: weight > 0 ? strongest / weight : 0,
    };
  }
}
