/**
 * The decode layer end to end: real tools (coreutils base32/base64, iconv,
 * xxd, hexdump, od, grep, bash, Python's standard library) print a registered
 * secret in forms no single registered encoding covers, nested or laid out
 * as dumps, and nothing of what they printed may survive the masker, whole
 * or streamed in random chunks. Then the other side: realistic output with no
 * secret in it (random data in every one of those encodings) never changes.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { coverageOf } from '../../src/masking/decode.js';
import { buildAutomaton } from '../../src/masking/automaton.js';
import { createMasker, type Masker } from '../../src/masking/masker.js';
import { Scanner } from '../../src/masking/scanner.js';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { MAX_DEPTH } from '../../src/masking/decode.js';
import { DECODERS } from '../../src/masking/decoders.js';
import { SPAN_CAP, SpanFinder } from '../../src/masking/spans.js';

const ENV = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' };

/** A bash job; the secret is `$1`. Returns what it printed on stdout and stderr, as bytes. */
function sh(script: string, secret: string): Buffer {
  const result = spawnSync('bash', ['-c', `exec 2>&1\n${script}`, 'job', secret], { env: ENV });
  if (result.error !== undefined) throw result.error;
  expect(result.status).toBe(0);
  return result.stdout;
}

/** A Python job (standard library only); the secret is `s`. */
function py(code: string, secret: string): Buffer {
  const script = `import sys\ns = sys.argv[1]\n${code}`;
  const result = spawnSync('python3', ['-S', '-c', script, secret], { env: ENV });
  if (result.error !== undefined) throw result.error;
  expect(result.status).toBe(0);
  return result.stdout;
}

/** Secrets: a token, a password full of characters every encoder treats differently. */
const TOKEN = 'Zq8-vT3wLp0sXe7RkYb2NcHa';
const PASSWORD = `p@ss/w'rd+é✓x-"Q"&<z>%41`;
const MULTILINE = "first-line-of-it\nit's-the-second";
/** Quotes end a span, so forms that keep them as they are get a secret without any. */
const UNICODE = 'pässwörd-Ünïcode-✓42';

interface Form {
  readonly name: string;
  readonly secret: string;
  readonly print: (secret: string) => Buffer;
}

