import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { normaliseHttpPath } from '../../src/guardrails/http.js';
import { evaluateHttp } from '../../src/guardrails/evaluate.js';
import { parseHttpGuardrails } from '../../src/guardrails/rules.js';

describe('normaliseHttpPath', () => {
  it.each([
    ['/v1/admin/users', '/v1/admin/users'],
    ['/v1/admin/users/', '/v1/admin/users'],
    ['/', '/'],
    ['/v1//admin///users', '/v1/admin/users'],
    ['/v1/./admin/users', '/v1/admin/users'],
    ['/v1/public/../admin/users', '/v1/admin/users'],
    ['/../../admin', '/admin'],
    ['/v1/public/%2e%2e/admin', '/v1/admin'],
    ['/v1/public/%2E%2E/admin', '/v1/admin'],
    ['/v1/public/.%2e/admin', '/v1/admin'],
    ['/v1/admin%2Fusers', '/v1/admin/users'],
    ['/v1/admin%2fusers', '/v1/admin/users'],
    ['/v1/public\\..\\admin', '/v1/admin'],
    ['/v1/admin;jsessionid=x/users', '/v1/admin/users'],
    ['/v1/public/..;/admin', '/v1/admin'],
    ['/v1/%61dmin', '/v1/admin'],
    ['/v1/admin?redirect=/public', '/v1/admin'],
    ['/v1/admin#frag', '/v1/admin'],
    ['http://api.example.com/v1/admin', '/v1/admin'],
    ['https://api.example.com', '/'],
    ['/caf%C3%A9', '/café'],
  ])('%s → %s', (target, path) => {
    expect(normaliseHttpPath(target)).toEqual({ ok: true, path });
  });

  it.each([
    ['*', 'the request target is not a path'],
    ['v1/admin', 'the request target is not a path'],
    ['/v1/%zz', 'the path has an invalid percent-escape or is not UTF-8'],
    ['/v1/%2', 'the path has an invalid percent-escape or is not UTF-8'],
    ['/v1/%ff', 'the path has an invalid percent-escape or is not UTF-8'],
    ['/v1/%252e%252e/admin', 'the path is percent-encoded twice'],
    ['/v1/admin%00', 'the path holds control characters'],
    ['/v1/admin%0d%0aX: y', 'the path holds control characters'],
  ])('refuses %s', (target, problem) => {
    expect(normaliseHttpPath(target)).toEqual({ ok: false, problem });
  });
});

