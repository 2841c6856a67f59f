/**
 * Tests of the forms a secret is registered under. Each job (in `jobs.ts`)
 * prints a secret the way a real CI job would, by running the real tool
 * (coreutils base64, xxd, bash, python3, jq, perl, openssl: all required,
 * none skipped), and the test checks that a registered form is in that output
 * and covers the secret. Line breaks are removed first, as the masking engine
 * ignores them.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  MIN_PART_LENGTH,
  isRegistrablePart,
  secretForms,
  type SecretForm,
} from '../../src/masking/encodings.js';
import { JOBS, SECRETS, flat, newtonsoftToString, outputOf, python } from './jobs.js';

// ---------------------------------------------------------------------------
// Assertions.

interface Hit {
  readonly form: SecretForm;
  readonly at: number;
  readonly length: number;
}

function hitsIn(output: Buffer, forms: readonly SecretForm[]): Hit[] {
  const hits: Hit[] = [];
  for (const form of forms) {
    const needle = flat(form.bytes);
    for (let at = output.indexOf(needle); at >= 0; at = output.indexOf(needle, at + 1)) {
      hits.push({ form, at, length: needle.length });
    }
  }
  return hits;
}

/**
 * Each piece of the payload (the output minus the quotes or prefix around the
 * value) lies inside some form that is itself in the output.
 */
function expectTextCovered(
  secret: string,
  output: Buffer,
  payloadOf: (flat: string) => string | string[],
) {
  const out = flat(output);
  const payload = payloadOf(out.toString('utf8'));
  expect(payload.length).toBeGreaterThan(0);
  const found = hitsIn(out, secretForms(secret)).map((h) => flat(h.form.bytes));
  const uncovered = (Array.isArray(payload) ? payload : [payload]).filter(
    (piece) => !found.some((form) => form.includes(Buffer.from(piece, 'utf8'))),
  );
  expect(uncovered).toEqual([]);
}

/**
 * Some form is in the output and covers every base64 character whose 6 bits
 * all come from the secret: at most the one character that mixes the
 * secret's bits with its neighbours' stays visible at each end.
 */
function expectBase64Covered(secret: string, output: Buffer, prefix: string) {
  const out = flat(output);
  const before = Buffer.byteLength(prefix);
  const firstPure = Math.ceil((before * 8) / 6);
  const endPure = Math.floor(((before + Buffer.byteLength(secret)) * 8) / 6);
  const covering = hitsIn(out, secretForms(secret)).filter(
    (h) => h.at <= firstPure && h.at + h.length >= endPure,
  );
  expect(covering.map((h) => h.form.encoding)).not.toEqual([]);
}

// ---------------------------------------------------------------------------
// Tests.

describe.each(SECRETS)('a job prints the %s secret', (_label, secret) => {
  it.each(JOBS)('with $name', (job) => {
    const output = outputOf(job, secret);
    if (job.check.kind === 'base64') expectBase64Covered(secret, output, job.check.prefix);
    else expectTextCovered(secret, output, job.check.payload);
  });
});

