/**
 * The data path's HTTP proxy, as its callers see it (issue #15): the job
 * gets a loopback base URL instead of a credential; every request it sends
 * there is checked (`inspect`), given the credential, relayed to the
 * upstream, and recorded. The engine knows nothing of rules, approvals or
 * CI: those arrive as these hooks.
 */
import type { Environment } from '../../common/proxy.js';

/** The header that carries the credential upstream, and its value. */
export interface HttpCredential {
  /** A header name, e.g. `authorization`, `private-token`, `x-api-key`. */
  header: string;
  /** e.g. `Bearer …`: sent as is. */
  value: string;
}

/** What `inspect` decides on: the request exactly as it will be relayed. */
export interface RequestCheck {
  method: string;
  /**
   * The normalised path relative to the upstream base, in its one canonical
   * encoding: dot segments resolved, empty segments dropped, unreserved
   * characters decoded, every other byte percent-encoded in upper case
   * (`%2F` stays `%2F`). Upstream receives the base path plus exactly this.
   */
  path: string;
  /** The query string as sent, without `?`; relayed unchanged. */
  query: string;
  /** Aborted when the client goes away or the proxy closes. */
  signal: AbortSignal;
}

export type RequestDecision = { allow: true } | { allow: false; rule: string; message: string };

/** One per request, whatever became of it. No bodies, no query values. */
export interface RequestRecord {
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** As in {@link RequestCheck.path}; empty when the request was refused before its path was read. */
  path: string;
  /** The names in the query string (not their values, which may be secrets), at most 32. */
  queryKeys: string[];
  /** The status the client got; 499 when the client went away first. */
  status: number;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  /**
   * ok: relayed and answered in full; blocked: refused by `inspect` or by
   * the proxy's own access rules (`gatepass:*`); upstream-error: the
   * upstream failed or timed out; error: everything else (bad request,
   * client gone, proxy closing, limits).
   */
  outcome: 'ok' | 'error' | 'blocked' | 'upstream-error';
  /** The rule that blocked it: `inspect`'s, or `gatepass:capability`, `gatepass:host`, …. */
  rule?: string;
}

export interface HttpProxyOptions {
  /** The upstream's base URL: https, or http on loopback only. */
  upstream: URL;
  /** Called per request, after `inspect` allows it, so a refreshed token is picked up. */
  credential: () => Promise<HttpCredential>;
  /** May take minutes (human approval): the request is held meanwhile. */
  inspect: (check: RequestCheck) => Promise<RequestDecision>;
  record: (entry: RequestRecord) => void;
  /** Aborting it closes the proxy, as {@link HttpEndpoint.close}. */
  signal?: AbortSignal;
  /**
   * Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read, as for every other
   * request gatepass makes (common/proxy.ts). Default `process.env`. The
   * `ca-certificate` input applies through `trustCertificate`, as elsewhere.
   */
  env?: Environment;
  /** Until the upstream's response headers arrive (then 504). Default 120 s. */
  upstreamTimeoutMs?: number;
  /** Longest silence inside an upstream response body (SSE, long polls). Default 300 s; 0: none. */
  idleTimeoutMs?: number;
  /** Requests handled at once, held ones included; more get 503. Default 64. */
  maxConcurrentRequests?: number;
  /** Largest request head (431 above). Default 16 KiB. */
  maxHeaderBytes?: number;
}

export interface HttpEndpoint {
  /** `http://127.0.0.1:PORT/<capability>/`: the job's base URL. It is a secret. */
  url: string;
  /** Stops accepting, ends in-flight and held requests, resolves once every socket is closed. */
  close(): Promise<void>;
}
