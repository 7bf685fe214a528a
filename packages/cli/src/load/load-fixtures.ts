import {
  Agent,
  createInception,
  isClientError,
  type KeyEventLogDocument,
  RelayClient,
} from "@ants/client";
import {
  attenuate,
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  generateKeyPair,
  signDelegation,
  tokenHash,
} from "@ants/protocol";

/** The command every load chain grants at its root, and the one its leaf narrows to. */
export const LOAD_ROOT_COMMAND = "/load";
export const LOAD_COMMAND = "/load/post";

/** A registered, logged-in agent whose identity key the generator holds in memory. */
export interface LoadAgent {
  readonly did: string;
  readonly signer: Ed25519Signer;
  readonly agent: Agent;
}

/**
 * A delegation chain principal -> delegator -> actor. `leaf` is replaced when the generator
 * revokes it; `approval` lanes carry an approval requirement by the delegator on their leaf.
 */
export interface Lane {
  readonly principal: Ed25519Signer;
  readonly delegator: LoadAgent;
  readonly actor: LoadAgent;
  readonly approval: boolean;
  readonly root: string;
  leaf: string;
  /** A revocation of the current leaf is in flight. */
  revoking: boolean;
}

/** An agent registered with a pinned inception, rotated by its pre-committed next key. */
export interface Rotator {
  readonly did: string;
  document: KeyEventLogDocument;
  next: Ed25519Signer;
  busy: boolean;
}

/** Everything a load run drives: the relay client, agents, lanes and rotators. */
export interface LoadFixture {
  readonly relay: RelayClient;
  readonly relayDid: string;
  readonly agents: readonly LoadAgent[];
  readonly lanes: readonly Lane[];
  readonly rotators: Rotator[];
}

const newSigner = () => createSigner(generateKeyPair().seed);
const CHAIN_LIFETIME_SECONDS = 24 * 3600;
const SETUP_CONCURRENCY = 8;

/**
 * Registers `agents` agents with in-memory keys and logs each in, then builds one lane per agent
 * (its own principal, the agent as delegator, the next agent as actor; every fourth lane needs
 * the delegator's approval) and registers `rotators` agents with a committed next key.
 *
 * @example
 * const fixture = await prepareLoad("http://127.0.0.1:7777", { agents: 20, rotators: 2 });
 */
export async function prepareLoad(
  url: string,
  options: { agents: number; rotators: number },
): Promise<LoadFixture> {
  const relay = new RelayClient({ url });
  const { did: relayDid } = await relay.discover();
  const agents = await inBatches(options.agents, () => registerAgent(relay));
  const lanes = agents.map((delegator, index) =>
    newLane(delegator, agents[(index + 1) % agents.length]!, index % 4 === 3),
  );
  const rotators = await registerRotators(relay, options.rotators);
  return { relay, relayDid, agents, lanes, rotators };
}

async function inBatches<T>(count: number, make: () => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  while (made.length < count) {
    const size = Math.min(SETUP_CONCURRENCY, count - made.length);
    made.push(...(await Promise.all(Array.from({ length: size }, make))));
  }
  return made;
}

async function registerAgent(relay: RelayClient): Promise<LoadAgent> {
  const signer = newSigner();
  const agent = new Agent({ relay, signer, instance: "load" });
  await agent.register();
  await agent.login();
  return { did: agent.did, signer, agent };
}

/** Rotators, or none when the relay's store keeps no key event logs (ERR_NOT_SUPPORTED). */
async function registerRotators(relay: RelayClient, count: number): Promise<Rotator[]> {
  if (count === 0) return [];
  try {
    const first = await registerRotator(relay);
    return [first, ...(await inBatches(count - 1, () => registerRotator(relay)))];
  } catch (error) {
    if (isClientError(error) && error.code === "ERR_NOT_SUPPORTED") return [];
    throw error;
  }
}

async function registerRotator(relay: RelayClient): Promise<Rotator> {
  const signer = newSigner();
  const next = newSigner();
  const document = createInception({ signer, nextPublicKey: next.publicKey });
  const agent = new Agent({ relay, signer, instance: "load" });
  await agent.register({ inception: document.events[0]!.event });
  return { did: document.id, document, next, busy: false };
}

function newLane(delegator: LoadAgent, actor: LoadAgent, approval: boolean): Lane {
  const principal = newSigner();
  const exp = Math.floor(Date.now() / 1000) + CHAIN_LIFETIME_SECONDS;
  const root = signDelegation(
    { aud: delegator.did, cmd: LOAD_ROOT_COMMAND, exp },
    { signer: principal },
  );
  const lane = { principal, delegator, actor, approval, root, leaf: "", revoking: false };
  lane.leaf = newLeaf(lane);
  return lane;
}

/**
 * A fresh leaf delegation for a lane (a new `jti`, so a new token hash): what the delegator
 * signs again after revoking the previous one.
 */
export function newLeaf(lane: Omit<Lane, "leaf">): string {
  const apr = lane.approval ? { apr: { k: 1, of: [lane.delegator.did] } } : {};
  return attenuate(
    [lane.root],
    { aud: lane.actor.did, cmd: LOAD_COMMAND, ...apr },
    { signer: lane.delegator.signer },
  );
}

/** The DID of a signer, and the token hash a `token` revocation of `jwt` names. */
export const didOf = (signer: Ed25519Signer) => didFromPublicKey(signer.publicKey);
export const hashOf = (jwt: string) => tokenHash(jwt);
