/**
 * What a step asks for: one item of the `credentials` input, as config.ts
 * validates it and every gateway receives it.
 */
import type { DataPathRequest } from './data-path.js';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One item of the `credentials` input, validated. */
export interface CredentialRequest {
  /** Unique; [a-z0-9_-]+. */
  name: string;
  /** Asked of the gateway; it may grant less. */
  ttlSeconds: number;
  /** Environment variable -> field of the issued credential. */
  env?: Record<string, string>;
  tokenExchange?: {
    scope?: string;
    audience?: string | string[];
    resource?: string | string[];
    requestedTokenType?: string;
    /**
     * Google Cloud: after the STS exchange, trade the federated token for
     * this service account's access token at IAM Credentials
     * `generateAccessToken`. Its email, or that method's whole URL.
     */
    serviceAccount?: string;
  };
  /** The Vault gateway's part: what to read. */
  vault?: VaultRequest;
  /** The hoop gateway's part: which connection. */
  hoop?: HoopRequest;
  /** `proxy:`: the job gets a loopback endpoint, gatepass keeps the credential. */
  dataPath?: DataPathRequest;
}

export interface VaultRequest {
  /** Below `/v1/`: `database/creds/migrator`, `secret/data/app` (kv v2), `kv/app` (kv v1). */
  path: string;
  /** Default GET; POST for endpoints that take parameters (`aws/creds/<role>` with `ttl`). */
  method?: 'GET' | 'POST';
  /** The POST body; only with `method: POST`. */
  data?: Record<string, JsonValue>;
}

export interface HoopRequest {
  /** The hoop connection's name (or id). */
  connection: string;
}

/** A request whose credential goes through a data path (`proxy:`). */
export type ProxiedRequest = CredentialRequest & { dataPath: DataPathRequest };

export function isProxied(request: CredentialRequest): request is ProxiedRequest {
  return request.dataPath !== undefined;
}
