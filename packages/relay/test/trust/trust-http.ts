import { signOutcome, signVouch } from "@ants/protocol";
import type { Answer, TestAgent } from "../helpers/test-agent.ts";
import { send } from "../helpers/test-agent.ts";

/** POST /v1/vouches with a vouch signed by `voucher`'s identity key. */
export function postVouch(
  voucher: TestAgent,
  vouchee: string,
  overrides: { lvl?: number; exp?: number; aud?: string } = {},
): Promise<Answer> {
  const now = voucher.clock.now;
  const vouch = signVouch(
    {
      sub: vouchee,
      aud: overrides.aud ?? voucher.relay.did,
      lvl: overrides.lvl ?? 2,
      exp: overrides.exp ?? now + 30 * 86_400,
    },
    { signer: voucher.signer, now },
  );
  return send(voucher.relay, "POST", "/v1/vouches", { vouch });
}

/** POST /v1/outcomes with a report signed by `reporter`'s identity key. */
export function postOutcome(
  reporter: TestAgent,
  input: { subject: string; inv: string; res?: "success" | "failure" },
): Promise<Answer> {
  const outcome = signOutcome(
    { sub: input.subject, aud: reporter.relay.did, inv: input.inv, res: input.res ?? "success" },
    { signer: reporter.signer, now: reporter.clock.now },
  );
  return send(reporter.relay, "POST", "/v1/outcomes", { outcome });
}

/** GET /v1/agents/{id}/trust. */
export function getTrust(agent: TestAgent, id = agent.did): Promise<Answer> {
  return send(agent.relay, "GET", `/v1/agents/${id}/trust`);
}
