/**
 * Keycloak's legacy (V1) external-to-internal token exchange, against a
 * double that behaves as Keycloak's code does (doubles/keycloak.ts cites
 * each class): the CI's ID token (GitHub-shaped, issuer
 * token.actions.githubusercontent.com) is exchanged for a token of the
 * realm. Every gateway here is made from inputs, as a step's `with:` gives
 * them, through parseConfig and createGateway.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Gateway } from '../../src/gateways/gateway.js';
import { parseIdentityToken, type IdentityToken } from '../../src/identity/token.js';
import { LocalIssuer } from '../../examples/gateway/issuer.js';
import { startKeycloakDouble, type KeycloakDouble } from '../doubles/keycloak.js';
import { failure, gatewayFromInputs, issued } from '../helpers/gateway.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';

const GITHUB = 'https://token.actions.githubusercontent.com';
const SECRET = 'kc-client-secret-0123456789';

let github: LocalIssuer;
let kc: KeycloakDouble;
let log: CapturedLog;
const secrets = new Set<string>([SECRET]);
const signal = new AbortController().signal;

beforeAll(async () => {
  github = await LocalIssuer.create(GITHUB);
  kc = await keycloak();
});
afterAll(async () => {
  await kc.stop();
});
beforeEach(() => {
  log = captureLog();
});
afterEach(() => {
  log.expectNoSecrets(secrets);
});

/** The realm of docs/token-exchange.md § Keycloak, with `change` applied. */
function keycloak(change: { typeCheck?: boolean; idpPermission?: boolean } = {}) {
  return startKeycloakDouble({
    realm: 'ci',
    clients: [
      { clientId: 'gatepass-ci', secret: SECRET },
      { clientId: 'deploy-api', secret: 'deploy-api-secret-000' },
      { clientId: 'other-api', secret: 'other-api-secret-000' },
    ],
    identityProviders: [
      {
        alias: 'github-actions',
        issuer: GITHUB,
        keys: github.keySet,
        disableTypeClaimCheck: change.typeCheck !== true,
      },
    ],
    identityProviderPermissions:
      change.idpPermission === false ? {} : { 'github-actions': ['gatepass-ci'] },
    clientPermissions: { 'deploy-api': ['gatepass-ci'] },
  });
}

/** The step's inputs of the documented example, the realm's URL filled in. */
function documented(realm: KeycloakDouble, inputs: Record<string, string> = {}) {
  return {
    gateway: realm.issuer,
    audience: realm.issuer,
    'client-id': 'gatepass-ci',
    'client-secret': SECRET,
    'subject-token-type': 'jwt',
    'ttl-parameter': 'none',
    credentials:
      '- name: api\n  ttl: 10m\n  audience: deploy-api\n  env: { DEPLOY_API_TOKEN: access_token }\n',
    ...inputs,
  };
}

function gatewayFor(inputs: Record<string, string>): Promise<Gateway> {
  return gatewayFromInputs({ inputs, registerSecret: (v) => secrets.add(v), logger: log.logger });
}

async function idToken(realm: KeycloakDouble, claims = {}): Promise<IdentityToken> {
  const value = await github.mint({ platform: 'github', audience: realm.issuer, claims });
  secrets.add(value);
  return parseIdentityToken(value, 'github', 'test');
}

const REQUEST = {
  name: 'api',
  ttlSeconds: 600,
  tokenExchange: { audience: 'deploy-api' },
};

function lastExchange(realm: KeycloakDouble) {
  const found = realm.requests.filter((r) => r.path.endsWith('/token')).at(-1);
  if (found === undefined) throw new Error('no exchange reached the double');
  return found;
}

describe('the documented set-up (subject-token-type: jwt)', () => {
  it('exchanges the CI token for a realm token for deploy-api, as a confidential client', async () => {
    const gateway = await gatewayFor(documented(kc));
    const id = await idToken(kc);
    const result = await issued(gateway.issue(REQUEST, id, signal));
    const token = result.values.access_token ?? '';
    expect(secrets.has(token)).toBe(true);
    expect(kc.introspect(token)).toMatchObject({
      active: true,
      azp: 'gatepass-ci',
      aud: 'deploy-api',
      preferred_username: 'repo:octo-org/app:ref:refs/heads/main',
    });
    // One user per external subject, linked to the identity provider.
    expect(kc.users.map((u) => u.federated)).toContainEqual({
      'github-actions': 'repo:octo-org/app:ref:refs/heads/main',
    });
    const sent = lastExchange(kc);
    expect(sent.params.subject_token_type).toEqual(['urn:ietf:params:oauth:token-type:jwt']);
    expect(sent.params.subject_issuer).toBeUndefined();
    expect(sent.params.expires_in).toBeUndefined();
    expect(sent.params.client_id).toBeUndefined();
    expect(sent.authorization).toMatch(/^Basic /);
    // Keycloak's lifetime is the realm's (5 minutes), whatever `ttl` asked.
    expect(result.values.expires_in).toBe('300');
    expect(log.lines).toContain('info: the gateway granted "api" for 5m instead of 10m');
    expect(result.revocation).toMatchObject({
      provider: 'token-exchange',
      clientId: 'gatepass-ci',
    });
  });

  it('revokes the refresh token (the client leaves the session) and the access token', async () => {
    const gateway = await gatewayFor(documented(kc));
    const result = await issued(gateway.issue(REQUEST, await idToken(kc), signal));
    expect(result.values.refresh_token).toBeDefined();
    const token = result.values.access_token ?? '';
    expect(kc.introspect(token).active).toBe(true);
    if (result.revocation === undefined) throw new Error('no revocation handle');
    const handle = JSON.parse(JSON.stringify(result.revocation)) as typeof result.revocation;
    await gateway.revoke(handle, signal);
    expect(kc.introspect(token)).toEqual({ active: false });
    const revokes = kc.requests.filter((r) => r.path.endsWith('/revoke'));
    expect(revokes.map((r) => r.params.token_type_hint)).toEqual([
      ['refresh_token'],
      ['access_token'],
    ]);
    // Again: Keycloak answers 200 for a token it no longer knows.
    await expect(gateway.revoke(handle, signal)).resolves.toBeUndefined();
  });

  it('works with the default id_token when subject-issuer names the provider', async () => {
    const gateway = await gatewayFor(
      documented(kc, { 'subject-token-type': '', 'subject-issuer': 'github-actions' }),
    );
    const result = await issued(gateway.issue(REQUEST, await idToken(kc), signal));
    expect(kc.introspect(result.values.access_token ?? '').active).toBe(true);
    const sent = lastExchange(kc);
    expect(sent.params.subject_token_type).toEqual(['urn:ietf:params:oauth:token-type:id_token']);
    expect(sent.params.subject_issuer).toEqual(['github-actions']);
  });
});

