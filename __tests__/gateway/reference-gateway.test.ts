/** The reference gateway's own protocol surface, spoken to with plain fetch. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { captureLog } from '../helpers/log.js';

let gw: TestGateway;
let other: TestGateway;
const tokens = new Set<string>();

beforeAll(async () => {
  gw = await testGateway();
  other = await testGateway();
  tokens.add(gw.adminToken).add(gw.idTokenRequestToken);
});
afterAll(async () => {
  await gw.stop();
  await other.stop();
});

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

async function post(
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function exchange(subject: string, extra: Record<string, string> = {}) {
  tokens.add(subject);
  const result = await post('/token', {
    grant_type: EXCHANGE,
    client_id: 'gatepass',
    subject_token: subject,
    subject_token_type: ID_TOKEN,
    scope: 'read',
    audience: 'https://api.example.com',
    ...extra,
  });
  if (typeof result.body.access_token === 'string') tokens.add(result.body.access_token);
  return result;
}

const mint = (claims: Record<string, string> = {}) =>
  gw.mintIdToken({ platform: 'github', claims });

describe('discovery', () => {
  it('serves RFC 8414 and OIDC metadata with the same issuer', async () => {
    const oauth = await (await fetch(`${gw.url}/.well-known/oauth-authorization-server`)).json();
    const oidc = await (await fetch(`${gw.url}/.well-known/openid-configuration`)).json();
    expect(oauth).toEqual(oidc);
    expect(oauth).toMatchObject({
      issuer: gw.url,
      token_endpoint: `${gw.url}/token`,
      revocation_endpoint: `${gw.url}/revoke`,
      introspection_endpoint: `${gw.url}/introspect`,
      jwks_uri: `${gw.url}/jwks`,
      grant_types_supported: [EXCHANGE],
    });
  });

  it('serves the local issuer metadata and keys', async () => {
    const doc = (await (
      await fetch(`${gw.issuerUrl}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer: gw.issuerUrl, jwks_uri: `${gw.issuerUrl}/jwks` });
    const jwks = createRemoteJWKSet(new URL(`${gw.issuerUrl}/jwks`));
    const { payload } = await jwtVerify(await mint(), jwks, {
      issuer: gw.issuerUrl,
      audience: gw.url,
    });
    expect(payload.sub).toBe('repo:octo-org/app:ref:refs/heads/main');
  });
});

describe('token endpoint', () => {
  it('issues a signed JWT access token verifiable with /jwks', async () => {
    const { status, body } = await exchange(await mint(), { expires_in: '120' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 120,
      scope: 'read',
    });
    const token = String(body.access_token);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${gw.url}/jwks`)), {
      issuer: gw.url,
      audience: 'https://api.example.com',
    });
    expect(payload).toMatchObject({
      sub: 'repo:octo-org/app:ref:refs/heads/main',
      scope: 'read',
      client_id: 'gatepass',
      rule: 'read',
    });
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
  });

  it.each([
    ['garbage', () => Promise.resolve('garbage'), 'subject_token is not a JWT'],
    ['untrusted issuer', () => other.mintIdToken({ platform: 'github' }), 'is not trusted here'],
    [
      'GitLab-shaped token outside the policy',
      () => gw.mintIdToken({ platform: 'gitlab' }),
      'no policy rule matches',
    ],
  ])('refuses a %s', async (_name, make, text) => {
    const { status, body } = await exchange(await make());
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
    expect(String(body.error_description)).toContain(text);
  });

  it('answers protocol mistakes with the right OAuth errors', async () => {
    const subject = await mint();
    expect((await exchange(subject, { grant_type: 'client_credentials' })).body.error).toBe(
      'unsupported_grant_type',
    );
    expect((await exchange(subject, { subject_token_type: 'urn:x' })).body.error).toBe(
      'invalid_request',
    );
    expect((await exchange(subject, { expires_in: '-5' })).body.error).toBe('invalid_request');
    expect((await exchange(subject, { actor_token: 'x' })).body.error).toBe('invalid_request');
    const noClient = await exchange(subject, { client_id: 'stranger' });
    expect(noClient).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const json = await fetch(`${gw.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
  });
});

describe('introspection and revocation', () => {
  it('requires client or admin authentication to introspect', async () => {
    const anonymous = await post('/introspect', { token: 'x' });
    expect(anonymous.status).toBe(401);
    const asClient = await post('/introspect', { token: 'x', client_id: 'gatepass' });
    expect(asClient).toEqual({ status: 200, body: { active: false } });
  });

  it('shows a live token, then not once revoked; unknown tokens revoke quietly', async () => {
    const token = String((await exchange(await mint())).body.access_token);
    const live = await post('/introspect', { token }, { authorization: `Bearer ${gw.adminToken}` });
    expect(live.body).toMatchObject({
      active: true,
      scope: 'read',
      iss: gw.url,
      token_type: 'Bearer',
    });
    expect((await post('/revoke', { token, client_id: 'gatepass' })).status).toBe(200);
    expect((await post('/introspect', { token, client_id: 'gatepass' })).body).toEqual({
      active: false,
    });
    expect((await post('/revoke', { token: 'unknown', client_id: 'gatepass' })).status).toBe(200);
  });
});

describe('approvals', () => {
  it('needs the admin token and a valid decision, once', async () => {
    const subject = await gw.mintIdToken({
      platform: 'github',
      claims: { environment: 'production', run_id: 'admin' },
    });
    const pending = await exchange(subject, { scope: 'prod', audience: '' });
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending', interval: 0.05 });
    const url = String(pending.body.approval_url);

    const status = (await (await fetch(url)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'pending', rule: 'production', scope: 'prod' });

    const list = await fetch(`${gw.url}/approvals`);
    expect(list.status).toBe(401);
    const listed = (await (
      await fetch(`${gw.url}/approvals`, { headers: { authorization: `Bearer ${gw.adminToken}` } })
    ).json()) as { pending: unknown[] };
    expect(listed.pending.length).toBeGreaterThan(0);

    const decide = (body: string, auth = gw.adminToken) =>
      fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${auth}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
    expect((await decide('decision=approve', 'wrong')).status).toBe(401);
    expect((await decide('decision=maybe')).status).toBe(400);
    expect((await decide('decision=approve&approver=bob')).status).toBe(200);
    expect((await decide('decision=deny')).status).toBe(409);

    await new Promise((r) => setTimeout(r, 60));
    const granted = await exchange(subject, { scope: 'prod', audience: '' });
    expect(granted.status).toBe(200);
    expect(gw.audit.some((l) => l.includes('"approver":"bob"'))).toBe(true);
  });
});

describe('local issuer endpoint', () => {
  it('answers like the GitHub runner: bearer request token, audience in the query', async () => {
    const denied = await fetch(`${gw.idTokenRequestUrl}&audience=x`);
    expect(denied.status).toBe(401);
    const res = await fetch(`${gw.idTokenRequestUrl}&audience=https%3A%2F%2Faud.example`, {
      headers: { authorization: `bearer ${gw.idTokenRequestToken}` },
    });
    const { value } = (await res.json()) as { value: string };
    tokens.add(value);
    const { payload } = await jwtVerify(
      value,
      createRemoteJWKSet(new URL(`${gw.issuerUrl}/jwks`)),
      {
        audience: 'https://aud.example',
      },
    );
    expect(payload).toMatchObject({
      repository: 'octo-org/app',
      run_attempt: '1',
      runner_environment: 'github-hosted',
    });
    const gitlab = await fetch(gw.idTokenRequestUrl.replace('/github/', '/gitlab/'), {
      headers: { authorization: `Bearer ${gw.idTokenRequestToken}` },
    });
    const body = (await gitlab.json()) as { value: string };
    tokens.add(body.value);
    expect(body.value.split('.')).toHaveLength(3);
  });
});

describe('audit log', () => {
  it('is one JSON object per line, with decisions and no tokens', () => {
    expect(gw.audit.length).toBeGreaterThan(5);
    const events = gw.audit.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const e of events) {
      expect(typeof e.time).toBe('string');
      expect(typeof e.event).toBe('string');
    }
    const kinds = new Set(events.map((e) => e.event));
    for (const kind of [
      'token.issued',
      'token.denied',
      'token.pending',
      'token.revoked',
      'token.introspected',
      'approval.approved',
      'idtoken.minted',
    ]) {
      expect(kinds).toContain(kind);
    }
    const check = captureLog();
    check.lines.push(...gw.audit);
    check.expectNoSecrets(tokens);
  });
});