const FORMS: readonly Form[] = [
  // base32
  { name: 'base32', secret: TOKEN, print: (s) => sh('printf %s "$1" | base32', s) },
  {
    name: 'base32, unpadded',
    secret: PASSWORD,
    print: (s) => sh('printf %s "$1" | base32 | tr -d =', s),
  },
  {
    name: 'otpauth URL with a base32 secret',
    secret: TOKEN,
    print: (s) =>
      sh('echo "otpauth://totp/ci?secret=$(printf %s "$1" | base32 -w0 | tr -d =)&issuer=x"', s),
  },
  // UTF-16
  { name: 'UTF-16LE', secret: PASSWORD, print: (s) => sh('printf %s "$1" | iconv -t UTF-16LE', s) },
  { name: 'UTF-16BE', secret: TOKEN, print: (s) => sh('printf %s "$1" | iconv -t UTF-16BE', s) },
  {
    // PowerShell: [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($s)), -EncodedCommand
    name: 'base64 of UTF-16LE',
    secret: PASSWORD,
    print: (s) => sh('printf %s "$1" | iconv -t UTF-16LE | base64 -w0', s),
  },
  {
    name: 'powershell -EncodedCommand of a command holding it',
    secret: TOKEN,
    print: (s) =>
      sh(
        'echo "pwsh -EncodedCommand $(printf \'echo %s\' "$1" | iconv -t UTF-16LE | base64 -w0)"',
        s,
      ),
  },
  // Nested base64, and base64 of escapes
  {
    name: 'kubectl: .dockerconfigjson (base64 of JSON whose auth is base64)',
    secret: PASSWORD,
    print: (s) =>
      py(
        [
          'import base64, json',
          'auth = base64.b64encode(("ci:" + s).encode()).decode()',
          'doc = json.dumps({"auths": {"registry.example": {"auth": auth}}})',
          'print("  .dockerconfigjson: " + base64.b64encode(doc.encode()).decode())',
        ].join('\n'),
        s,
      ),
  },
  {
    name: 'base64 of base64, wrapped at 76',
    secret: TOKEN,
    print: (s) => sh('printf %s "$1" | base64 -w0 | base64', s),
  },
  {
    name: 'Kubernetes Secret: base64 of a URL with the password percent-encoded',
    secret: PASSWORD,
    print: (s) =>
      py(
        [
          'import base64, urllib.parse',
          'url = "postgresql://app:" + urllib.parse.quote(s, safe="") + "@db:5432/app"',
          'print("  DATABASE_URL: " + base64.b64encode(url.encode()).decode())',
        ].join('\n'),
        s,
      ),
  },
  {
    name: 'percent-encoding twice (%25XX)',
    secret: PASSWORD,
    print: (s) =>
      py('from urllib.parse import quote; print("u=" + quote(quote(s, safe=""), safe=""))', s),
  },
  // Dumps
  { name: 'xxd', secret: PASSWORD, print: (s) => sh('printf %s "$1" | xxd', s) },
  {
    name: 'xxd -g1 after 5 bytes',
    secret: TOKEN,
    print: (s) => sh('printf %s "head:$1" | xxd -g1', s),
  },
  { name: 'hexdump -C', secret: PASSWORD, print: (s) => sh('printf %s "$1" | hexdump -C', s) },
  { name: 'od -An -tx1', secret: TOKEN, print: (s) => sh('printf %s "$1" | od -An -tx1', s) },
  {
    name: 'od -tx1 with offsets',
    secret: PASSWORD,
    print: (s) => sh('printf %s "$1" | od -tx1', s),
  },
  { name: 'xxd of base64', secret: TOKEN, print: (s) => sh('printf %s "$1" | base64 | xxd', s) },
  // Entities, quoted-printable, escapes
  {
    name: 'HTML hex entities',
    secret: PASSWORD,
    print: (s) => py('print("".join("&#x%x;" % ord(c) for c in s))', s),
  },
  {
    name: 'HTML decimal entities (xmlcharrefreplace of every character)',
    secret: TOKEN,
    print: (s) => py('print("".join("&#%d;" % ord(c) for c in s))', s),
  },
  {
    name: 'XML charrefs for non-ASCII (str.encode xmlcharrefreplace)',
    secret: UNICODE,
    print: (s) => py('print(s.encode("ascii", "xmlcharrefreplace").decode())', s),
  },
  {
    name: 'quoted-printable (python -m quopri)',
    secret: UNICODE,
    print: (s) => sh('printf %s "$1" | python3 -m quopri', s),
  },
  {
    name: 'quoted-printable with soft line breaks',
    secret: `${TOKEN}=${TOKEN}=${TOKEN}=${TOKEN}`,
    print: (s) => sh('printf %s "$1" | python3 -m quopri', s),
  },
  { name: 'Python bytes repr, UTF-8', secret: PASSWORD, print: (s) => py('print(s.encode())', s) },
  {
    name: 'Python bytes repr, Latin-1',
    secret: 'pässwörd-Ünïcode-42',
    print: (s) => py('print(s.encode("latin-1"))', s),
  },
  {
    name: 'Python unicode_escape',
    secret: UNICODE,
    print: (s) => py('print(s.encode("unicode_escape").decode())', s),
  },
  {
    name: 'printf "\\x.." of every byte (a script building the value)',
    secret: TOKEN,
    print: (s) =>
      sh('printf %s "$1" | od -An -tx1 -v | tr -d " \\n" | sed "s/../\\\\\\\\x&/g"; echo', s),
  },
  {
    name: 'bash declare -p of a multi-line value with a quote',
    secret: MULTILINE,
    print: (s) => sh('S=$1; declare -p S', s),
  },
  // Terminal escapes
  {
    name: 'grep --color=always highlighting the middle',
    secret: TOKEN,
    print: (s) => sh('echo "token=$1" | grep --color=always "${1:6:9}"', s),
  },
  {
    name: 'grep --color=always, two highlights',
    secret: TOKEN,
    print: (s) =>
      sh(
        'echo "token=$1" | GREP_COLORS="mt=01;32" grep --color=always -E -e "${1:3:4}|${1:14:5}"',
        s,
      ),
  },
];

