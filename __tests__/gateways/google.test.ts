/**
 * Google Cloud workload identity federation: Security Token Service, then
 * (with `service-account`) IAM Credentials generateAccessToken, against a
 * double that behaves as Google's API descriptions and documentation say
 * (doubles/google.ts cites each). Every gateway is made from inputs through
 * parseConfig and createGateway; the services' addresses are the double's
 * (the docs' own host names are exercised end to end in
 * __tests__/end-to-end/token-exchange-docs.test.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Gateway } from '../../src/gateways/gateway.js';
import { parseIdentityToken, type IdentityToken } from '../../src/identity/token.js';
import { LocalIssuer } from '../../examples/gateway/issuer.js';
import { CLOUD_PLATFORM, startGoogleDouble, type GoogleDouble } from '../doubles/google.js';
import { failure, gatewayFromInputs, issued } from '../helpers/gateway.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';

const GITHUB = 'https://token.actions.githubusercontent.com';
const PROVIDER = 'projects/123456/locations/global/workloadIdentityPools/ci/providers/github';
const AUDIENCE = `//iam.googleapis.com/${PROVIDER}`;
const SERVICE_ACCOUNT = 'deploy@my-project.iam.gserviceaccount.com';
const STORAGE = 'https://www.googleapis.com/auth/devstorage.read_only';

let github: LocalIssuer;
let google: GoogleDouble;
let log: CapturedLog;
const secrets = new Set<string>();
const registered: string[] = [];
const signal = new AbortController().signal;

beforeAll(async () => {
  github = await LocalIssuer.create(GITHUB);
  google = await startGoogleDouble({
    providers: [
      {
        name: PROVIDER,
        issuerUri: GITHUB,
        keys: github.keySet,
        attributes: (claims) => ({
          'google.subject': String(claims.sub),
          'attribute.repository': String(claims.repository),
        }),
        condition: (claims) => claims.repository_owner === 'octo-org',
      },
    ],
    serviceAccounts: [
      {
        email: SERVICE_ACCOUNT,
        workloadIdentityUsers: [
          'principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci/attribute.repository/octo-org/app',
        ],
      },
    ],
  });
});
afterAll(async () => {
  await google.stop();
});
beforeEach(() => {
  log = captureLog();
  registered.length = 0;
});
afterEach(() => {
  log.expectNoSecrets(secrets);
  expect(google.violations.splice(0)).toEqual([]);
});

/** The inputs of docs/token-exchange.md § Google Cloud STS, with the double's address. */
function documented(inputs: Record<string, string> = {}): Record<string, string> {
  return {
    gateway: 'https://sts.googleapis.com',
    'token-endpoint': `${google.url}/v1/token`,
    'subject-token-type': 'jwt',
    'client-auth': 'none',
    'ttl-parameter': 'none',
    audience: `https://iam.googleapis.com/${PROVIDER}`,
    credentials: '- name: gcp\n  scope: https://www.googleapis.com/auth/cloud-platform\n',
    ...inputs,
  };
}

function gatewayFor(inputs: Record<string, string>): Promise<Gateway> {
  return gatewayFromInputs({
    inputs,
    registerSecret: (v) => {
      secrets.add(v);
      registered.push(v);
    },
    logger: log.logger,
  });
}

async function idToken(
  claims: Record<string, string> = {},
  audience?: string,
): Promise<IdentityToken> {
  const value = await github.mint({
    platform: 'github',
    audience: audience ?? `https://iam.googleapis.com/${PROVIDER}`,
    claims,
  });
  secrets.add(value);
  return parseIdentityToken(value, 'github', 'test');
}

function request(extra: Record<string, unknown> = {}, ttlSeconds = 900) {
  return {
    name: 'gcp',
    ttlSeconds,
    tokenExchange: {
      audience: AUDIENCE,
      scope: CLOUD_PLATFORM,
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      ...extra,
    },
  };
}

