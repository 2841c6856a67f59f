/**
 * Types for the SCRAM client of the `pg` package (`pg/lib/crypto/sasl.js`),
 * which ships none. The upstream login uses it rather than crypto of our own:
 * it is the implementation node-postgres users already trust, channel binding
 * (SCRAM-SHA-256-PLUS) included.
 */
declare module 'pg/lib/crypto/sasl.js' {
  import type { Socket } from 'node:net';

  export interface SaslSession {
    mechanism: string;
    /** The next message's payload: the client-first message, then the client-final one. */
    response: string;
  }

  /** Picks SCRAM-SHA-256-PLUS when `stream` (a TLS socket) is given and the server offers it. */
  export function startSession(mechanisms: string[], stream?: Socket): SaslSession;
  export function continueSession(
    session: SaslSession,
    password: string,
    serverData: string,
    stream?: Socket,
  ): Promise<void>;
  /** Throws unless the server proved it knows the password too. */
  export function finalizeSession(session: SaslSession, serverData: string): void;

  const sasl: {
    startSession: typeof startSession;
    continueSession: typeof continueSession;
    finalizeSession: typeof finalizeSession;
  };
  export default sasl;
}