/** Bytes as latin1 text without line breaks: tools wrap what they print. */
const flat = (bytes: Buffer): string => bytes.toString('latin1').replace(/[\r\n]/g, '');

/**
 * Runs of 8 bytes of the secret that a reader of the masked output could
 * recover: in it as printed, or in any decoding of any span of it, as deep as
 * the layer decodes (the decoders are lenient, so this is a wide net).
 */
function recoverable(masked: Buffer, secret: string): string[] {
  const decoded: Buffer[] = [];
  decodings(masked, MAX_DEPTH, decoded);
  const texts = decoded.map(flat);
  const plain = flat(Buffer.from(secret));
  const found = new Set<string>();
  for (let i = 0; i + 8 <= plain.length; i++) {
    const window = plain.slice(i, i + 8);
    if (texts.some((text) => text.includes(window))) found.add(window);
  }
  return [...found];
}

function decodings(bytes: Buffer, depth: number, out: Buffer[]): void {
  out.push(bytes);
  if (depth === 0) return;
  const spans: [number, number][] = [];
  const finder = new SpanFinder();
  const sink = (start: number, end: number): void => {
    spans.push([start, end]);
  };
  finder.feed(bytes, 0, 0, bytes.length, sink);
  finder.flush(bytes.length, sink);
  for (const [start, end] of spans) {
    for (const decode of DECODERS) {
      for (const inner of decode(bytes.toString('latin1', start, end))) {
        decodings(inner, depth - 1, out);
      }
    }
  }
}

/** Writes `input` cut at `cuts` into a masker's stream; resolves with what came out. */
async function masked(
  secret: string | readonly string[],
  input: Buffer,
  cuts: readonly number[] = [],
  masker: Masker = createMasker({ secrets: [secret].flat(), detectors: false }),
): Promise<Buffer> {
  const stream = masker.stream();
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve) => stream.on('end', resolve));
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= input.length) continue;
    stream.write(input.subarray(from, cut));
    from = cut;
  }
  stream.end(input.subarray(from));
  await ended;
  return Buffer.concat(out);
}

