// Approval vectors (spec 2.3 and 4.5): approvals of one invocation, and requirement checks.
import { signApproval, tokenHash } from "../../packages/protocol/src/index.ts";
import { dlg, invoke } from "./chain-builders.ts";
import { flipSignatureBit, HOUR, header, KEYS, NOW, rawToken, type VectorKey } from "./fixtures.ts";

const { alice, dan, erin, frank, mallory } = KEYS;

interface ApprovalCase {
  description: string;
  approval: string;
  valid: boolean;
  approver?: string;
  error?: string;
}

function approve(key: VectorKey, inv: string, jti: string): string {
  return signApproval({ inv, iat: NOW, jti: `vector-${jti}` }, { signer: key.signer });
}

/** The invocation every approval case refers to, with its chain. */
export function approvalSubject(): { delegations: string[]; invocation: string } {
  const apr = { k: 2, of: [erin.did, frank.did] };
  const delegations = [
    dlg(alice, { aud: dan.did, cmd: "/twitter", exp: NOW + HOUR, apr }, "approvals"),
  ];
  return { delegations, invocation: invoke(delegations) };
}

/** Approval verification vectors. */
export function approvalCases(): ApprovalCase[] {
  const inv = tokenHash(approvalSubject().invocation);
  const other = tokenHash(invoke(approvalSubject().delegations, { jti: "vector-other" }));
  const ok = (description: string, approval: string, approver: string): ApprovalCase => ({
    description,
    approval,
    valid: true,
    approver,
  });
  const bad = (description: string, approval: string, error: string): ApprovalCase => ({
    description,
    approval,
    valid: false,
    error,
  });
  const claims = JSON.stringify({ iss: erin.did, inv, iat: NOW, jti: "vector-raw" });
  return [
    ok("erin approves the invocation", approve(erin, inv, "erin"), erin.did),
    ok("frank approves the invocation", approve(frank, inv, "frank"), frank.did),
    bad(
      "an approval of another invocation",
      approve(erin, other, "other"),
      "ERR_APPROVAL_INVOCATION_MISMATCH",
    ),
    bad(
      "erin's approval with a flipped signature bit",
      flipSignatureBit(approve(erin, inv, "erin")),
      "ERR_SIGNATURE_INVALID",
    ),
    bad(
      "mallory signs an approval in erin's name",
      rawToken(header("ants-apr+jwt", mallory), claims, mallory),
      "ERR_JWS_KID_MISMATCH",
    ),
    bad(
      "a delegation presented as an approval",
      approvalSubject().delegations[0]!,
      "ERR_JWS_TYP_MISMATCH",
    ),
    bad(
      "an approval with an unknown claim",
      rawToken(header("ants-apr+jwt", erin), claims.replace("}", ',"k":2}'), erin),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
  ];
}

/** Requirement vectors: whether verified approvers meet every `apr` of a chain. */
export function approvalRequirementCases() {
  const both = { k: 2, of: [erin.did, frank.did] };
  const one = { k: 1, of: [erin.did, frank.did] };
  return [
    {
      description: "two of two approved",
      requirements: [both],
      approvers: [erin.did, frank.did],
      met: true,
    },
    {
      description: "one of two is not two of two",
      requirements: [both],
      approvers: [erin.did],
      met: false,
    },
    {
      description: "the same approver twice counts once",
      requirements: [both],
      approvers: [erin.did, erin.did],
      met: false,
    },
    {
      description: "an approver outside the list does not count",
      requirements: [both],
      approvers: [erin.did, mallory.did],
      met: false,
    },
    {
      description: "every requirement of the chain must be met",
      requirements: [one, both],
      approvers: [frank.did],
      met: false,
    },
    { description: "no requirement is always met", requirements: [], approvers: [], met: true },
  ];
}
