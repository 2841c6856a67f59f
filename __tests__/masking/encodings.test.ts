/**
 * Tests of the forms a secret is registered under. Each job below prints a
 * secret the way a real CI job would, by running the real tool where the
 * machine has it (coreutils base64, xxd, bash, python3, jq, perl, openssl),
 * and checks that a registered form is in that output and covers the secret.
 * Line breaks are removed first, as the masking engine ignores them.
 */
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  MIN_PART_LENGTH,
  isRegistrablePart,
  secretForms,
  type SecretForm,
} from '../../src/masking/encodings.js';

// ---------------------------------------------------------------------------
// Secrets: the shapes credentials take.

const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  'NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ',
  '-----END PRIVATE KEY-----',
].join('\n');

const SECRETS: readonly (readonly [label: string, secret: string])[] = [
  ['ASCII token', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['prefix of the ASCII token', 'ghs_16C7e42F292c'],
  ['punctuation', `s3cr'"\\$\`!&<>/et_Value#1 ok~*(=)`],
  ['multi-line PEM', PEM],
  ['unicode', 'pässwörd-é中文-😀-✓x9'],
  ['control characters', 'tab\there\u001bescape\u007fdel-ok'],
  ['quotes and a no-break space', 'it\'s a "quoted" sécret\u00a0nbsp'],
  ['README example', "p@ss/w'rd+é✓x"],
];

// ---------------------------------------------------------------------------
// Running the tools a job would use.

const ENV = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' };

interface RunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly stderr?: boolean;
}

/** Runs a real program and returns what it printed. */
function run(command: string, args: readonly string[], options: RunOptions = {}): Buffer {
  const result = spawnSync(command, args, {
    input: options.input,
    env: options.env ?? ENV,
    maxBuffer: 1 << 20,
  });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} exited with ${String(result.status)}: ${result.stderr.toString()}`);
  }
  return options.stderr === true ? result.stderr : result.stdout;
}

/** A bash job script; the secret is `$1`, as it would be `$TOKEN`. */
function bash(script: string, secret: string, options: RunOptions = {}): Buffer {
  return run('bash', ['-c', script, 'job', secret], options);
}

/** A Python one-liner; the secret is `s`. */
function python(expression: string, secret: string): Buffer {
  return run('python3', ['-c', `import sys\ns = sys.argv[1]\n${expression}`, secret]);
}

function jq(filter: string, secret: string): Buffer {
  return run('jq', ['-rn', '--arg', 's', secret, filter]);
}

function available(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

// ---------------------------------------------------------------------------
// Independent emulations of encoders that cannot run here (PHP, Go, .NET).

function unicodeEscapes(json: string, pattern: RegExp): string {
  return json.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** PHP json_encode with default flags: `\/` and `\uXXXX` for every non-ASCII code unit. */
const phpJsonEncode = (s: string): string =>
  unicodeEscapes(JSON.stringify(s).replace(/\//g, '\\/'), /[\u0080-\uffff]/g);
/** Go encoding/json: HTML-safe, and U+2028/U+2029 escaped. */
const goJsonMarshal = (s: string): string =>
  unicodeEscapes(JSON.stringify(s), /[<>&\u2028\u2029]/g);
/** Newtonsoft JsonConvert.ToString, the runner's JsonStringEscape. */
const newtonsoftToString = (s: string): string =>
  unicodeEscapes(JSON.stringify(s), /[\u0085\u2028\u2029]/g);

// ---------------------------------------------------------------------------
// Jobs: a way a job prints the secret, and which part of its output encodes it.

type Check =
  /** The whole output, minus quotes/prefix removed by `payload`, is the secret. */
  | { readonly kind: 'text'; readonly payload: (flat: string) => string | string[] }
  /** The output is base64 of `prefix + secret (+ suffix)`. */
  | { readonly kind: 'base64'; readonly prefix: string };

interface Job {
  readonly name: string;
  readonly tool?: string;
  readonly output: (secret: string) => Buffer | string;
  readonly check: Check;
}

const whole: Check = { kind: 'text', payload: (flat) => flat };
const quoted: Check = { kind: 'text', payload: stripQuotes };
const after = (prefix: string): Check => ({
  kind: 'text',
  payload: (flat) => stripQuotes(flat.slice(flat.indexOf(prefix) + prefix.length)),
});
const base64Of = (prefix = ''): Check => ({ kind: 'base64', prefix });

/** Removes the quotes a tool put around a string: "..", '..', `..`, $'..'. */
function stripQuotes(text: string): string {
  if (text.startsWith("$'") && text.endsWith("'")) return text.slice(2, -1);
  const first = text[0];
  if (text.length >= 2 && first !== undefined && `"'\``.includes(first) && text.endsWith(first)) {
    return text.slice(1, -1);
  }
  return text;
}

