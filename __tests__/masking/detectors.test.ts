import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compileRaw, maskRaw, scanChunks } from './engine.js';

const detect = (input: string): string => maskRaw([], input, true);
const alnum = (n: number, seed = 7): string => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i++) out += chars.charAt((i * 31 + seed * 17) % chars.length);
  return out;
};

describe('detectors', () => {
  it.each([
    ['GitHub classic', `ghp_${alnum(36)}`],
    ['GitHub OAuth', `gho_${alnum(36, 2)}`],
    ['GitHub user-to-server', `ghu_${alnum(36, 3)}`],
    ['GitHub installation', `ghs_${alnum(36, 4)}`],
    ['GitHub refresh', `ghr_${alnum(76, 5)}`],
    ['GitHub fine-grained', `github_pat_${alnum(22)}_${alnum(59, 9)}`],
    ['GitLab personal', `glpat-${alnum(20)}`],
    ['GitLab CI job', `glcbt-${alnum(24)}`],
    ['Slack bot', `xoxb-123456789012-1234567890123-${alnum(24)}`],
    ['Slack app', `xapp-1-A0123456789-1234567890123-${alnum(64)}`],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A'],
    [
      'JWT',
      'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2lnbmF0dXJlLWJ5dGVz',
    ],
  ])('masks a %s token wherever it appears', (_, token) => {
    expect(detect(`value: ${token}\n`)).toBe('value: ***\n');
    expect(detect(`"${token}"`)).toBe('"***"');
    expect(detect(token)).toBe('***'); // at the very end of input
  });

  it('leaves look-alikes that are too short or malformed', () => {
    expect(detect('ghp_short and glpat-tiny')).toBe('ghp_short and glpat-tiny');
    expect(detect('AKIA is a prefix')).toBe('AKIA is a prefix');
    expect(detect('eyJhbGciOiJIUzI1NiJ9 has no dots')).toBe('eyJhbGciOiJIUzI1NiJ9 has no dots');
  });

  it('masks the body of PEM private keys and keeps the armour lines', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const masked = detect(`before\n${privateKey}after\n`);
    expect(masked).toBe(
      'before\n-----BEGIN PRIVATE KEY-----\n***\n***\n***\n-----END PRIVATE KEY-----\nafter\n',
    );
    expect(detect(publicKey)).toBe(publicKey); // public keys are not secret
  });

  it('masks RSA and OpenSSH private keys, with CRLF, and a key cut short', () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const body = privateKey.split('\n').slice(1, -2);
    const crlf = privateKey.replace(/\n/g, '\r\n');
    const masked = detect(crlf);
    expect(masked.startsWith('-----BEGIN RSA PRIVATE KEY-----\r\n***\r\n')).toBe(true);
    for (const line of body) expect(masked).not.toContain(line);
    const openssh = `-----BEGIN OPENSSH PRIVATE KEY-----\n${alnum(70)}\n${alnum(70, 3)}`;
    expect(detect(openssh)).toBe('-----BEGIN OPENSSH PRIVATE KEY-----\n***\n***');
  });

  it('detects tokens split across chunks at every position', () => {
    const token = `ghs_${alnum(36)}`;
    const input = Buffer.from(`token=${token}; next`);
    const compiled = compileRaw([], true);
    for (let cut = 1; cut < input.length; cut++) {
      expect(scanChunks(compiled, input, [cut]).toString()).toBe('token=***; next');
    }
  });

  it('gives the same output for any chunking, detectors on', () => {
    const tokens = [
      `ghp_${alnum(36)}`,
      'AKIAIOSFODNN7EXAMPLE',
      `xoxb-${alnum(30)}`,
      'eyJhbGciOiJub25lIn0.eyJzIjoxfQ.',
    ];
    const compiled = compileRaw(['plain-secret-1'], true);
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.constantFrom(...tokens, 'plain-secret-1'), fc.string({ maxLength: 12 })),
          {
            maxLength: 10,
          },
        ),
        fc.array(fc.nat(400), { maxLength: 10 }),
        (parts, cuts) => {
          const input = Buffer.from(parts.join(' '));
          const whole = scanChunks(compiled, input);
          expect(scanChunks(compiled, input, cuts)).toEqual(whole);
          for (const token of [...tokens, 'plain-secret-1'])
            expect(whole.toString()).not.toContain(token);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('can be turned off', () => {
    const token = `ghp_${alnum(36)}`;
    expect(maskRaw([], token, false)).toBe(token);
  });
});
