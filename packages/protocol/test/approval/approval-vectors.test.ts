import { describe, expect, it } from "vitest";
import {
  approvalsMet,
  decodeBase64url,
  isProtocolError,
  tokenHash,
  verifyApproval,
  verifyChain,
} from "../../src/index.ts";
import { loadVectors } from "../support/token-vectors.ts";

interface ApprovalVectors {
  now: number;
  keys: Record<
    "alice" | "erin" | "frank" | "relay" | "dan-session",
    { did: string; publicKey: string }
  >;
  delegations: string[];
  invocation: string;
  cases: {
    description: string;
    approval: string;
    valid: boolean;
    approver?: string;
    error?: string;
  }[];
  requirements: {
    description: string;
    requirements: { k: number; of: string[] }[];
    approvers: string[];
    met: boolean;
  }[];
}

const vectors = loadVectors<ApprovalVectors>("approvals.json");
const invocationHash = tokenHash(vectors.invocation);

describe("docs/spec/vectors/approvals.json", () => {
  it("names an invocation whose chain requires two of erin and frank", () => {
    const { approvals } = verifyChain({
      delegations: vectors.delegations,
      invocation: vectors.invocation,
      now: vectors.now,
      audience: vectors.keys.relay.did,
      invocationKey: () => decodeBase64url(vectors.keys["dan-session"].publicKey),
    });
    expect(approvals).toEqual([
      {
        k: 2,
        of: [vectors.keys.erin.did, vectors.keys.frank.did],
        tokenHash: tokenHash(vectors.delegations[0]!),
        issuer: vectors.keys.alice.did,
      },
    ]);
  });

  for (const c of vectors.cases) {
    it(`${c.valid ? "accepts" : `refuses with ${c.error}`}: ${c.description}`, () => {
      const verify = () => verifyApproval(c.approval, { invocationHash, now: vectors.now });
      if (c.valid) {
        expect(verify().approver).toBe(c.approver);
        return;
      }
      let code: string | undefined;
      try {
        verify();
      } catch (error) {
        code = isProtocolError(error) ? error.code : "not a ProtocolError";
      }
      expect(code).toBe(c.error);
    });
  }

  for (const c of vectors.requirements) {
    it(`${c.met ? "met" : "not met"}: ${c.description}`, () => {
      expect(approvalsMet(c.requirements, c.approvers)).toBe(c.met);
    });
  }
});
