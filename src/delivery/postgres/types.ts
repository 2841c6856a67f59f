/** The PostgreSQL proxy's contract with its caller: where to connect, what to ask, what to tell. */

export type SslMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** The real server and the short-lived credential to log in with. */
export interface UpstreamTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** As libpq: `require` checks no certificate (unless `ca` is given: then as verify-ca). */
  sslmode: SslMode;
  /** PEM of the certificate authorities to trust; without it, Node's bundled roots. */
  ca?: string;
}

export interface StatementCheck {
  /** The client's SQL as sent: a simple Query's whole string (maybe several statements) or one Parse. */
  sql: string;
  protocol: 'simple' | 'extended';
  /** The session's number, as in {@link StatementRecord.session}. */
  session: number;
  /**
   * Aborted when the client goes away, cancels the statement (CancelRequest)
   * or the proxy closes: stop waiting for a human then. The proxy stops
   * waiting at that moment whatever `inspect` does.
   */
  signal: AbortSignal;
}

export type StatementDecision =
  | { allow: true; kinds: string[] }
  | {
      allow: false;
      kinds: string[];
      rule: string;
      /**
       * One line for the client, e.g. "DROP TABLE denied by rule no-drop". The
       * client sees it prefixed "gatepass: ", with " (rule <rule>)" added when
       * it does not name the rule, as an ErrorResponse with SQLSTATE 42501.
       */
      message: string;
    };

export interface StatementRecord {
  /** ISO 8601, when the statement was sent upstream (blocked: when it was refused). */
  time: string;
  session: number;
  protocol: 'simple' | 'extended';
  sql: string;
  kinds: string[];
  /** Sent upstream → completed; for a blocked statement, the time the decision took. */
  durationMs: number;
  outcome: 'ok' | 'error' | 'blocked';
  /** CommandComplete's tag; a multi-statement simple query's tags joined with "; ". */
  commandTag?: string;
  rows?: number;
  sqlstate?: string;
  rule?: string;
  /** Parameter type OIDs as the client's Parse declared them ("0": inferred by the server). Never values. */
  parameterTypes?: string[];
}

export interface PostgresProxyLimits {
  /** Largest message a client may send. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Sessions at once (handshakes included). Default 64. */
  maxSessions?: number;
  /** Startup + authentication + upstream login must finish within this. Default 30 s. */
  handshakeTimeoutMs?: number;
  /** A session with nothing in flight for this long ends with FATAL 57P05. Default 0: never. */
  idleTimeoutMs?: number;
}

export interface PostgresProxyOptions {
  /** Called for every new upstream connection, so a refreshed credential is picked up. */
  upstream: () => Promise<UpstreamTarget>;
  /**
   * May take minutes (a human approval): the statement and the client's later
   * messages wait. A rejection blocks the statement (rule "inspection-failed").
   */
  inspect: (check: StatementCheck) => Promise<StatementDecision>;
  /**
   * One call per statement execution: per simple Query (at its ReadyForQuery),
   * per Execute, per failed Parse, per refused statement (at the refusal).
   * A throw loses that entry only.
   */
  record: (entry: StatementRecord) => void;
  /** Aborting it closes the proxy as {@link PostgresEndpoint.close} does. */
  signal?: AbortSignal;
  /** The database name clients must ask for. Default "gatepass". */
  database?: string;
  limits?: PostgresProxyLimits;
}

export interface PostgresEndpoint {
  host: '127.0.0.1';
  port: number;
  database: string;
  user: string;
  /** A secret of this proxy alone, made for the step: not the upstream password. */
  password: string;
  /** postgresql://user:password@127.0.0.1:port/database?sslmode=disable */
  url: string;
  /** Ends every session (FATAL 57P01), stops listening; resolves once every socket is closed. */
  close(): Promise<void>;
}
