/**
 * A leak corpus against the real `gatepass mask` bundle (dist/cli/index.js,
 * built by `npm run build`), run as a child process the way a job pipes its
 * output through it. Each case prints secrets the way a job or an attacker
 * would, and checks that no 8 bytes in a row of any encoded secret reach the
 * output (line breaks removed, as tools wrap their output).
 *
 * Out of scope, by design: a secret re-shaped beyond an encoding (upper-cased,
 * reversed, spaced out), and a secret written slower than the idle timer, which
 * may show its first 7 characters. Colour codes inside a secret and nested or
 * dumped encodings are the decode layer's (`masking/decode.test.ts`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CLI } from '../helpers/runner.js';

const MIN = 8;
/** The size of the chunks Node reads a file or pipe in, and of the kernel's slices. */
const KIB64 = 64 * 1024;

let dir: string;
let files = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatepass-leaks-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Running the bundle.

/** Bytes to write, or a pause between writes. */
type Piece = string | Buffer | { readonly pause: number };

interface Result {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

const ENV = { PATH: process.env.PATH ?? '', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };

function secretsFile(secrets: readonly string[]): string {
  const path = join(dir, `secrets-${files++}.json`);
  writeFileSync(path, JSON.stringify(secrets));
  return path;
}

/**
 * `gatepass mask --secrets-file F` (detectors on, as by default), fed the file
 * `fromFile` (so Node reads it in 64 KiB chunks at 64 KiB offsets) or `input`
 * written piece by piece into a pipe, with pauses where asked.
 */
async function gatepass(
  secrets: readonly string[],
  input: readonly Piece[] | string | Buffer,
  fromFile?: string,
): Promise<Result> {
  const args = [CLI, 'mask', '--secrets-file', secretsFile(secrets)];
  const stdinFd = fromFile === undefined ? undefined : openSync(fromFile, 'r');
  const child = spawn(process.execPath, args, {
    env: ENV,
    stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'],
  });
  if (stdinFd !== undefined) closeSync(stdinFd);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const stdin = child.stdin;
  if (stdin !== null) {
    stdin.on('error', () => undefined); // an early exit shows in the exit code
    const pieces = typeof input === 'string' || Buffer.isBuffer(input) ? [input] : input;
    for (const piece of pieces) {
      if (typeof piece === 'object' && !Buffer.isBuffer(piece)) await sleep(piece.pause);
      else
        await new Promise<void>((resolve) =>
          stdin.write(piece, () => {
            resolve();
          }),
        );
    }
    stdin.end();
  }
  const code = await closed;
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
}

/** Runs a real program the way a job would, and returns what it printed (stdout and stderr). */
function sh(script: string, ...args: string[]): Buffer {
  const result = spawnSync('bash', ['-c', `exec 2>&1\n${script}`, 'job', ...args], { env: ENV });
  if (result.error !== undefined) throw result.error;
  expect(result.status).toBe(0);
  return result.stdout;
}

/** Python's repr() of a string, which may hold NUL (a command-line argument cannot). */
function pythonRepr(text: string): string {
  const result = spawnSync('python3', ['-c', 'import sys; print(repr(sys.stdin.read()))'], {
    input: text,
    env: { ...ENV, PYTHONIOENCODING: 'utf-8' },
  });
  if (result.error !== undefined) throw result.error;
  return result.stdout.toString();
}

// ---------------------------------------------------------------------------
// Checks.

/** Bytes as a string, one character per byte, without line breaks. */
function flat(bytes: Buffer | string): string {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return buffer.toString('latin1').replace(/[\r\n]/g, '');
}

/** Every run of 8 bytes of the encoded secrets that is still in the output. */
function leaks(output: Buffer, encoded: readonly (string | Buffer)[]): string[] {
  const out = flat(output);
  const found = new Set<string>();
  for (const e of encoded) {
    const text = flat(e);
    for (let i = 0; i + MIN <= text.length; i++) {
      const window = text.slice(i, i + MIN);
      if (out.includes(window)) found.add(window);
    }
  }
  return [...found];
}

async function expectMasked(
  secrets: readonly string[],
  input: readonly Piece[] | string | Buffer,
  encoded: readonly (string | Buffer)[],
): Promise<Result> {
  const result = await gatepass(secrets, input);
  expect({ code: result.code, leaks: leaks(result.stdout, encoded) }).toEqual({
    code: 0,
    leaks: [],
  });
  expect(result.stdout.toString('latin1')).toContain('***');
  return result;
}

/** How many times `byte` occurs in `bytes`. */
function count(bytes: Buffer, byte: number): number {
  let n = 0;
  for (const b of bytes) if (b === byte) n++;
  return n;
}

/** The base64 characters of base64(before + secret + after) made only of the secret's bits. */
function pureBase64(encoded: string, before: number, secretBytes: number): string {
  return encoded.slice(Math.ceil((before * 8) / 6), Math.floor(((before + secretBytes) * 8) / 6));
}

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');
const hex = (text: string): string => Buffer.from(text).toString('hex');
const wrap = (text: string, width: number, eol: string): string =>
  text.replace(new RegExp(`.{${width}}`, 'g'), `$&${eol}`);

/** A small seeded PRNG (mulberry32): the same noise on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKEN = 'Zq8-vT3wLp0sXe7RkYb2NcHa';
/** Punctuation every escaper treats differently, and multi-byte UTF-8. */
const PASSWORD = `p@ss/w'rd+é✓x-"Q"&<z>%41`;

// ---------------------------------------------------------------------------
// Timing and chunking.

describe('a secret cut across writes', () => {
  it('is masked when written 3 bytes at a time with pauses shorter than the idle timer', async () => {
    const pieces: Piece[] = ['token='];
    for (let i = 0; i < TOKEN.length; i += 3) pieces.push(TOKEN.slice(i, i + 3), { pause: 10 });
    pieces.push(' b64=');
    const encoded = b64(TOKEN);
    for (let i = 0; i < encoded.length; i += 5) pieces.push(encoded.slice(i, i + 5), { pause: 10 });
    pieces.push('\n');
    await expectMasked([TOKEN], pieces, [TOKEN, encoded]);
  });

  it('is masked when a pause longer than the idle timer falls after its first 8 bytes', async () => {
    const r = await expectMasked(
      [TOKEN],
      ['token=', TOKEN.slice(0, 12), { pause: 150 }, TOKEN.slice(12), '\n'],
      [TOKEN],
    );
    expect(r.stdout.toString()).toMatch(/^token=\*\*\*(\*\*\*)?\n$/);
  });

  it('is masked when a UTF-8 secret is written one byte at a time, splitting its characters', async () => {
    const secret = 'пароль-密码-🔑-ключ';
    const bytes = Buffer.from(`pw=${secret} again=${secret}\n`);
    const pieces: Piece[] = [];
    for (let i = 0; i < bytes.length; i++) {
      pieces.push(bytes.subarray(i, i + 1));
      if (i % 4 === 0) pieces.push({ pause: 2 });
    }
    // (A pause stretched past the idle timer by a busy machine may show up to 7 bytes.)
    const r = await expectMasked([secret], pieces, [secret]);
    expect(r.stdout.toString()).toMatch(/^pw=.*\*\*\* again=.*\*\*\*\n$/s);
  });

  it('is masked in every encoding when a 64 KiB read cuts it, at each of its bytes', async () => {
    const bytes = Buffer.byteLength(PASSWORD);
    const junk = (n: number): string => 'zZ9'.slice(0, n);
    // [printed text, the part of it that encodes the secret]
    const printed: [string, string][] = [
      [PASSWORD, PASSWORD],
      [hex(PASSWORD), hex(PASSWORD)],
      [hex(PASSWORD).toUpperCase(), hex(PASSWORD).toUpperCase()],
      [encodeURIComponent(PASSWORD), encodeURIComponent(PASSWORD)],
      [JSON.stringify(PASSWORD), JSON.stringify(PASSWORD).slice(1, -1)],
      ...[0, 1, 2].map((before): [string, string] => {
        const text = b64(junk(before) + PASSWORD + junk(2));
        return [text, pureBase64(text, before, bytes)];
      }),
    ];
    // Each copy sits across a 64 KiB offset, one copy per byte it can be cut at.
    const parts: Buffer[] = [];
    let at = 0;
    let boundary = KIB64;
    for (const [text] of printed) {
      const copy = Buffer.from(text);
      for (let cut = 0; cut <= copy.length; cut++, boundary += KIB64) {
        parts.push(Buffer.alloc(boundary - cut - at, '.'), copy);
        at = boundary - cut + copy.length;
      }
    }
    const copies = printed.reduce((n, [text]) => n + Buffer.byteLength(text) + 1, 0);
    expect(boundary).toBeGreaterThan(16 * 1024 * 1024); // so it crosses 1 MiB offsets too
    const input = Buffer.concat([...parts, Buffer.from('.\n')]);
    const path = join(dir, 'boundaries.txt');
    writeFileSync(path, input);

    const r = await gatepass([PASSWORD], '', path);
    expect(r.code).toBe(0);
    // Every filler byte survives, and what is left between them holds no secret.
    expect(count(r.stdout, 0x2e)).toBe(count(input, 0x2e));
    const segments = r.stdout
      .toString('latin1')
      .split(/\.+/)
      .filter((s) => s.length > 1);
    expect(segments.length).toBe(copies);
    const encoded = printed.map(([, part]) => part);
    const leaked = segments.flatMap((segment) => leaks(Buffer.from(segment, 'latin1'), encoded));
    expect(leaked).toEqual([]);
    expect(segments.every((segment) => segment.includes('***'))).toBe(true);
  });

  it('is masked across 1 MiB writes into the pipe', async () => {
    const MIB = 1024 * 1024;
    const encoded = b64(`ci:${PASSWORD}`);
    const pieces: Piece[] = [];
    for (const text of [PASSWORD, encoded, hex(PASSWORD)]) {
      const copy = Buffer.from(`${text}\n`);
      const half = Math.floor(copy.length / 2);
      pieces.push(Buffer.alloc(MIB - half, 'x'), copy.subarray(0, half));
      pieces.push(copy.subarray(half), Buffer.alloc(MIB - (copy.length - half), 'y'));
    }
    const r = await expectMasked([PASSWORD], pieces, [
      PASSWORD,
      pureBase64(encoded, 3, Buffer.byteLength(PASSWORD)),
      hex(PASSWORD),
    ]);
    expect(r.stdout.length).toBeGreaterThan(6 * MIB - 1024);
  });
});

describe('a secret at the edges of the input', () => {
  it('is masked as the whole input, and first and last without a newline', async () => {
    const alone = await gatepass([TOKEN], TOKEN);
    expect(alone.stdout.toString()).toBe('***');
    const edges = await gatepass([TOKEN], `${TOKEN} middle ${b64(TOKEN)}`);
    expect(edges.stdout.toString()).toBe('*** middle ***');
  });
});

// ---------------------------------------------------------------------------
// Secrets that are awkward in themselves.

describe('awkward secrets', () => {
  it('masks secrets that are prefixes, suffixes and substrings of each other', async () => {
    const whole = 'abcdefgh-0123456789';
    const prefix = 'abcdefgh-01234';
    const suffix = '0123456789';
    const middle = 'fgh-012345';
    const input = `1 ${whole} 2 ${prefix} 3 ${suffix} 4 ${middle} 5 ${prefix}${suffix} 6 ${whole}${whole}\n`;
    const r = await expectMasked([middle, whole, suffix, prefix], input, [whole, prefix, suffix]);
    expect(r.stdout.toString()).toBe('1 *** 2 *** 3 *** 4 *** 5 *** 6 ***\n');
  });

  it('masks secrets full of regular-expression metacharacters, literally', async () => {
    const secrets = ['a.*b+c?d^e$f', '(x|y)[z]{2}\\d/', '.*.*.*.*.*'];
    const innocent = 'aXXbbbcde$f (x|y)z2d .........';
    const input = `${secrets.join(' ')} ${innocent} ${secrets.map((s) => JSON.stringify(s)).join(' ')}\n`;
    const r = await expectMasked(secrets, input, secrets);
    expect(r.stdout.toString()).toBe(`*** *** *** ${innocent} "***" "***" "***"\n`);
  });

  it.each([
    ['a line feed', 'line-one-abc\nline-two-def'],
    ['CRLF', 'crlf-one-abc\r\ncrlf-two-def'],
    ['tabs', 'tab\tseparated\tvalue-1'],
    ['NUL bytes', 'nul\u0000inside\u0000value-1'],
  ])(
    'masks a secret holding %s, printed raw, re-joined, escaped and line by line',
    async (_, secret) => {
      const lines = secret.split(/\r?\n/);
      const printed = [
        secret,
        lines.join('\r\n'),
        lines.join('\n'),
        JSON.stringify(secret),
        pythonRepr(secret),
        ...lines.map((line) => `| ${line} |`),
      ].join('\n');
      const parts = secret.split(/[\r\n\0]+/).filter((p) => p.length >= MIN);
      await expectMasked([secret], `${printed}\n`, parts);
    },
  );

  it.each([4 * 1024, 64 * 1024])(
    'masks a %d-byte secret printed raw, as wrapped base64, JSON, hex and percent-encoded',
    async (size) => {
      const next = random(size);
      const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_"'&<>%é`;
      const chars = Array.from(alphabet);
      let secret = '';
      while (Buffer.byteLength(secret) < size) {
        secret += chars[Math.floor(next() * chars.length)] ?? '';
      }
      const encoded = [
        secret,
        b64(secret),
        JSON.stringify(secret).slice(1, -1),
        hex(secret),
        encodeURIComponent(secret),
      ];
      const input = [
        `raw ${secret}`,
        wrap(b64(secret), 76, '\n'),
        `{"value": ${JSON.stringify(secret)}}`,
        hex(secret),
        `https://h/?v=${encodeURIComponent(secret)}`,
      ].join('\n');
      await expectMasked([secret], `${input}\n`, encoded);
    },
  );

  it('masks a secret repeated 100,000 times back to back, and on 20,000 lines', async () => {
    const r = await expectMasked([TOKEN], `${TOKEN.repeat(100_000)}\n`, [TOKEN]);
    expect(r.stdout.toString()).toBe('***\n');
    const lines = await expectMasked([TOKEN], `${TOKEN}\n`.repeat(20_000), [TOKEN]);
    expect(lines.stdout.toString()).toBe('***\n'.repeat(20_000));
  });

  it('masks 1,000 secrets at once, each in three encodings', async () => {
    const next = random(1000);
    const secrets = Array.from({ length: 1000 }, (_, i) => {
      const bytes = Buffer.from(Array.from({ length: 18 }, () => Math.floor(next() * 256)));
      return `${bytes.toString('base64')}/${i}`;
    });
    const input = secrets.map((s, i) => `${i} ${s} ${b64(s)} ${encodeURIComponent(s)}\n`).join('');
    const r = await gatepass(secrets, input);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(secrets.map((_, i) => `${i} *** *** ***\n`).join(''));
  });
});

// ---------------------------------------------------------------------------
// The ways jobs print secrets.

describe('a job printing a secret', () => {
  it('is masked with colour codes around it', async () => {
    const r = await expectMasked(
      [TOKEN],
      `\u001b[31m${TOKEN}\u001b[0m \u001b[1;32m${TOKEN}\u001b[m\n`,
      [TOKEN],
    );
    expect(r.stdout.toString()).toBe('\u001b[31m***\u001b[0m \u001b[1;32m***\u001b[m\n');
    const colouredJson = sh('jq -C . <<<"$1"', JSON.stringify({ token: PASSWORD }));
    await expectMasked([PASSWORD], colouredJson, [JSON.stringify(PASSWORD).slice(1, -1)]);
  });

  it.each([
    [76, ''],
    [64, ''],
    [76, 'u:'],
    [64, 'ci:'],
    [76, 'user:'],
  ])('is masked as base64 wrapped at %d columns with CRLF, after %j', async (width, before) => {
    const encoded = b64(before + PASSWORD);
    const pure = pureBase64(encoded, Buffer.byteLength(before), Buffer.byteLength(PASSWORD));
    await expectMasked([PASSWORD], `${wrap(encoded, width, '\r\n')}\r\n`, [pure]);
  });

  it('is masked as xxd -p prints it, wrapped, in both cases', async () => {
    const out = sh('printf %s "$1" | xxd -p; printf %s "$1" | xxd -p -u -c 7', PASSWORD);
    await expectMasked([PASSWORD], out, [hex(PASSWORD), hex(PASSWORD).toUpperCase()]);
  });

  it('is masked as the password of a URL, however the URL was built', async () => {
    const url = new URL('https://registry.example/v2/');
    url.username = 'ci';
    url.password = PASSWORD;
    const goEscaped = Array.from(Buffer.from(PASSWORD), (b) =>
      /^[A-Za-z0-9\-_.~$&+,;=]$/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    ).join('');
    const pythonQuoted = sh(
      'python3 -c "import sys; from urllib.parse import quote; print(quote(sys.argv[1], safe=\'\'))" "$1"',
      PASSWORD,
    ).toString();
    const printed = [
      `remote: https://x-access-token:${TOKEN}@github.com/org/repo.git`,
      `https://ci:${encodeURIComponent(PASSWORD)}@registry.example/`,
      url.href, // WHATWG URL (Node, browsers)
      `https://ci:${goEscaped}@registry.example/`, // Go url.UserPassword
      `https://ci:${pythonQuoted.trim()}@registry.example/`,
    ];
    const r = await expectMasked([TOKEN, PASSWORD], `${printed.join('\n')}\n`, [
      TOKEN,
      ...printed.slice(1).map((line) => line.slice('https://ci:'.length, line.lastIndexOf('@'))),
    ]);
    expect(r.stdout.toString().split('\n').slice(0, 5)).toEqual([
      'remote: https://x-access-token:***@github.com/org/repo.git',
      'https://ci:***@registry.example/',
      'https://ci:***@registry.example/v2/',
      'https://ci:***@registry.example/',
      'https://ci:***@registry.example/',
    ]);
  });

  it('is masked inside a docker config.json auth, whatever the user name', async () => {
    const users = ['a', 'ab', 'abc', 'ci-b', 'robot', '_json_key', 'oauth2accesstoken'];
    const config = {
      auths: Object.fromEntries(
        users.map((user) => [`${user}.registry.example`, { auth: b64(`${user}:${PASSWORD}`) }]),
      ),
    };
    const printed = JSON.stringify(config, null, '\t');
    const pure = users.map((user) =>
      pureBase64(b64(`${user}:${PASSWORD}`), user.length + 1, Buffer.byteLength(PASSWORD)),
    );
    await expectMasked([PASSWORD], `${printed}\n`, pure);
  });

  it('is masked in a bash set -x trace', async () => {
    const trace = sh(
      [
        'curl() { :; }; docker() { :; }',
        'set -x',
        'curl -H "Authorization: Bearer $1" -u "ci:$1" https://api.example',
        'export TOKEN="$1"',
        'docker login -u ci -p "$TOKEN" registry.example',
        'ssh_() { :; }; ssh_ deploy@host "TOKEN=${TOKEN@Q} ./deploy"',
        'eval "X=$(printf %q "$TOKEN")"',
      ].join('\n'),
      PASSWORD,
    );
    expect(trace.toString()).toContain('+ curl');
    expect(trace.toString()).toContain('+ eval');
    const r = await expectMasked([PASSWORD], trace, [PASSWORD, PASSWORD.replace(/'/g, `'\\''`)]);
    expect(r.stdout.toString()).not.toContain('rd+é✓x');
  });

  it('is masked in env | sort, export -p and set', async () => {
    const multiLine = 'first-line-value\nsecond-line-value';
    const out = sh(
      'env -i TOKEN="$1" MULTI="$2" A=1 Z=2 bash -c "env | sort; export -p; set" </dev/null',
      PASSWORD,
      multiLine,
    );
    expect(out.toString()).toContain('TOKEN=');
    const r = await expectMasked([PASSWORD, multiLine], out, [
      PASSWORD,
      'first-line-value',
      'second-line-value',
    ]);
    expect(r.stdout.toString()).toContain('TOKEN=***\n');
  });

  it('is masked in pretty-printed JSON, from JavaScript, jq and Python', async () => {
    const pem = 'line-one-abcdefgh\nline-two-ijklmnop';
    const doc = JSON.stringify({ token: PASSWORD, nested: { list: [PASSWORD, { pem }] } });
    const printed = Buffer.concat([
      Buffer.from(`${JSON.stringify(JSON.parse(doc), null, 2)}\n`),
      sh('jq . <<<"$1"', doc),
      sh(
        'python3 -c "import json, sys; print(json.dumps(json.loads(sys.argv[1]), indent=4))" "$1"',
        doc,
      ),
    ]);
    const json = JSON.stringify(PASSWORD).slice(1, -1);
    const r = await expectMasked([PASSWORD, pem], printed, [
      json,
      json.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      'line-one-abcdefgh',
      'line-two-ijklmnop',
    ]);
    expect(r.stdout.toString()).not.toMatch(/line-|p@ss|rd\+/);
  });

  it('is masked inside binary noise, which passes through unchanged', async () => {
    const next = random(42);
    const noise = (): Buffer =>
      Buffer.from(Array.from({ length: 4093 }, () => Math.floor(next() * 256)));
    const parts: Buffer[] = [];
    const expected: Buffer[] = [];
    for (let i = 0; i < 64; i++) {
      const n = noise();
      parts.push(n, Buffer.from(i % 2 === 0 ? TOKEN : b64(TOKEN)));
      expected.push(n, Buffer.from('***'));
    }
    const r = await gatepass([TOKEN], Buffer.concat(parts));
    expect(r.code).toBe(0);
    expect(r.stdout.equals(Buffer.concat(expected))).toBe(true);
  });

  it('is masked as the private key of a cloud service-account JSON file, unregistered', async () => {
    const body = [
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
      'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
    ];
    const key = `-----BEGIN PRIVATE KEY-----\n${body.join('\n')}\n-----END PRIVATE KEY-----\n`;
    const file = JSON.stringify({ type: 'service_account', private_key: key }, null, 2);
    const r = await gatepass([], `${file}\n`);
    expect({ code: r.code, leaks: leaks(r.stdout, body) }).toEqual({ code: 0, leaks: [] });
    expect(r.stdout.toString()).toContain('"private_key": "-----BEGIN PRIVATE KEY-----***');
  });

  it('is masked in a CSV export, where a double quote is doubled', async () => {
    const out = sh(
      'python3 -c "import csv, sys; csv.writer(sys.stdout).writerow([\'id\', sys.argv[1]])" "$1"',
      PASSWORD,
    );
    const r = await expectMasked([PASSWORD], out, [PASSWORD.replace(/"/g, '""')]);
    expect(r.stdout.toString()).toBe('id,"***"\r\n');
  });
});