/** The runner's encoders, written from their documented behaviour. */
function runnerEncodings(secret: string): string[] {
  const utf8 = Buffer.from(secret, 'utf8');
  const base64 = [0, 1, 2].flatMap((skip) => {
    const std = utf8.subarray(skip).toString('base64');
    const url = std.replace(/\+/g, '-').replace(/\//g, '_');
    return [std, std.replace(/=+$/, ''), url.replace(/=+$/, '')];
  });
  const quotedInner = /^".*"$/s.test(secret) && secret.length > 8 ? [secret.slice(1, -1)] : [];
  return [
    secret,
    ...base64,
    secret.replace(/"/g, '\\"'),
    secret.replace(/'/g, "''"),
    newtonsoftToString(secret).slice(1, -1),
    python("from urllib.parse import quote; print(quote(s, safe=''), end='')", secret).toString(),
    secret.replace(
      /[&<>"']/g,
      (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c] ?? ''};`,
    ),
    ...quotedInner,
    ...powershellSections(secret),
  ];
}

function powershellSections(secret: string): string[] {
  if (!secret.includes('&')) return [];
  const cut = secret.includes('&+') ? secret.indexOf('&+') + 2 : secret.lastIndexOf('&') + 1;
  const post = secret.includes('&+') ? secret.slice(cut + 1) : secret.slice(cut);
  return [secret.slice(0, cut), post];
}

describe('the GitHub runner encoders', () => {
  const secrets = [
    ...SECRETS.map(([, s]) => s),
    '"quoted-secret-value"',
    'first-part-secret&second-part',
    'first-part&+second-part-secret',
  ];
  it.each(secrets)('are all registered for %j (when 8 bytes or longer)', (secret) => {
    const registered = new Set(secretForms(secret).map((f) => f.bytes.toString('utf8')));
    const missing = runnerEncodings(secret).filter(
      (e) => Buffer.byteLength(e) >= MIN_PART_LENGTH && !registered.has(e),
    );
    expect(missing).toEqual([]);
  });
});

describe('short and empty secrets', () => {
  it('yields nothing for the empty string', () => {
    expect(secretForms('')).toEqual([]);
  });

  it.each(['a', 'abc1234', '{}[]()!', 'é✓中😀ab', '😀😀😀😀😀😀😀'])(
    'yields only the raw form of %j',
    (secret) => {
      expect(secretForms(secret)).toEqual([{ encoding: 'raw', bytes: Buffer.from(secret) }]);
    },
  );

  it('keeps the raw form of a long punctuation-only secret, but none of its lines', () => {
    const forms = secretForms('--------\n--------');
    expect(forms[0]).toEqual({ encoding: 'raw', bytes: Buffer.from('--------\n--------') });
    expect(forms.some((f) => f.encoding.startsWith('line'))).toBe(false);
  });
});

describe('lines of a multi-line secret', () => {
  const secret = '{\n  "token": "tok-1234567890"\n}\n-----\nshort\n\n';
  const forms = secretForms(secret);
  const texts = new Set(forms.map((f) => f.bytes.toString('utf8')));

  it.each(['{', '}', '-----', 'short', ''])('does not register %j alone', (line) => {
    expect(texts.has(line)).toBe(false);
  });

  it('registers a long line alone, with its encodings', () => {
    const line = '  "token": "tok-1234567890"';
    expect(texts.has(line)).toBe(true);
    expect(texts.has(Buffer.from(line).toString('base64'))).toBe(true);
    expect(forms.filter((f) => f.encoding.startsWith('line2:')).length).toBeGreaterThan(5);
    expect(forms.some((f) => /^line[13456]:/.test(f.encoding))).toBe(false);
  });

  it('registers a secret read from a file with its trailing newline, and without it', () => {
    const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
    const fromFile = new Set(secretForms(`${token}\n`).map((f) => f.bytes.toString('utf8')));
    expect(fromFile.has(`${token}\n`)).toBe(true);
    expect(fromFile.has(token)).toBe(true);
  });
});

describe('isRegistrablePart', () => {
  it.each([
    ['abcdefgh', true],
    ['12345678', true],
    ['é中文中文中文x', true],
    ['abcdefg', false],
    ['{', false],
    ['-----', false],
    ['--------', false],
    ['        ', false],
    ['{}[]()<>!?', false],
    ['😀😀😀😀😀😀😀😀', false],
    ['', false],
  ])('%j -> %s', (part, expected) => {
    expect(isRegistrablePart(part)).toBe(expected);
  });
});

describe('the set of forms', () => {
  it.each(SECRETS)('of the %s secret has no empty, short or duplicate form', (_label, secret) => {
    const forms = secretForms(secret);
    expect(forms[0]).toEqual({ encoding: 'raw', bytes: Buffer.from(secret) });
    expect(forms.filter((f) => f.bytes.length < MIN_PART_LENGTH)).toEqual([]);
    expect(new Set(forms.map((f) => f.bytes.toString('hex'))).size).toBe(forms.length);
    expect(new Set(forms.map((f) => f.encoding)).size).toBe(forms.length);
  });

  it('names the forms of the README example', () => {
    const byName = new Map(
      secretForms("p@ss/w'rd+é✓x").map((f) => [f.encoding, f.bytes.toString('utf8')]),
    );
    expect(Object.fromEntries(byName)).toMatchObject({
      raw: "p@ss/w'rd+é✓x",
      'base64-std-shift0-padded': 'cEBzcy93J3JkK8Op4pyTeA==',
      'base64-std-shift1-core': 'BAc3MvdydyZCvDqeKck3',
      'hex-lower': '704073732f772772642bc3a9e29c9378',
      'percent-uri-component-upper': "p%40ss%2Fw'rd%2B%C3%A9%E2%9C%93x",
      'percent-rfc3986-upper': 'p%40ss%2Fw%27rd%2B%C3%A9%E2%9C%93x',
      'json-php': "p@ss\\/w'rd+\\u00e9\\u2713x",
      'printf-q': "p@ss/w\\'rd+é✓x",
      'single-quote': "p@ss/w'\\''rd+é✓x",
      'single-quote-shlex': `p@ss/w'"'"'rd+é✓x`,
      'expression-escape': "p@ss/w''rd+é✓x",
      'xml-apos': 'p@ss/w&apos;rd+é✓x',
    });
  });
});

describe('properties', () => {
  const secret = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.string({
      unit: fc.constantFrom(...Array.from('aZ9 \'"\\$`!&<>/+=%#~\r\n\t{}-é中😀')),
      maxLength: 30,
    }),
    fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }).map((lines) => lines.join('\n')),
  );

  it('never throws, and every form but a short raw secret has at least 8 bytes', () => {
    fc.assert(
      fc.property(secret, (s) => {
        const forms = secretForms(s);
        if (s === '') return forms.length === 0;
        const first = forms[0];
        if (first?.encoding !== 'raw' || !first.bytes.equals(Buffer.from(s))) return false;
        const long = Array.from(s).length >= MIN_PART_LENGTH;
        if (!long) return forms.length === 1;
        const keys = new Set(forms.map((f) => f.bytes.toString('hex')));
        return keys.size === forms.length && forms.every((f) => f.bytes.length >= MIN_PART_LENGTH);
      }),
      { numRuns: 2000 },
    );
  });

  it('registers no punctuation-only form except the raw secret', () => {
    fc.assert(
      fc.property(secret, (s) =>
        secretForms(s)
          .slice(1)
          .every((f) => /[\p{L}\p{N}]|[^\p{P}\p{S}\p{Z}\p{C}]/u.test(f.bytes.toString('utf8'))),
      ),
      { numRuns: 1000 },
    );
  });
});