describe('evaluateHttp', () => {
  const guardrails = parseHttpGuardrails({
    value: {
      rules: [
        { name: 'health', action: 'allow', methods: ['GET'], paths: ['/v1/admin/health'] },
        { name: 'no-admin', action: 'deny', paths: ['/v1/admin/**'] },
        {
          name: 'deletes-reviewed',
          action: 'review',
          methods: ['DELETE'],
          paths: ['/v1/*/items/*'],
        },
      ],
    },
  });
  const check = (method: string, path: string) =>
    evaluateHttp({ guardrails, request: { method, path } });

  it.each([
    ['GET', '/v1/admin', 'deny'],
    ['GET', '/v1/admin/', 'deny'],
    ['POST', '/v1/admin/users/7', 'deny'],
    ['GET', '/v1/public/../admin/users', 'deny'],
    ['GET', '/v1/public/%2e%2e/admin/users', 'deny'],
    ['GET', '/v1/admin%2Fusers', 'deny'],
    ['GET', '//v1//admin//users', 'deny'],
    ['GET', '/V1/Admin/users', 'deny'],
    ['GET', '/v1/admin;x=1/users', 'deny'],
    ['GET', '/v1/admin/health', 'allow'],
    // The allow rule is exact: another case or method is not surely the health check.
    ['GET', '/v1/admin/HEALTH', 'deny'],
    ['POST', '/v1/admin/health', 'deny'],
    ['DELETE', '/v1/shop/items/3', 'review'],
    ['delete', '/v1/shop/items/3?force=1', 'review'],
    ['DELETE', '/v1/shop/items/3/notes', 'allow'],
    ['GET', '/v1/shop/items/3', 'allow'],
    ['GET', '/v1/administrator', 'allow'],
    // HEAD is a GET without the body: the exact allow rule for GET does not cover it.
    ['HEAD', '/v1/admin/health', 'deny'],
  ])('%s %s → %s', (method, path, action) => {
    expect(check(method, path).action).toBe(action);
  });

  it('names the method, the rule and its pattern, not the path', () => {
    expect(check('POST', '/v1/admin/tokens/s3cr3t')).toEqual({
      action: 'deny',
      rule: 'no-admin',
      reason: 'POST on /v1/admin/** is denied by rule no-admin',
      kinds: ['POST'],
    });
    expect(check('GET', '/v1/x')).toEqual({
      action: 'allow',
      reason: 'GET is allowed: no rule matched',
      kinds: ['GET'],
    });
  });

  it('denies a path it cannot read, whatever the rules say', () => {
    const allowAll = parseHttpGuardrails({ value: { rules: [{ name: 'all', action: 'allow' }] } });
    expect(
      evaluateHttp({ guardrails: allowAll, request: { method: 'GET', path: '/a/%252e' } }),
    ).toEqual({
      action: 'deny',
      rule: 'malformed-path',
      reason: 'GET: the path is percent-encoded twice, so it is denied by rule malformed-path',
      kinds: ['GET'],
    });
  });

  it('defines * as one segment and ** as any number, none included', () => {
    const g = parseHttpGuardrails({
      value: {
        rules: [
          { name: 'one', action: 'deny', paths: ['/a/*/c'] },
          { name: 'any', action: 'review', paths: ['/x/**/z'] },
        ],
      },
    });
    const action = (path: string) =>
      evaluateHttp({ guardrails: g, request: { method: 'GET', path } }).action;
    expect(action('/a/b/c')).toBe('deny');
    expect(action('/a/b/b/c')).toBe('allow');
    expect(action('/a/c')).toBe('allow');
    expect(action('/x/z')).toBe('review');
    expect(action('/x/y/z')).toBe('review');
    expect(action('/x/y/y/z')).toBe('review');
    expect(action('/x/yz')).toBe('allow');
  });

  it('covers HEAD with a deny or review rule on GET', () => {
    const g = parseHttpGuardrails({
      value: {
        rules: [{ name: 'no-reads', action: 'review', methods: ['GET'], paths: ['/x/**'] }],
      },
    });
    const action = (method: string) =>
      evaluateHttp({ guardrails: g, request: { method, path: '/x/1' } }).action;
    expect(action('GET')).toBe('review');
    expect(action('HEAD')).toBe('review');
    expect(action('POST')).toBe('allow');
  });

  it('allows everything with the built-in HTTP set (it is empty)', () => {
    const none = parseHttpGuardrails({ value: undefined });
    expect(
      evaluateHttp({ guardrails: none, request: { method: 'DELETE', path: '/v1/admin' } }).action,
    ).toBe('allow');
  });
});

describe('normaliseHttpPath: property', () => {
  const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
  /** One character as written in a request: itself or percent-encoded (either case). */
  const encodeChar = (c: string) =>
    fc.constantFrom(
      c,
      `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
      `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
    );
  const encoded = (text: string) =>
    fc.tuple(...text.split('').map(encodeChar)).map((parts) => parts.join(''));
  /** A separator between segments: a slash, a backslash, %2F, doubled, with `.` or `x/..` detours. */
  const separator = fc
    .tuple(
      fc.constantFrom('/', '//', '\\', '%2F', '%2f', '/./', '/%2e/', '/%2E/'),
      fc.option(
        segment.map((s) => `${s}/../`),
        { nil: '' },
      ),
      fc.option(
        segment.map((s) => `${s}/%2e%2e/`),
        { nil: '' },
      ),
    )
    .map(([sep, detour, encodedDetour]) => `${sep}${detour}${encodedDetour}`);
  const parameter = fc.option(
    segment.map((s) => `;${s}=1`),
    { nil: '' },
  );

  it('reads any disguise of a path as the path itself', () => {
    fc.assert(
      fc.property(
        fc
          .array(segment, { minLength: 1, maxLength: 5 })
          .chain((segments) =>
            fc.tuple(
              fc.constant(segments),
              fc.tuple(...segments.map((s) => fc.tuple(separator, encoded(s), parameter))),
              fc.constantFrom('', '/', '?q=/a/../b', '#f'),
            ),
          ),
        ([segments, written, tail]) => {
          const path = `/${written.map(([sep, seg, param]) => `${sep}${seg}${param}`).join('')}${tail}`;
          expect(normaliseHttpPath(path)).toEqual({ ok: true, path: `/${segments.join('/')}` });
        },
      ),
      { numRuns: 500 },
    );
  });
});
