import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
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

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A GitHub token as GitHub makes one: 30 characters and their CRC32 in 6 base62 digits. */
function githubToken(prefix: string, entropy: string): string {
  let crc = crc32(entropy);
  let digits = '';
  for (let i = 0; i < 6; i++) {
    digits = BASE62.charAt(crc % 62) + digits;
    crc = Math.floor(crc / 62);
  }
  return `${prefix}${entropy}${digits}`;
}

describe('detectors', () => {
  it.each([
    ['GitHub classic', githubToken('ghp_', alnum(30))],
    ['GitHub classic from its blog post', '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'],
    ['GitHub OAuth', githubToken('gho_', alnum(30, 2))],
    ['GitHub user-to-server', githubToken('ghu_', alnum(30, 3))],
    ['GitHub installation', githubToken('ghs_', alnum(30, 4))],
    ['GitHub refresh', githubToken('ghr_', alnum(30, 5))],
    ['GitHub fine-grained', `github_pat_${alnum(22)}_${alnum(59, 9)}`],
    ['GitLab personal', `glpat-${alnum(20)}`],
    ['GitLab CI job', `glcbt-${alnum(24)}`],
    ['Slack bot', `xoxb-123456789012-1234567890123-${alnum(24)}`],
    ['Slack app', `xapp-1-A0123456789-1234567890123-${alnum(64)}`],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A'],
    ['AWS role id', 'AROAJ6Q2R3NZJ7NBLEXW4'.slice(0, 20)],
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
    const token = githubToken('ghs_', alnum(30));
    const input = Buffer.from(`token=${token}; next`);
    const compiled = compileRaw([], true);
    for (let cut = 1; cut < input.length; cut++) {
      expect(scanChunks(compiled, input, [cut]).toString()).toBe('token=***; next');
    }
  });

  it('gives the same output for any chunking, detectors on', () => {
    const tokens = [
      githubToken('ghp_', alnum(30)),
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
    const token = githubToken('ghp_', alnum(30));
    expect(maskRaw([], token, false)).toBe(token);
  });
});

/** Runs a real program and returns its standard output as text. */
function tool(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('detectors need a token boundary and the vendor format', () => {
  it('leaves an upper-case SHA-256 with ACCA in the middle (Get-FileHash prints upper case)', () => {
    // Python finds, with hashlib, the first numbered input whose digest holds
    // ACCA past its first character (an AWS key-id prefix glued to hex).
    const found = tool('python3', [
      '-c',
      [
        'import hashlib',
        'i = 0',
        'while "ACCA" not in hashlib.sha256(str(i).encode()).hexdigest().upper()[1:]: i += 1',
        'print(hashlib.sha256(str(i).encode()).hexdigest().upper())',
      ].join('\n'),
    ]).trim();
    expect(found.slice(1)).toContain('ACCA');
    const line = `SHA256          ${found}       /tmp/build/app.zip\n`;
    expect(detect(line)).toBe(line);
  });

  it('leaves a pod name holding xapp- and a Terraform variable starting github_pat_', () => {
    const pods = 'default   taxapp-api-5038aabd40-sonbj   1/1   Running   0   3d\n';
    expect(detect(pods)).toBe(pods);
    const tf = 'variable "github_pat_expiry_notification_days" {\n  default = 30\n}\n';
    expect(detect(tf)).toBe(tf);
    expect(detect('github_pat_expiry_notification_days=30')).toBe(
      'github_pat_expiry_notification_days=30',
    );
  });

  it('rejects a GitHub token whose checksum or length is wrong', () => {
    const good = githubToken('ghp_', alnum(30));
    const bad = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    expect(detect(`t=${good}`)).toBe('t=***');
    expect(detect(`t=${bad}`)).toBe(`t=${bad}`);
    expect(detect(`t=${good}x`)).toBe(`t=${good}x`);
    expect(detect(`t=x${good}`)).toBe(`t=x${good}`);
  });

  it('masks a fine-grained PAT only as 22 + _ + 59 characters', () => {
    const pat = `github_pat_${alnum(22)}_${alnum(59, 9)}`;
    expect(detect(`GH_TOKEN=${pat}\n`)).toBe('GH_TOKEN=***\n');
    const longer = `github_pat_${alnum(22)}_${alnum(60, 9)}`;
    expect(detect(longer)).toBe(longer);
    const shape = `github_pat_${alnum(23)}_${alnum(58, 9)}`;
    expect(detect(shape)).toBe(shape);
  });

  it('masks AWS key ids only at exactly 20 characters between boundaries', () => {
    expect(detect('id: AKIAIOSFODNN7EXAMPLE\n')).toBe('id: ***\n');
    expect(detect('AKIAIOSFODNN7EXAMPLEX')).toBe('AKIAIOSFODNN7EXAMPLEX');
    expect(detect('AKIAIOSFODNN7EXAMPLEx')).toBe('AKIAIOSFODNN7EXAMPLEx');
    expect(detect('xAKIAIOSFODNN7EXAMPLE')).toBe('xAKIAIOSFODNN7EXAMPLE');
    for (const prefix of ['AGPA', 'AIDA', 'AIPA', 'ANPA', 'ANVA', 'APKA', 'AROA', 'ASCA']) {
      expect(detect(`"${prefix}QWERTYUIOP234567"`)).toBe('"***"');
    }
  });

  it('sees the boundary before a token even when it arrived in an earlier chunk', () => {
    const token = githubToken('gho_', alnum(30, 6));
    const compiled = compileRaw([], true);
    for (const before of [' ', 'x']) {
      const input = Buffer.from(`${before}${token} `);
      const expected = before === ' ' ? ' *** ' : input.toString();
      for (let cut = 1; cut < input.length; cut++) {
        expect(scanChunks(compiled, input, [cut]).toString()).toBe(expected);
      }
    }
  });

  it('never changes words, hashes, UUIDs, pod names and identifiers', () => {
    const hex = (n: number): fc.Arbitrary<string> =>
      fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
    const word = fc.stringMatching(/^[a-z][a-z0-9]{1,11}$/);
    const triggers = [
      'ghp_',
      'ghs_',
      'github_pat_',
      'glpat-',
      'xoxb-',
      'xapp-',
      'AKIA',
      'ACCA',
      'ASIA',
      'eyJ',
    ];
    const glued = fc
      .tuple(word, fc.constantFrom(...triggers), fc.stringMatching(/^[A-Za-z0-9_]{16,90}$/))
      .map(([w, t, rest]) => `${w}${t}${rest}`);
    const items = fc.oneof(
      word,
      hex(32),
      hex(32).map((h) => h.toUpperCase()),
      hex(20),
      fc.uuid(),
      fc.uuid().map((u) => u.toUpperCase()),
      fc.tuple(word, hex(5), fc.stringMatching(/^[a-z0-9]{5}$/)).map((p) => p.join('-')),
      fc.array(word, { minLength: 2, maxLength: 6 }).map((w) => w.join('_')),
      fc.array(word, { minLength: 2, maxLength: 6 }).map((w) => w.join('-')),
      // A GitHub-shaped word whose last 6 characters are not its checksum.
      fc
        .constantFrom('ghp_', 'gho_', 'ghs_')
        .map((t) => `${t}${randomBytes(27).toString('base64').replace(/[+/]/g, 'x')}`),
      glued,
    );
    fc.assert(
      fc.property(
        fc.array(items, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(' ', '\n', '/', '='),
        (parts, sep) => {
          const text = parts.join(sep);
          expect(detect(text)).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