describe('the decode layer masks what real tools print', () => {
  it.each(FORMS)('$name', async ({ secret, print }) => {
    const printed = print(secret);
    expect(recoverable(printed, secret).length).toBeGreaterThan(0); // the net catches it unmasked
    const whole = await masked(secret, printed);
    expect(recoverable(whole, secret)).toEqual([]);
    expect(whole.toString('latin1')).toContain('***');
    // Chunking never matters: the same bytes out for any cuts, down to single bytes.
    const cuts = Array.from({ length: 12 }, (_, i) => Math.floor((printed.length * (i + 1)) / 13));
    expect(await masked(secret, printed, cuts)).toEqual(whole);
    const bytewise = Array.from({ length: printed.length }, (_, i) => i);
    expect(await masked(secret, printed, bytewise)).toEqual(whole);
  });

  it(`decodes ${MAX_DEPTH} layers deep and no deeper`, async () => {
    let text = Buffer.from(`k=${TOKEN}`);
    for (let depth = 0; depth < MAX_DEPTH - 1; depth++) {
      text = Buffer.from(`v=${text.toString('base64')}`);
    }
    // MAX_DEPTH - 1 base64 layers, then one more that the layer decodes, and the
    // registered base64 forms of the secret: all within reach.
    const inReach = Buffer.from(`x ${text.toString('base64')} y\n`);
    const out = await masked(TOKEN, inReach);
    expect(out.toString()).toMatch(/^x \S*\*\*\*\S* y\n$/);
    expect(recoverable(out, TOKEN)).toEqual([]);
    const tooDeep = Buffer.from(
      `x ${Buffer.from(`w=${Buffer.from(`u=${text.toString('base64')}`).toString('base64')}`).toString('base64')} y\n`,
    );
    expect((await masked(TOKEN, tooDeep)).toString()).toBe(tooDeep.toString());
  });

  it('masks two occurrences in one span apart, keeping the text between them', async () => {
    // A line ending in base64 padding, or one long base64 line, runs on into
    // the next line: the span holds both, and `err=` is not the secret's.
    for (const secret of [`${TOKEN}42`, `${TOKEN}-${TOKEN}`]) {
      const printed = sh('printf %s "$1" | base64 -w0; echo; echo "err=$1"', secret);
      expect((await masked(secret, printed)).toString()).toBe('***\nerr=***\n');
    }
  });

  it('masks every occurrence of a nested form in one span, however many', async () => {
    const nested = Buffer.from(Buffer.from(TOKEN).toString('base64')).toString('base64');
    const printed = Buffer.from(`${Array.from({ length: 50 }, () => nested).join('.x.')}\n`);
    const out = await masked(TOKEN, printed);
    expect(recoverable(out, TOKEN)).toEqual([]);
    expect(out.toString()).not.toContain(nested.slice(4, 20));
  });
});