describe('STS alone: a federated token', () => {
  it('sends only the fields of the request message: no discovery, client_id, Authorization or expires_in', async () => {
    const before = google.requests.length;
    const gateway = await gatewayFor(documented());
    const result = await issued(gateway.issue(request(), await idToken(), signal));
    const sent = google.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/token']);
    expect(sent[0]?.authorization).toBeUndefined();
    expect(Object.keys(sent[0]?.fields ?? {}).sort()).toEqual([
      'audience',
      'grant_type',
      'requested_token_type',
      'scope',
      'subject_token',
      'subject_token_type',
    ]);
    expect(sent[0]?.fields.subject_token_type).toBe('urn:ietf:params:oauth:token-type:jwt');
    const token = result.values.access_token ?? '';
    expect(google.tokenInfo(token)).toEqual({ kind: 'federated', valid: true });
    expect(result.values).toMatchObject({
      token_type: expect.stringMatching(/^bearer$/i),
      expires_in: '3600',
    });
    expect(result.revocation).toBeUndefined();
    expect(log.lines).toContain(
      'info: no `revocation-endpoint` is set: credentials live until they expire',
    );
  });

  it("gatepass's defaults (client_id, expires_in) are fields STS does not have", async () => {
    const gateway = await gatewayFor(documented({ 'client-auth': '', 'ttl-parameter': '' }));
    const err = await failure(gateway.issue(request(), await idToken(), signal));
    expect(err.message).toContain('fields outside the request message: client_id, expires_in');
    expect(google.violations.splice(0)).toEqual([
      'STS received fields outside its request message: client_id, expires_in',
    ]);
  });

  it('a malformed audience: invalid_request, as STS words it', async () => {
    const gateway = await gatewayFor(documented());
    const err = await failure(
      gateway.issue(
        request({ audience: `https://iam.googleapis.com/${PROVIDER}` }),
        await idToken(),
        signal,
      ),
    );
    expect(err.message).toContain('invalid_request (Invalid value for "audience".');
  });

  it('an ID token minted for another audience: invalid_grant, with its claims logged', async () => {
    const gateway = await gatewayFor(documented());
    const err = await failure(
      gateway.issue(request(), await idToken({}, 'https://elsewhere.example'), signal),
    );
    expect(err.message).toContain(
      'invalid_grant (The audience in JWT does not match the expected values.)',
    );
    expect(log.lines.join('\n')).toContain('aud: https://elsewhere.example');
  });

  it("a repository outside the provider's attribute condition: unauthorized_client", async () => {
    const gateway = await gatewayFor(documented());
    const err = await failure(
      gateway.issue(request(), await idToken({ repository_owner: 'someone-else' }), signal),
    );
    expect(err.message).toContain('The given credential is rejected by the attribute condition.');
  });
});

describe('with service-account: the service account token from IAM Credentials', () => {
  const serviceAccount = (): string =>
    `${google.url}/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`;

  it('exchanges at STS for cloud-platform, then asks generateAccessToken for the scope and ttl', async () => {
    const before = google.requests.length;
    const gateway = await gatewayFor(documented());
    const result = await issued(
      gateway.issue(
        request({ scope: STORAGE, serviceAccount: serviceAccount() }, 600),
        await idToken(),
        signal,
      ),
    );
    const [sts, iam] = google.requests.slice(before);
    expect(sts?.fields.scope).toBe(CLOUD_PLATFORM);
    expect(iam?.path).toBe(`/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`);
    expect(iam?.contentType).toBe('application/json');
    expect(iam?.fields).toEqual({ scope: [STORAGE], lifetime: '600s' });
    const federated = /^Bearer (.+)$/.exec(iam?.authorization ?? '')?.[1] ?? '';
    expect(google.tokenInfo(federated)?.kind).toBe('federated');
    // The federated token is a secret too, but only the service account's token is delivered.
    expect(registered).toContain(federated);
    const token = result.values.access_token ?? '';
    expect(google.tokenInfo(token)).toEqual({ kind: 'service-account', valid: true });
    // expireTime has whole seconds: 599 or 600 seconds left.
    expect(result.values).toEqual({
      access_token: token,
      token_type: 'Bearer',
      expires_in: expect.stringMatching(/^(599|600)$/),
    });
    expect(result.publicFields).toEqual(['token_type', 'expires_in']);
    expect(result.revocation).toBeUndefined();
    expect(log.lines.join('\n')).toContain(
      `"gcp" cannot be revoked: Google's STS and IAM Credentials have no revocation`,
    );
  });

  it('a job the service account does not trust: 403 PERMISSION_DENIED, hint names the role', async () => {
    const gateway = await gatewayFor(documented());
    const err = await failure(
      gateway.issue(
        request({ serviceAccount: serviceAccount() }),
        await idToken({ repository: 'octo-org/other' }),
        signal,
      ),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain(
      "HTTP 403 (PERMISSION_DENIED: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).)",
    );
    expect(err.hint).toContain(`roles/iam.workloadIdentityUser on ${SERVICE_ACCOUNT}`);
  });

  it('a ttl over one hour: 400, hint names the organization policy', async () => {
    const gateway = await gatewayFor(documented());
    const err = await failure(
      gateway.issue(request({ serviceAccount: serviceAccount() }, 7200), await idToken(), signal),
    );
    expect(err.message).toContain('HTTP 400 (INVALID_ARGUMENT');
    expect(err.hint).toContain('constraints/iam.allowServiceAccountCredentialLifetimeExtension');
  });
});
