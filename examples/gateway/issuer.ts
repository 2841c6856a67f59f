/**
 * A local OIDC issuer that mints GitHub-shaped and GitLab-shaped ID tokens,
 * so gatepass can run end to end on one machine. It also serves the endpoint
 * `ACTIONS_ID_TOKEN_REQUEST_URL` points at on a GitHub runner:
 * `GET <url>&audience=<aud>` with `Authorization: bearer
 * $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answering `{"value": "<jwt>"}`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type CryptoKey,
  type JWTVerifyGetKey,
} from 'jose';

export type Platform = 'github' | 'gitlab';
export type ClaimValue = string | number | boolean;

export interface LocalIssuerOptions {
  /** Claims merged over the GitHub-shaped defaults (repository, ref, environment, …). */
  github?: Record<string, ClaimValue>;
  /** Claims merged over the GitLab-shaped defaults (project_path, ref, …). */
  gitlab?: Record<string, ClaimValue>;
  /** Lifetime of minted tokens. Default 300 s, like GitHub's. */
  ttlSeconds?: number;
}

export interface MintOptions {
  platform: Platform;
  audience?: string | string[];
  /** Claims merged over the defaults; `sub` is derived from them unless given. */
  claims?: Record<string, ClaimValue>;
  ttlSeconds?: number;
  /** Seconds since the epoch; back-date to mint an expired token. */
  issuedAt?: number;
}

const ALG = 'RS256';

export class LocalIssuer {
  readonly url: string;
  /** The secret `ACTIONS_ID_TOKEN_REQUEST_TOKEN` must hold. */
  readonly requestToken: string;
  readonly #options: LocalIssuerOptions;
  readonly #key: CryptoKey;
  readonly #jwk: JWK;

  private constructor(url: string, key: CryptoKey, jwk: JWK, options: LocalIssuerOptions) {
    this.url = url;
    this.#key = key;
    this.#jwk = jwk;
    this.#options = options;
    this.requestToken = randomBytes(24).toString('base64url');
  }

  static async create(url: string, options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
    const { publicKey, privateKey } = await generateKeyPair(ALG);
    const jwk = await exportJWK(publicKey);
    jwk.kid = await calculateJwkThumbprint(jwk);
    jwk.alg = ALG;
    jwk.use = 'sig';
    return new LocalIssuer(url, privateKey, jwk, options);
  }

  get jwks(): JSONWebKeySet {
    return { keys: [this.#jwk] };
  }

  get keySet(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks);
  }

  /** `ACTIONS_ID_TOKEN_REQUEST_URL`; core appends `&audience=…`, hence the query. */
  get githubRequestUrl(): string {
    return `${this.url}/github/token?api-version=2.0`;
  }

  discovery(): Record<string, unknown> {
    return {
      issuer: this.url,
      jwks_uri: `${this.url}/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [ALG],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'ref',
        'repository',
        'project_path',
        'environment',
      ],
    };
  }

  async mint(options: MintOptions): Promise<string> {
    const claims = this.#claims(options.platform, options.claims ?? {});
    const now = options.issuedAt ?? Math.floor(Date.now() / 1000);
    const ttl = options.ttlSeconds ?? this.#options.ttlSeconds ?? 300;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: this.#jwk.kid ?? '', typ: 'JWT' })
      .setIssuer(this.url)
      .setAudience(options.audience ?? defaultAudience(options.platform, claims))
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + ttl)
      .sign(this.#key);
  }

  #claims(platform: Platform, overrides: Record<string, ClaimValue>): Record<string, ClaimValue> {
    const base =
      platform === 'github'
        ? { ...GITHUB_DEFAULTS, ...this.#options.github, ...overrides }
        : { ...GITLAB_DEFAULTS, ...this.#options.gitlab, ...overrides };
    return { ...base, sub: typeof base.sub === 'string' ? base.sub : subjectOf(platform, base) };
  }
}

const SHA = 'd6cd1e2bd19e03a81132a23b2025920577f84e37';

const GITHUB_DEFAULTS: Record<string, ClaimValue> = {
  repository: 'octo-org/app',
  repository_owner: 'octo-org',
  repository_id: '100001',
  repository_owner_id: '200001',
  repository_visibility: 'private',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  sha: SHA,
  workflow: 'deploy',
  workflow_ref: 'octo-org/app/.github/workflows/deploy.yml@refs/heads/main',
  job_workflow_ref: 'octo-org/app/.github/workflows/deploy.yml@refs/heads/main',
  event_name: 'push',
  actor: 'octocat',
  actor_id: '583231',
  run_id: '9000001',
  run_number: '1',
  run_attempt: '1',
  runner_environment: 'github-hosted',
};

const GITLAB_DEFAULTS: Record<string, ClaimValue> = {
  namespace_id: '10',
  namespace_path: 'group',
  project_id: '20',
  project_path: 'group/project',
  project_visibility: 'private',
  user_id: '30',
  user_login: 'developer',
  pipeline_id: '40',
  pipeline_source: 'push',
  job_id: '50',
  ref: 'main',
  ref_type: 'branch',
  ref_path: 'refs/heads/main',
  ref_protected: 'true',
  sha: SHA,
  runner_id: 1,
  runner_environment: 'gitlab-hosted',
  ci_config_ref_uri: 'gitlab.example.com/group/project//.gitlab-ci.yml@refs/heads/main',
};

/** `sub` as each platform builds it; GitHub's changes when the job has an environment. */
function subjectOf(platform: Platform, claims: Record<string, ClaimValue>): string {
  const s = (name: string): string => String(claims[name] ?? '');
  if (platform === 'gitlab') {
    return `project_path:${s('project_path')}:ref_type:${s('ref_type')}:ref:${s('ref')}`;
  }
  return claims.environment === undefined
    ? `repo:${s('repository')}:ref:${s('ref')}`
    : `repo:${s('repository')}:environment:${s('environment')}`;
}

function defaultAudience(
  platform: Platform,
  claims: Record<string, ClaimValue | undefined>,
): string {
  // GitHub's default audience is the repository owner's URL.
  return platform === 'github'
    ? `https://github.com/${String(claims.repository_owner ?? '')}`
    : 'https://gitlab.example.com';
}
