import { describe, expect, it } from '@jest/globals';
import {
  credentialRecord,
  describeTarget,
  earliestExpiry,
  renderRevocations,
  renderSummary,
  type AuditRecord,
} from '../../src/audit/record.js';
import { renderRevocationsText, renderSummaryText } from '../../src/audit/text.js';
import type { CredentialRequest, Issued } from '../../src/gateways/gateway.js';
import type { RunContext } from '../../src/flow/host.js';

const SECRET = 'eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXBheWxvYWQtdmFsdWU.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

const CONTEXT: RunContext = {
  platform: 'github',
  repository: 'octo-org/app',
  ref: 'refs/heads/main',
  sha: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
  runId: '42',
  runAttempt: '2',
  job: 'deploy',
  step: 'gatepass',
  actor: 'octocat',
  workflow: 'deploy',
  eventName: 'push',
  serverUrl: 'https://github.com',
};

const REQUEST: CredentialRequest = {
  name: 'deploy',
  ttlSeconds: 900,
  env: { DEPLOY_TOKEN: 'access_token' },
  tokenExchange: { scope: 'deploy', audience: 'https://api.example.com' },
};

const ISSUED_AT = new Date('2026-01-01T00:00:00Z');
const ISSUED: Issued = {
  kind: 'issued',
  name: 'deploy',
  values: { access_token: SECRET, token_type: 'Bearer' },
  publicFields: ['token_type'],
  expiresAt: new Date('2026-01-01T00:05:00Z'),
  revocation: {
    provider: 'token-exchange',
    endpoint: 'https://gw/revoke',
    clientId: 'gatepass',
    tokens: [{ token: SECRET, hint: 'access_token' }],
  },
};

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    version: 1,
    tool: 'gatepass',
    toolVersion: '0.1.0',
    requestId: 'abcdef012345',
    outcome: 'succeeded',
    startedAt: ISSUED_AT.toISOString(),
    context: CONTEXT,
    identity: { sub: 'repo:octo-org/app:ref:refs/heads/main' },
    gateway: { provider: 'token-exchange', url: 'https://gw.example.com' },
    approval: { required: 1, approvers: [{ login: 'alice', url: 'https://github.com/alice' }] },
    credentials: [credentialRecord('token-exchange', REQUEST, ISSUED, ['DEPLOY_TOKEN'], ISSUED_AT)],
    delivery: { run: true, export: 'none', exitCode: 0, durationMs: 1500 },
    ...overrides,
  };
}

describe('credentialRecord', () => {
  it('keeps names, targets and times, never values', () => {
    const rec = credentialRecord('token-exchange', REQUEST, ISSUED, ['DEPLOY_TOKEN'], ISSUED_AT);
    expect(rec).toEqual({
      name: 'deploy',
      provider: 'token-exchange',
      target: 'scope deploy, audience https://api.example.com',
      requestedTtlSeconds: 900,
      grantedTtlSeconds: 300,
      issuedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:05:00.000Z',
      env: ['DEPLOY_TOKEN'],
      revocable: true,
    });
    expect(JSON.stringify(rec)).not.toContain('c2VjcmV0');
  });

  it('describes each provider target', () => {
    expect(describeTarget({ name: 'a', ttlSeconds: 1, vault: { path: 'db/creds/x' } })).toBe(
      'path db/creds/x',
    );
    expect(describeTarget({ name: 'a', ttlSeconds: 1, hoop: { connection: 'pg' } })).toBe(
      'connection pg',
    );
    expect(describeTarget({ name: 'a', ttlSeconds: 1 })).toBe('default');
  });

  it('finds the earliest expiry', () => {
    const a = credentialRecord('token-exchange', REQUEST, ISSUED, [], ISSUED_AT);
    const b = { ...a, expiresAt: '2026-01-01T00:01:00.000Z' };
    expect(earliestExpiry([a, b])).toBe('2026-01-01T00:01:00.000Z');
    expect(earliestExpiry([{ ...a, expiresAt: undefined }])).toBeUndefined();
  });
});