const lowerHex = (s: string): string => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

const JOBS: readonly Job[] = [
  // Raw.
  { name: 'echo "$S"', output: (s) => bash('echo "$1"', s), check: whole },
  // Base64 (coreutils wraps at 76 columns; echo adds a newline).
  {
    name: 'printf %s "$S" | base64',
    output: (s) => bash('printf %s "$1" | base64', s),
    check: base64Of(),
  },
  { name: 'echo "$S" | base64', output: (s) => bash('echo "$1" | base64', s), check: base64Of() },
  {
    name: 'docker auth base64("ci:"+S)',
    output: (s) => bash('printf %s "ci:$1" | base64 -w0', s),
    check: base64Of('ci:'),
  },
  {
    name: 'docker auth base64("bot:"+S)',
    output: (s) => bash('printf %s "bot:$1" | base64 -w0', s),
    check: base64Of('bot:'),
  },
  {
    name: 'docker auth base64("user:"+S)',
    output: (s) => bash('printf %s "user:$1" | base64 -w0', s),
    check: base64Of('user:'),
  },
  {
    name: 'basenc --base64url',
    tool: 'basenc',
    output: (s) => bash('printf %s "$1" | basenc --base64url', s),
    check: base64Of(),
  },
  {
    name: 'basenc --base64url of "user:"+S',
    tool: 'basenc',
    output: (s) => bash('printf %s "user:$1" | basenc --base64url', s),
    check: base64Of('user:'),
  },
  {
    name: 'openssl base64 (wraps at 64)',
    tool: 'openssl',
    output: (s) => bash('printf %s "$1" | openssl base64', s),
    check: base64Of(),
  },
  {
    name: 'jq @base64 of "x:"+S',
    tool: 'jq',
    output: (s) => jq('"x:" + $s | @base64', s),
    check: base64Of('x:'),
  },
  {
    name: 'JS base64url (JWT-style, unpadded)',
    output: (s) => Buffer.from(s).toString('base64url'),
    check: base64Of(),
  },
  {
    name: 'JS base64url after 1 byte',
    output: (s) => Buffer.from(`{${s}`).toString('base64url'),
    check: base64Of('{'),
  },
  // Hex.
  { name: 'xxd -p (wraps at 60)', output: (s) => bash('printf %s "$1" | xxd -p', s), check: whole },
  { name: 'xxd -p -u', output: (s) => bash('printf %s "$1" | xxd -p -u', s), check: whole },
  // Shell quoting.
  { name: 'bash printf %q', output: (s) => bash('printf %q "$1"', s), check: quoted },
  {
    name: 'bash printf %q, C locale',
    output: (s) => bash('printf %q "$1"', s, { env: { ...ENV, LC_ALL: 'C', LANG: 'C' } }),
    check: quoted,
  },
  { name: 'bash ${S@Q}', output: (s) => bash('echo "${1@Q}"', s), check: quoted },
  {
    name: 'bash set -x',
    output: (s) => bash('set -x; : "$1"', s, { stderr: true }),
    check: after('+ : '),
  },
  {
    name: 'python shlex.quote',
    output: (s) => python('import shlex; print(shlex.quote(s))', s),
    check: quoted,
  },
  { name: 'jq @sh', tool: 'jq', output: (s) => jq('$s | @sh', s), check: quoted },
  {
    // Double-quote escaping (\" \$ \` \\), or $'...' for control characters.
    name: 'bash declare -p',
    output: (s) => bash('S=$1; declare -p S', s),
    check: after('S='),
  },
  // JSON.
  { name: 'JSON.stringify', output: (s) => JSON.stringify(s), check: quoted },
  {
    name: 'python json.dumps',
    output: (s) => python('import json; print(json.dumps(s))', s),
    check: quoted,
  },
  {
    name: 'python json.dumps(ensure_ascii=False)',
    output: (s) => python('import json; print(json.dumps(s, ensure_ascii=False))', s),
    check: quoted,
  },
  {
    name: 'jq -n --arg s "$S" \'$s\'',
    tool: 'jq',
    output: (s) => run('jq', ['-n', '--arg', 's', s, '$s']),
    check: quoted,
  },
  {
    name: 'perl JSON::PP ascii',
    tool: 'perl',
    output: (s) =>
      run('perl', [
        '-CSA',
        '-MJSON::PP',
        '-e',
        'print JSON::PP->new->ascii->allow_nonref->encode($ARGV[0])',
        '--',
        s,
      ]),
    check: quoted,
  },
  { name: 'PHP json_encode (emulated)', output: phpJsonEncode, check: quoted },
  { name: 'Go json.Marshal (emulated)', output: goJsonMarshal, check: quoted },
  {
    name: 'runner JsonStringEscape, Newtonsoft (emulated)',
    output: newtonsoftToString,
    check: quoted,
  },
  // Percent-encoding.
  { name: 'encodeURIComponent', output: (s) => encodeURIComponent(s), check: whole },
  {
    name: 'encodeURIComponent, lower-case hex',
    output: (s) => lowerHex(encodeURIComponent(s)),
    check: whole,
  },
  { name: 'encodeURI', output: (s) => encodeURI(s), check: whole },
  {
    name: 'URLSearchParams',
    output: (s) => new URLSearchParams({ t: s }).toString(),
    check: after('t='),
  },
  {
    name: 'python urllib.parse.quote',
    output: (s) => python('from urllib.parse import quote; print(quote(s))', s),
    check: whole,
  },
  {
    name: "python quote(s, safe='') (RFC 3986, Uri.EscapeDataString)",
    output: (s) => python("from urllib.parse import quote; print(quote(s, safe=''))", s),
    check: whole,
  },
  {
    name: 'RFC 3986, lower-case hex',
    output: (s) =>
      lowerHex(python("from urllib.parse import quote; print(quote(s, safe=''))", s).toString()),
    check: whole,
  },
  {
    name: 'python quote_plus',
    output: (s) => python('from urllib.parse import quote_plus; print(quote_plus(s))', s),
    check: whole,
  },
  {
    name: 'python urlencode',
    output: (s) => python("from urllib.parse import urlencode; print(urlencode({'t': s}))", s),
    check: after('t='),
  },
  { name: 'jq @uri', tool: 'jq', output: (s) => jq('$s | @uri', s), check: whole },
  // XML / HTML.
  {
    name: 'python html.escape',
    output: (s) => python('import html; print(html.escape(s))', s),
    check: whole,
  },
  {
    name: 'python html.escape(quote=False)',
    output: (s) => python('import html; print(html.escape(s, quote=False))', s),
    check: whole,
  },
  {
    name: 'python xml.sax.saxutils.escape',
    output: (s) => python('from xml.sax.saxutils import escape; print(escape(s))', s),
    check: whole,
  },
  { name: 'jq @html', tool: 'jq', output: (s) => jq('$s | @html', s), check: whole },
  // String literals in debug output.
  { name: 'python print(repr(s))', output: (s) => python('print(repr(s))', s), check: quoted },
  {
    name: "python print({'token': s})",
    output: (s) => python("print({'token': s})", s),
    check: { kind: 'text', payload: (f) => stripQuotes(f.slice("{'token': ".length, -1)) },
  },
  {
    // Splits multi-line strings into one quoted piece per line: each line must be masked.
    name: 'node util.inspect',
    output: (s) => inspect(s),
    check: { kind: 'text', payload: (f) => stripQuotes(f).split("\\n' +  '") },
  },
];

// ---------------------------------------------------------------------------
// Assertions.

/** The engine ignores line breaks, and so do these checks. */
function flat(bytes: Buffer | string): Buffer {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return Buffer.from(buffer.filter((b) => b !== 0x0a && b !== 0x0d));
}

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
    if (job.tool !== undefined && !available(job.tool)) {
      console.warn(`${job.tool} is not installed; "${job.name}" is not checked`);
      return;
    }
    const printed = job.output(secret);
    const output = typeof printed === 'string' ? Buffer.from(printed, 'utf8') : printed;
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

describe('speed', () => {
  it('computes the forms of 1,000 40-character secrets in well under a millisecond each', () => {
    const secrets = Array.from(
      { length: 1000 },
      (_, i) => `s3cr'et/${String(i).padStart(32, 'x')}`,
    );
    for (const s of secrets.slice(0, 50)) secretForms(s); // warm up the JIT
    const started = performance.now();
    for (const s of secrets) secretForms(s);
    const perSecretMs = (performance.now() - started) / secrets.length;
    expect(perSecretMs).toBeLessThan(0.5);
  });
});
