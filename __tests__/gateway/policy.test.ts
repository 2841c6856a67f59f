import { describe, expect, it } from '@jest/globals';
import { evaluate, globMatch, parseDuration, parsePolicy } from '../../examples/gateway/policy.js';
import { POLICY } from '../helpers/gateway.js';

describe('policy', () => {
  const policy = parsePolicy(POLICY);
  const claims = { repository: 'octo-org/app', ref: 'refs/heads/main' };
  const ask = (scopes: string[], audiences: string[] = []) => ({
    scopes,
    audiences,
    resources: [],
  });

  it('picks the first rule that allows the whole request', () => {
    expect(evaluate(policy, claims, ask(['read'], ['https://api.example.com']))).toMatchObject({
      allowed: true,
      rule: { name: 'read' },
      maxTtlSeconds: 3600,
    });
    expect(evaluate(policy, claims, ask(['deploy']))).toMatchObject({
      allowed: true,
      rule: { name: 'deploy-main' },
      maxTtlSeconds: 300,
    });
    expect(evaluate(policy, { ...claims, ref: 'refs/heads/dev' }, ask(['deploy']))).toMatchObject({
      allowed: false,
      error: 'invalid_scope',
    });
    expect(evaluate(policy, claims, ask(['read'], ['https://x.example']))).toMatchObject({
      allowed: false,
      error: 'invalid_target',
    });
    expect(evaluate(policy, { repository: 'other/app' }, ask(['read']))).toMatchObject({
      allowed: false,
      error: 'invalid_grant',
    });
    expect(
      evaluate(policy, { repository: 'octo-org/api', environment: 'production' }, ask(['prod'])),
    ).toMatchObject({ allowed: true, rule: { approval: true } });
  });

  it('matches globs within and across path segments', () => {
    expect(globMatch('octo-org/*', 'octo-org/app')).toBe(true);
    expect(globMatch('octo-org/*', 'octo-org/app/sub')).toBe(false);
    expect(globMatch('refs/heads/**', 'refs/heads/feature/x')).toBe(true);
    expect(globMatch('v?.x', 'v1.x')).toBe(true);
    expect(globMatch('a.b', 'aXb')).toBe(false);
  });

  it('matches list values and array claims', () => {
    const p = parsePolicy(
      'rules: [{ name: r, match: { aud: [x, y], ref: [main, dev] }, scopes: [s] }]',
    );
    expect(evaluate(p, { aud: ['z', 'y'], ref: 'dev' }, ask(['s'])).allowed).toBe(true);
    expect(evaluate(p, { aud: 'z', ref: 'dev' }, ask(['s'])).allowed).toBe(false);
  });

  it.each([
    ['rules: [{ match: { a: b }, scope: [x] }]', 'unknown key `scope`'],
    ['rules: [{ name: r, scopes: [x] }]', '`match` must name at least one claim'],
    ['rules: [{ match: { a: b }, max_ttl: soon }]', 'expected a duration'],
    ['rules: [{ match: { a: b }, approval: yes }]', '`approval` must be "required" or "none"'],
    ['rules: 3', '`rules` must be a list'],
    ['- a', 'expected a mapping'],
  ])('rejects %p', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it('reads durations', () => {
    expect(parseDuration('90s', 'x')).toBe(90);
    expect(parseDuration('15m', 'x')).toBe(900);
    expect(parseDuration('2h', 'x')).toBe(7200);
    expect(parseDuration(30, 'x')).toBe(30);
  });
});