describe('renderSummary', () => {
  it('renders the identity line and one row per credential', () => {
    const md = renderSummary(record());
    expect(md).toContain('### gatepass: ✅ succeeded');
    expect(md).toContain('Request `abcdef012345`');
    expect(md).toContain('[octo-org/app](https://github.com/octo-org/app)');
    expect(md).toContain(
      'commit [`d6cd1e2bd19e`](https://github.com/octo-org/app/commit/d6cd1e2bd19e03a81132a23b2025920577f84e37)',
    );
    expect(md).toContain(
      '[run 42 attempt 2](https://github.com/octo-org/app/actions/runs/42/attempts/2)',
    );
    expect(md).toContain(
      '| deploy | token-exchange | scope deploy, audience https://api.example.com | 5m | 2026-01-01T00:05:00.000Z | [alice](https://github.com/alice) | `DEPLOY_TOKEN` |',
    );
    expect(md).toContain('Delivery: script exited 0 after 1.5 s · export: none');
    expect(md).not.toContain(SECRET);
  });

  it('links a GitLab pipeline and commit, and no links for a local run', () => {
    const gitlab = renderSummary(
      record({
        context: {
          ...CONTEXT,
          platform: 'gitlab',
          repository: 'group/project',
          runId: '77',
          runAttempt: '1001',
          serverUrl: 'https://gitlab.example.com',
        },
      }),
    );
    expect(gitlab).toContain(
      '[pipeline 77 job 1001](https://gitlab.example.com/group/project/-/pipelines/77)',
    );
    expect(gitlab).toContain('(https://gitlab.example.com/group/project/-/commit/d6cd1e2bd19e');
    expect(gitlab).not.toContain('actions/runs');
    const local = renderSummary(
      record({ context: { ...CONTEXT, platform: 'local', serverUrl: undefined } }),
    );
    expect(local).toContain('run 42 attempt 2');
    expect(local).not.toContain('](https://github.com/octo-org');
  });

  it('keeps table cells intact whatever the text holds', () => {
    const md = renderSummary(
      record({
        outcome: 'failed',
        credentials: [
          {
            ...credentialRecord('token-exchange', REQUEST, ISSUED, [], ISSUED_AT),
            target: 'scope a|b <script>\nnext',
          },
        ],
        error: { code: 'GATEWAY', message: 'refused | <b>bold</b>' },
      }),
    );
    expect(md).toContain('| scope a\\|b &lt;script&gt; next |');
    expect(md).toContain('**Error:** refused \\| &lt;b&gt;bold&lt;/b&gt;');
    expect(md.split('\n').filter((l) => l.startsWith('| deploy'))).toHaveLength(1);
  });

  it('says when nothing was issued', () => {
    const md = renderSummary(
      record({ outcome: 'cancelled', credentials: [], delivery: { run: true, export: 'env' } }),
    );
    expect(md).toContain('### gatepass: 🚫 cancelled');
    expect(md).not.toContain('| Credential |');
    expect(md).toContain('Delivery: script not run · export: env');
  });
});

describe('renderRevocations', () => {
  it('renders one row per credential, with when', () => {
    const md = renderRevocations([
      { name: 'a', result: 'revoked', at: '2026-12-05T07:00:01.000Z' },
      { name: 'b', result: 'failed', detail: 'HTTP 503', at: '2026-12-05T07:00:02.000Z' },
      { name: 'c', result: 'skipped', detail: 'revoke: false', at: '2026-12-05T07:00:03.000Z' },
      { name: 'd', result: 'unconfirmed', detail: 'no answer', at: '2026-12-05T07:00:04.000Z' },
    ]);
    expect(md).toContain('| a | ✅ revoked | 2026-12-05T07:00:01.000Z |  |');
    expect(md).toContain('| b | ❌ not revoked | 2026-12-05T07:00:02.000Z | HTTP 503 |');
    expect(md).toContain('| c | ➖ skipped | 2026-12-05T07:00:03.000Z | revoke: false |');
    expect(md).toContain(
      '| d | ⚠️ in flight, not confirmed | 2026-12-05T07:00:04.000Z | no answer |',
    );
  });

  it("the step's summary says how long after the command each credential died", () => {
    const md = renderSummary(
      record({
        delivery: { run: true, export: 'none', exitCode: 0, endedAt: '2026-12-05T07:00:00.000Z' },
        revocations: [{ name: 'deploy', result: 'revoked', at: '2026-12-05T07:00:00.250Z' }],
      }),
    );
    expect(md).toContain(
      '| deploy | ✅ revoked | 2026-12-05T07:00:00.250Z (0.3 s after the command ended) |  |',
    );
  });
});

describe('renderSummaryText', () => {
  it('says the same as the Markdown in plain aligned text, failures in capitals', () => {
    const text = renderSummaryText(
      record({
        outcome: 'failed',
        error: { code: 'GATEWAY', message: 'the gateway said no' },
        revocations: [
          { name: 'deploy', result: 'failed', detail: 'HTTP 503', at: '2026-12-05T07:00:00.000Z' },
        ],
      }),
    );
    expect(text.split('\n')[0]).toBe('gatepass: FAILED · 1 NOT REVOKED · request abcdef012345');
    expect(text).toMatch(/^ {2}approved by {2}alice$/m);
    expect(text).toMatch(/^ {2}error {8}the gateway said no$/m);
    expect(text).toMatch(/^ {2}deploy +NOT REVOKED +2026-12-05T07:00:00.000Z +HTTP 503$/m);
    expect(text).not.toMatch(/[|#*`]/);
  });

  it('renders post and revoke reports', () => {
    expect(
      renderRevocationsText([{ name: 'a', result: 'unconfirmed', detail: 'no answer', at: 'T' }]),
    ).toBe(
      'gatepass: revocation\n  credential  result                    when (UTC)  detail\n  a           in flight, not confirmed  T           no answer\n',
    );
  });
});