describe("Keycloak's refusals, with the fix named", () => {
  it('an id_token without subject-issuer: 400 "Invalid token type, must be access token"', async () => {
    const gateway = await gatewayFor(documented(kc, { 'subject-token-type': '' }));
    const err = await failure(gateway.issue(REQUEST, await idToken(kc), signal));
    expect(err.message).toContain(
      'HTTP 400 invalid_request (Invalid token type, must be access token)',
    );
    expect(err.hint).toContain('`subject-token-type: jwt`');
    expect(err.hint).toContain('`subject-issuer: <identity provider alias>`');
  });

  it("access_token with subject-issuer: Keycloak asks the provider's userinfo, which a CI issuer has not", async () => {
    const gateway = await gatewayFor(
      documented(kc, { 'subject-token-type': 'access_token', 'subject-issuer': 'github-actions' }),
    );
    const err = await failure(gateway.issue(REQUEST, await idToken(kc), signal));
    expect(err.message).toContain('HTTP 400 invalid_token (invalid token)');
  });

  it('an issuer no identity provider has: invalid_issuer', async () => {
    const gateway = await gatewayFor(documented(kc, { 'subject-issuer': 'gitlab' }));
    const err = await failure(gateway.issue(REQUEST, await idToken(kc), signal));
    expect(err.message).toContain('invalid_issuer (Invalid subject_issuer parameter)');
    expect(err.hint).toContain('`subject-issuer`');
  });

  it('no token-exchange permission on the identity provider: 403, hint names the permission', async () => {
    const realm = await keycloak({ idpPermission: false });
    try {
      const gateway = await gatewayFor(documented(realm));
      const err = await failure(gateway.issue(REQUEST, await idToken(realm), signal));
      expect(err.code).toBe('DENIED');
      expect(err.message).toContain('(Client not allowed to exchange)');
      expect(err.hint).toContain('token-exchange permission on the identity provider');
    } finally {
      await realm.stop();
    }
  });

  it('an audience client the caller may not exchange to: 403 as well', async () => {
    const gateway = await gatewayFor(documented(kc));
    const err = await failure(
      gateway.issue(
        { ...REQUEST, tokenExchange: { audience: 'other-api' } },
        await idToken(kc),
        signal,
      ),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain('was denied (Client not allowed to exchange)');
    expect(err.hint).toContain('on each `audience` client');
  });

  it('the type claim check left on: "token type not supported", hint names the switch', async () => {
    const realm = await keycloak({ typeCheck: true });
    try {
      const gateway = await gatewayFor(documented(realm));
      const err = await failure(gateway.issue(REQUEST, await idToken(realm), signal));
      expect(err.message).toContain('invalid_token (token type not supported)');
      expect(err.hint).toContain("'Disable type claim check'");
    } finally {
      await realm.stop();
    }
  });

  it('a wrong client secret: 401 unauthorized_client, hint names client-secret', async () => {
    const gateway = await gatewayFor(documented(kc, { 'client-secret': 'not-the-secret-000' }));
    secrets.add('not-the-secret-000');
    const err = await failure(gateway.issue(REQUEST, await idToken(kc), signal));
    expect(err.message).toContain('HTTP 401 unauthorized_client');
    expect(err.hint).toContain('`client-secret`');
  });

  it('client-auth: none sends no client_id, which Keycloak needs', async () => {
    const gateway = await gatewayFor(
      documented(kc, { 'client-auth': 'none', 'client-id': '', 'client-secret': '' }),
    );
    const err = await failure(gateway.issue(REQUEST, await idToken(kc), signal));
    expect(err.message).toContain('HTTP 400 invalid_client (Missing client_id parameter)');
    const sent = lastExchange(kc);
    expect(sent.params.client_id).toBeUndefined();
    expect(sent.authorization).toBeUndefined();
  });

  it('a token signed by someone else is refused, whatever it claims', async () => {
    const stranger = await LocalIssuer.create(GITHUB);
    const value = await stranger.mint({ platform: 'github', audience: kc.issuer });
    secrets.add(value);
    const gateway = await gatewayFor(documented(kc));
    const err = await failure(
      gateway.issue(REQUEST, parseIdentityToken(value, 'github', 'test'), signal),
    );
    expect(err.message).toContain('HTTP 400 invalid_token (invalid token)');
  });
});
