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
      '  ref: refs/heads/main',
      '  environment: production',
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
      '  ref: main',
      '  environment: (not set)',
      '  exp: 2025-06-01T11:59:30.000Z (expired 30 s ago)',
    ]);
    expect(bindingHint(token)).toContain('ref_protected');
  });
});
