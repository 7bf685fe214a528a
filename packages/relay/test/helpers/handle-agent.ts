import {
  type HandleAction,
  type HandleChallenge,
  type HandleSolution,
  normalizeHandle,
  signHandleStatement,
  solvePuzzle,
} from "@ants/protocol";
import { type Answer, send, type TestAgent } from "./test-agent.ts";

/** Extra members of a statement: the action's own member, or overrides for refusal tests. */
type StatementExtra = Partial<{
  seed: string;
  to: string;
  offer: string;
  reason: string;
  iss: string;
  handle: string;
  jti: string;
  htu: string;
}>;

/** The path a handle action is served at. */
export function actionPath(act: HandleAction, handle: string): string {
  return act === "claim" ? "/v1/handles" : `/v1/handles/${handle}/${act}`;
}

/** A handle statement signed by the agent's current session key for `act` on `handle`. */
export function handleStatement(
  agent: TestAgent,
  act: HandleAction,
  handle: string,
  extra: StatementExtra = {},
): string {
  return signHandleStatement(
    {
      iss: extra.iss ?? agent.did,
      aud: agent.relay.did,
      act,
      handle: extra.handle ?? normalizeHandle(handle),
      htm: "POST",
      htu: extra.htu ?? agent.relay.origin + actionPath(act, handle),
      ...ownMember(act, extra),
      ...(extra.jti === undefined ? {} : { jti: extra.jti }),
    },
    { signer: agent.sessionSigner, now: agent.clock.now },
  );
}

function ownMember(act: HandleAction, extra: StatementExtra) {
  if (act === "claim") return { seed: extra.seed ?? "" };
  if (act === "transfer") return { to: extra.to ?? "" };
  if (act === "accept") return { offer: extra.offer ?? "" };
  if (act === "revoke") return { reason: extra.reason ?? "abuse" };
  return {};
}

/** POSTs a body with the session token and no DPoP header: the statement is the proof. */
export function postWithSession(agent: TestAgent, path: string, body: unknown): Promise<Answer> {
  return send(agent.relay, "POST", path, body, { authorization: `DPoP ${agent.session}` });
}

/** Asks for a challenge for `handle`. */
export function requestChallenge(agent: TestAgent, handle: string): Promise<Answer> {
  return send(agent.relay, "POST", "/v1/handles/challenge", { handle, agent: agent.did });
}

/** Solves a challenge at the test relay's low difficulty. */
export function solve(agent: TestAgent, challenge: HandleChallenge): HandleSolution {
  return solvePuzzle(challenge, { now: agent.clock.now });
}

/** Sends a claim for a solved challenge, with a statement naming its seed. */
export function sendClaim(
  agent: TestAgent,
  handle: string,
  challenge: HandleChallenge,
  solution: HandleSolution,
  extra: StatementExtra = {},
): Promise<Answer> {
  const statement = handleStatement(agent, "claim", handle, { seed: challenge.seed, ...extra });
  return postWithSession(agent, "/v1/handles", { handle, challenge, solution, statement });
}

/** Challenge, solve, claim: the happy path in one call. */
export async function claim(agent: TestAgent, handle: string): Promise<Answer> {
  const issued = await requestChallenge(agent, handle);
  if (issued.status !== 201) return issued;
  const challenge = issued.body.challenge as HandleChallenge;
  return sendClaim(agent, handle, challenge, solve(agent, challenge));
}

/** Sends a lifecycle action (transfer, accept, release, revoke) for `handle`. */
export function act(
  agent: TestAgent,
  action: Exclude<HandleAction, "claim">,
  handle: string,
  extra: StatementExtra = {},
): Promise<Answer> {
  const statement = handleStatement(agent, action, handle, extra);
  return postWithSession(agent, actionPath(action, handle), { statement });
}
