import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { bindingHint, claimLines, identityDiagnostics } from '../../src/identity/diagnostics.js';
import { IdentityToken, parseIdentityToken } from '../../src/identity/token.js';

const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string =>
  `${part({ alg: 'RS256' })}.${part(claims)}.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU`;

const NOW = Date.parse('2025-06-01T12:00:00Z');
const github = {
  iss: 'https://token.actions.githubusercontent.com',
  sub: 'repo:octo-org/app:environment:production',
  aud: 'https://gateway.example',
  repository: 'octo-org/app',
  ref: 'refs/heads/main',
  environment: 'production',
  exp: NOW / 1000 + 120,
  run_id: '42',
};

describe('IdentityToken', () => {
  it('decodes claims without verifying, and never shows the value', () => {
    const value = jwt(github);
    const token = parseIdentityToken(`${value}\n`, 'github', 'test');
    expect(token.value).toBe(value);
    expect(token.claims.repository).toBe('octo-org/app');
    expect(token.expiresAt?.toISOString()).toBe('2025-06-01T12:02:00.000Z');
    for (const shown of [
      JSON.stringify(token),
      inspect(token),
      String(token),
      JSON.stringify({ token }),
    ]) {
      expect(shown).not.toContain(value);
      expect(shown).not.toContain('c2lnbmF0dXJl');
    }
    expect(String(token)).toBe('[identity token for repo:octo-org/app:environment:production]');
  });

  it('knows when it nears expiry', () => {
    const token = parseIdentityToken(jwt(github), 'github', 'test');
    expect(token.expiresWithin(60_000, NOW)).toBe(false);
    expect(token.expiresWithin(60_000, NOW + 61_000)).toBe(true);
    expect(token.isExpired(NOW + 119_000)).toBe(false);
    expect(token.isExpired(NOW + 120_000)).toBe(true);
    expect(new IdentityToken('x', 'local', {}).expiresWithin(1, NOW)).toBe(false);
  });

  it.each([
    '',
    'abc',
    'a.b',
    'a.b.c',
    `${part({ alg: 'none' })}.${part('not an object')}.`,
    'a.b.c.d.e',
  ])('refuses %p without echoing it', (value) => {
    expect(() => parseIdentityToken(value, 'local', 'GATEPASS_ID_TOKEN')).toThrow(
      /^GATEPASS_ID_TOKEN does not hold a JWT/,
    );
  });
});

describe('diagnostics', () => {
  it('renders the claims a policy binds, never the token', () => {
    const value = jwt(github);
    const token = parseIdentityToken(value, 'github', 'test');
    expect(claimLines(token, NOW)).toEqual([
      '  iss: https://token.actions.githubusercontent.com',
      '  sub: repo:octo-org/app:environment:production',
      '  aud: https://gateway.example',
      '  repository: octo-org/app',
      '  repository_id: (not set)',
      '  repository_owner_id: (not set)',
      '  ref: refs/heads/main',
      '  ref_type: (not set)',
      '  environment: production',
      '  job_workflow_ref: (not set)',
      '  job_workflow_sha: (not set)',
      '  event_name: (not set)',
      '  runner_environment: (not set)',
      '  exp: 2025-06-01T12:02:00.000Z (expires in 120 s)',
    ]);
    const block = identityDiagnostics(token, 'invalid_grant (policy says no)\n\u001b[31m', NOW);
    expect(block).not.toContain(value.split('.')[2] ?? '');
    expect(block).not.toContain('\u001b');
    expect(block.split('\n')[0]).toBe(
      'the gateway refused the identity token: invalid_grant (policy says no)',
    );
    expect(block).toContain('repo:OWNER/REPO:environment:NAME');
  });

  it('uses project_path for GitLab and flags missing claims', () => {
    const token = parseIdentityToken(
      jwt({
        iss: 'https://gitlab.com',
        sub: 'project_path:g/p:ref_type:branch:ref:main',
        aud: ['a', 'b'],
        project_path: 'g/p',
        ref: 'main',
        exp: NOW / 1000 - 30,
      }),
      'gitlab',
      'test',
    );
    expect(claimLines(token, NOW)).toEqual([
      '  iss: https://gitlab.com',
      '  sub: project_path:g/p:ref_type:branch:ref:main',
      '  aud: ["a","b"]',
      '  project_path: g/p',
      '  project_id: (not set)',
      '  ref: main',
      '  ref_type: (not set)',
      '  ref_protected: (not set)',
      '  ci_config_ref_uri: (not set)',
      '  environment: (not set)',
      '  exp: 2025-06-01T11:59:30.000Z (expired 30 s ago)',
    ]);
    expect(bindingHint(token)).toContain('ref_protected');
  });

  it('prints, and recommends, the claims careful Vault and cloud policies bind', () => {
    const githubToken = parseIdentityToken(
      jwt({
        ...github,
        repository_id: '123456',
        repository_owner_id: '654321',
        ref_type: 'branch',
        job_workflow_ref: 'octo-org/shared/.github/workflows/deploy.yml@refs/tags/v2',
        job_workflow_sha: 'b'.repeat(40),
        event_name: 'push',
        runner_environment: 'github-hosted',
      }),
      'github',
      'test',
    );
    expect(claimLines(githubToken, NOW)).toEqual(
      expect.arrayContaining([
        '  repository_id: 123456',
        '  repository_owner_id: 654321',
        '  ref_type: branch',
        '  job_workflow_ref: octo-org/shared/.github/workflows/deploy.yml@refs/tags/v2',
        `  job_workflow_sha: ${'b'.repeat(40)}`,
        '  event_name: push',
        '  runner_environment: github-hosted',
      ]),
    );
    const gitlab = {
      iss: 'https://gitlab.com',
      sub: 'project_path:g/p:ref_type:branch:ref:main',
      project_path: 'g/p',
      project_id: '42',
      ref: 'main',
      ref_type: 'branch',
      ref_protected: 'true',
      ci_config_ref_uri: 'gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main',
      environment: 'production',
    };
    const gitlabToken = parseIdentityToken(jwt(gitlab), 'gitlab', 'test');
    expect(claimLines(gitlabToken, NOW)).toEqual(
      expect.arrayContaining([
        '  project_id: 42',
        '  ref_type: branch',
        '  ref_protected: true',
        '  ci_config_ref_uri: gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main',
      ]),
    );
    for (const name of [
      'repository_id',
      'repository_owner_id',
      'ref_type',
      'job_workflow_ref',
      'event_name',
      'runner_environment',
    ]) {
      expect(bindingHint(githubToken)).toContain(`\`${name}\``);
    }
    for (const name of ['project_id', 'ref_type', 'ref_protected', 'ci_config_ref_uri']) {
      expect(bindingHint(gitlabToken)).toContain(`\`${name}\``);
    }
    // A local token is shown by the shape of its claims.
    const local = parseIdentityToken(jwt(gitlab), 'local', 'test');
    expect(claimLines(local, NOW)).toContain(
      '  ci_config_ref_uri: gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main',
    );
  });
});
