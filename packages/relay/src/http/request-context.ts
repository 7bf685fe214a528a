/** The caller a request was authenticated as (a live session, checked with its proof). */
export interface AuthenticatedCaller {
  /** The agent's DID. */
  agent: string;
  /** Hash of the session token, the session's id. */
  sessionId: string;
  /** Instance id the session was opened for. */
  instance: string;
  /** RFC 7638 thumbprint of the session key (the token's `cnf.jkt`). */
  sessionKeyThumbprint: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set once the caller is authenticated; unset means every failure so far is pre-auth. */
    agent?: AuthenticatedCaller;
  }
}