describe('the decode layer leaves alone what holds no secret', () => {
  const SECRETS = [TOKEN, PASSWORD, UNICODE];

  it('never changes random data in any of the encodings it reads', async () => {
    const data = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((b) => Buffer.from(b));
    const forms = fc.oneof(
      data.map((b) => b.toString('base64')),
      data.map((b) => b.toString('base64url')),
      data.map((b) => b.toString('hex')),
      data.map((b) => b.toString('hex').toUpperCase()),
      data.map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')),
      data.map((b) => [...b].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('')),
      data.map((b) => [...b].map((x) => `&#${String(x)};`).join('')),
      data.map((b) =>
        [...b].map((x) => `=${x.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
      ),
      data.map((b) => b.toString('latin1')),
      fc.uuid(),
      fc.stringMatching(/^[a-z][a-z0-9_-]{2,30}$/),
    );
    const masker = createMasker({ secrets: SECRETS, detectors: false });
    await fc.assert(
      fc.asyncProperty(fc.array(forms, { minLength: 1, maxLength: 8 }), async (parts) => {
        const input = Buffer.from(parts.join(' '), 'latin1');
        expect((await masked(SECRETS, input, [], masker)).equals(input)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never changes real dumps and encodings of random files', async () => {
    const file = randomBytes(4096).toString('base64');
    for (const tool of ['xxd', 'hexdump -C', 'od -An -tx1', 'base32', 'base64', 'xxd -p']) {
      const printed = sh(`printf %s "$1" | ${tool}`, file);
      expect((await masked(SECRETS, printed)).equals(printed)).toBe(true);
    }
  });
});

describe('the decode layer keeps the streaming guarantees', () => {
  it('holds a span only until it ends, and releases it when output goes quiet', async () => {
    const stream = createMasker({ secrets: [TOKEN], detectors: false, idleMs: 20 }).stream();
    const out: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    stream.write('plain words then a long run: QUJDREVGR0hJSktMTU5PUFFS');
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(out).toString()).toBe('plain words then a long run: ');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Buffer.concat(out).toString()).toBe(
      'plain words then a long run: QUJDREVGR0hJSktMTU5PUFFS',
    );
    stream.end();
  });

  it(`holds at most about two spans' worth (${SPAN_CAP} bytes each) of an endless token`, () => {
    const automaton = buildAutomaton([{ bytes: Buffer.from(TOKEN) }]);
    const scanner = new Scanner({ automaton, detectors: [], coverage: coverageOf(automaton) });
    const chunk = Buffer.from('QUJD'.repeat(16384)); // 64 KiB of base64 alphabet, no delimiter
    let most = 0;
    let released = 0;
    for (let i = 0; i < 64; i++) {
      for (const piece of scanner.write(chunk)) released += piece.length;
      most = Math.max(most, scanner.heldBytes);
    }
    for (const piece of scanner.end()) released += piece.length;
    expect(most).toBeLessThanOrEqual(2 * SPAN_CAP + chunk.length);
    expect(released).toBe(64 * chunk.length); // no secret in it: every byte comes out
  });
});

describe('spans', () => {
  /** Every span the finder reports for `input` fed in pieces cut at `cuts`. */
  function spansOf(input: Buffer, cuts: readonly number[], kernel = true): string[] {
    const found: string[] = [];
    const finder = new SpanFinder({ kernel });
    const sink = (start: number, end: number, dump: boolean): void => {
      found.push(`${String(start)}-${String(end)}${dump ? ' dump' : ''}`);
    };
    let from = 0;
    for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
      if (cut <= from || cut >= input.length) continue;
      finder.feed(input, 0, from, cut, sink);
      from = cut;
    }
    finder.feed(input, 0, from, input.length, sink);
    finder.flush(input.length, sink);
    return found;
  }

  it('are the same however the input is cut', () => {
    const pieces = fc.constantFrom(
      '00000000: 5a71 382d 7654 3377 4c70 3073 5865 3752  Zq8-vT3wLp0sXe7R',
      '00000010  6b 59 62 32 4e 63 48 61  |kYb2NcHa|',
      ' 5a 71 38 2d 76 54 33 77',
      '0000000 5a 71',
      'V25FNExYWlVNM2RNY0RCeldHVTNVbXRaWWpKT1kwaGg=',
      'p=C3=A4ss=3Dw',
      '&#x70;&#112;',
      "$'it\\'s'",
      'a\0b\0c\0',
      '\x1b[31mred\x1b[0m',
      '2026-12-05T07:00:00Z',
      'word',
      'id=42',
      ' ',
      '\n',
      '\r\n',
      '=\n',
      '"',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 30 }),
        fc.array(fc.nat(600), { maxLength: 8 }),
        (parts, cuts) => {
          const input = Buffer.from(parts.join(''), 'latin1');
          const bytewise = Array.from({ length: input.length }, (_, i) => i);
          const whole = spansOf(input, []);
          expect(spansOf(input, cuts)).toEqual(whole);
          expect(spansOf(input, bytewise)).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('are the same with the WebAssembly loop as without it', () => {
    // Bytes of every class the loop treats apart, in runs long enough to
    // cross its 16-byte blocks and reach the 16-byte run and 40-byte line.
    const runs = fc.constantFrom(
      'a',
      'Zq8-vT3wLp0sXe7R',
      'QmFzZTY0LWxvb2tpbmctdGV4dA',
      '0123456789abcdef',
      '00000010  6b 59 62 32',
      ' 5a 71 38 2d ',
      '.',
      ':',
      '/',
      ' ',
      '\t',
      '"',
      '=',
      '=4f',
      '&',
      '&#',
      '%41',
      '\\',
      '\0',
      '\x1b',
      '\r',
      '\n',
      '\xe9',
      '\x7f',
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(runs, fc.integer({ min: 1, max: 5 })), { maxLength: 60 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        (parts, cuts) => {
          const text = parts.map(([run, times]) => run.repeat(times)).join('');
          const input = Buffer.from(text, 'latin1');
          expect(spansOf(input, cuts)).toEqual(spansOf(input, cuts, false));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
