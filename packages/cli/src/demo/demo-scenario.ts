import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Agent, createKeystoreFile, type Decision } from "@ants/client";
import { generateKeyPair } from "@ants/protocol";

/** One step of the scenario: what was expected and what the relay answered. */
export interface DemoStep {
  name: string;
  expected: "allow" | "pending" | "deny";
  /** For a deny, the reason code expected. */
  expectedReason: string | null;
  decision: string;
  reason: string | null;
  ok: boolean;
  note?: string;
}

/** Where the scenario runs. */
export interface DemoTargets {
  relayUrl: string;
  apiUrl: string;
  /** A directory for the agents' homes (keystores). */
  workDir: string;
  /** Scrypt work factor for the demo keystores; default the secure 2^18. */
  keystoreOptions?: { insecureWorkFactorLog2ForTests?: number };
  /** Called after each step, to print as the scenario goes. */
  onStep?: (step: DemoStep) => void;
}

/** An agent with its own keystore file in its own home. */
async function agentWithKeystore(name: string, targets: DemoTargets): Promise<Agent> {
  const keystore = join(targets.workDir, name, "identity.age");
  const passphrase = randomBytes(16).toString("base64url");
  const { seed } = generateKeyPair();
  await createKeystoreFile(keystore, seed, passphrase, targets.keystoreOptions ?? {});
  seed.fill(0);
  return Agent.open({ relay: targets.relayUrl, keystore, passphrase, instance: name });
}

/**
 * The scenario of the relay issue: a principal delegates `/social` to Kevin for a day; Kevin
 * delegates to Stuart `/social/draft` for an hour and, separately, `/social/post` with Kevin's
 * approval required; Stuart drafts (allow), posts (pending), Kevin approves (allow, the post
 * lands at the API), Stuart tries `/social/delete` (deny: command widened), then uses an
 * expired delegation (deny). Returns every step; `ok` is false where the answer differs.
 *
 * @example
 * const steps = await runDemoScenario({ relayUrl, apiUrl, workDir });
 */
export async function runDemoScenario(targets: DemoTargets): Promise<DemoStep[]> {
  const steps: DemoStep[] = [];
  const record = (
    name: string,
    expected: DemoStep["expected"],
    answer: Decision,
    expectedReason: string | null = null,
  ) => {
    const reason = answer.reason ?? null;
    const ok =
      answer.decision === expected && (expectedReason === null || reason === expectedReason);
    const step: DemoStep = {
      name,
      expected,
      expectedReason,
      decision: answer.decision,
      reason,
      ok,
    };
    steps.push(step);
    return answer;
  };
  // Each step is reported once final, with what the API said about it.
  const report = (note?: string, ok = true) => {
    const step = steps[steps.length - 1]!;
    if (note !== undefined) step.note = note;
    if (!ok) step.ok = false;
    targets.onStep?.(step);
  };
  const principal = await agentWithKeystore("principal", targets);
  const kevin = await agentWithKeystore("kevin", targets);
  const stuart = await agentWithKeystore("stuart", targets);
  await kevin.register({ instances: 1, owner: principal.did });
  await stuart.register({ instances: 1, owner: principal.did });
  const api = targets.apiUrl;

  const root = await principal.delegate({ to: kevin.did, cmd: "/social", expiresIn: 86_400 });
  const draft = await kevin.delegate({
    to: stuart.did,
    cmd: "/social/draft",
    expiresIn: 3600,
    parent: [root],
  });
  const post = await kevin.delegate({
    to: stuart.did,
    cmd: "/social/post",
    expiresIn: 3600,
    apr: { k: 1, of: [kevin.did] },
    parent: [root],
  });

  const drafted = record(
    "stuart drafts a message (/social/draft)",
    "allow",
    await stuart.invoke({
      cmd: "/social/draft",
      args: { text: "Launch day!" },
      chain: [root, draft],
      resource: api,
    }),
  );
  if (drafted.accessToken !== undefined) {
    const response = await stuart.callResource(`${api}/drafts`, {
      accessToken: drafted.accessToken,
      body: { text: "Launch day!" },
    });
    report(`the draft API answered ${response.status}`, response.status === 200);
  } else report();

  const asked = record(
    "stuart posts it (/social/post, needs kevin's approval)",
    "pending",
    await stuart.invoke({
      cmd: "/social/post",
      args: { text: "Launch day!" },
      chain: [root, post],
      resource: api,
    }),
  );
  report(`invocation ${asked.invocationHash}`);
  await kevin.approve(asked.invocationHash);
  const approved = record(
    "kevin approves; stuart's post is decided again",
    "allow",
    await stuart.pending(asked.invocationHash),
  );
  if (approved.accessToken !== undefined) {
    const response = await stuart.callResource(`${api}/posts`, {
      accessToken: approved.accessToken,
      body: { text: "Launch day!" },
    });
    const landed = ((await (await fetch(`${api}/posts`)).json()) as { posts: { text: string }[] })
      .posts;
    const published = `the post API answered ${response.status}; ${landed.length} post(s) published`;
    report(published, response.status === 200 && landed.length === 1);
  } else report();

  const deleting = { cmd: "/social/delete", args: { id: 1 }, chain: [root, post], resource: api };
  const widened = await stuart.invoke(deleting);
  record(
    "stuart tries to delete (/social/delete, never delegated)",
    "deny",
    widened,
    "ERR_INVOCATION_CMD_MISMATCH",
  );
  report();

  const brief = await kevin.delegate({
    to: stuart.did,
    cmd: "/social/draft",
    expiresIn: 1,
    parent: [root],
  });
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const late = {
    cmd: "/social/draft",
    args: { text: "late" },
    chain: [root, brief],
    resource: api,
  };
  record(
    "stuart uses a delegation that has expired",
    "deny",
    await stuart.invoke(late),
    "ERR_TOKEN_EXPIRED",
  );
  report();
  return steps;
}
