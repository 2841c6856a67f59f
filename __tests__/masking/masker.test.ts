/**
 * The masker end to end: every job in `jobs.ts` prints every secret the way a
 * real CI job would, and the output goes through `createMasker` whole
 * (`maskText`) and as a stream cut into small random chunks. Nothing of the
 * encoded secret may survive: no 8 characters in a row of a text payload, no
 * 8 characters in a row of the base64 characters made only of the secret's
 * bits. Line breaks are removed before comparing, as tools wrap their output
 * and the engine ignores line breaks.
 */
import type { Transform } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MIN_PART_LENGTH } from '../../src/masking/encodings.js';
import { createMasker } from '../../src/masking/masker.js';
import { JOBS, SECRETS, flat, outputOf, type Check } from './jobs.js';

// ---------------------------------------------------------------------------
// Helpers.

/** A small seeded PRNG (mulberry32), so every chunking is reproducible. */
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

/** Cuts `bytes` into chunks of 1 to `max` bytes (so UTF-8 characters are split too). */
function chunks(bytes: Buffer, seed: number, max = 16): Buffer[] {
  const next = random(seed);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(next() * max);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** Writes `pieces` into a fresh stream of `stream` and resolves with everything it printed. */
async function throughStream(stream: Transform, pieces: readonly Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (const piece of pieces) stream.write(piece);
  stream.end();
  await ended;
  return Buffer.concat(out);
}

/** A 32-bit string hash, to seed each case's chunking. */
function hash(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = Math.imul(h, 31) + text.charCodeAt(i);
  return h;
}

/** Every run of MIN_PART_LENGTH characters (code points) of `text`. */
function windows(text: string): string[] {
  const chars = Array.from(text);
  if (chars.length < MIN_PART_LENGTH) return chars.length === 0 ? [] : [text];
  return Array.from({ length: chars.length - MIN_PART_LENGTH + 1 }, (_, i) =>
    chars.slice(i, i + MIN_PART_LENGTH).join(''),
  );
}

/** The text that encodes the secret in a job's output (line breaks removed). */
function encodedParts(check: Check, output: Buffer, secret: string): string[] {
  const text = flat(output).toString('utf8');
  if (check.kind === 'text') {
    const payload = check.payload(text);
    return Array.isArray(payload) ? payload : [payload];
  }
  // base64(prefix + secret): only the characters whose 6 bits all come from the secret.
  const before = Buffer.byteLength(check.prefix);
  const firstPure = Math.ceil((before * 8) / 6);
  const endPure = Math.floor(((before + Buffer.byteLength(secret)) * 8) / 6);
  return [text.slice(firstPure, endPure)];
}

/** The runs of 8 characters of `parts` still in the masked output (line breaks removed). */
function survivors(parts: readonly string[], masked: Buffer): string[] {
  const out = flat(masked).toString('utf8');
  return parts.flatMap(windows).filter((w) => out.includes(w));
}

// ---------------------------------------------------------------------------
// Every job, every secret.

describe.each(SECRETS)('the %s secret', (label, secret) => {
  it.each(JOBS)('is masked when printed with $name', async (job) => {
    const output = outputOf(job, secret);
    const parts = encodedParts(job.check, output, secret);
    expect(parts.join('').length).toBeGreaterThanOrEqual(MIN_PART_LENGTH);

    const masker = createMasker({ secrets: [secret], detectors: false });
    const whole = Buffer.from(masker.maskText(output.toString('utf8')), 'utf8');
    expect(survivors(parts, whole)).toEqual([]);
    expect(whole.toString('utf8')).toContain('***');

    const seed = hash(`${label}/${job.name}`);
    const streamed = await throughStream(masker.stream(), chunks(output, seed));
    expect(survivors(parts, streamed)).toEqual([]);
    expect(streamed.toString('utf8')).toBe(whole.toString('utf8'));
  });
});

// ---------------------------------------------------------------------------
// The rest of the masker's contract.

describe('createMasker', () => {
  it('masks a secret added after a stream was opened, from the next chunk', async () => {
    const masker = createMasker({ secrets: ['first-secret-value'], detectors: false });
    const stream = masker.stream();
    const out: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    const ended = new Promise<void>((resolve) => stream.on('end', resolve));
    const added = 'added-later-secret';
    const base64 = Buffer.from(added).toString('base64');
    stream.write(`1 first-secret-value ${added}\n`);
    masker.add(added);
    stream.write(`2 ${added} ${base64}\n`);
    stream.end(`3 first-secret-value\n`);
    await ended;
    expect(Buffer.concat(out).toString()).toBe(`1 *** ${added}\n2 *** ***\n3 ***\n`);
    expect(masker.size).toBe(2);
  });

  it('masks a secret under 8 characters as exact text, with a warning that does not hold it', () => {
    const warnings: string[] = [];
    const masker = createMasker({
      secrets: ['hunter2'],
      detectors: false,
      onWarning: (message) => warnings.push(message),
    });
    masker.add('pw0rd');
    masker.add('hunter2'); // already registered: no second warning
    const base64 = Buffer.from('hunter2').toString('base64');
    expect(masker.maskText(`a=hunter2 b=pw0rd c=${base64}`)).toBe(`a=*** b=*** c=${base64}`);
    expect(warnings).toHaveLength(2);
    for (const message of warnings) {
      expect(message).toMatch(/short|characters/);
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('pw0rd');
    }
  });

  it('does not warn about a secret of 8 characters', () => {
    const warnings: string[] = [];
    createMasker({ secrets: ['8chars!!'], onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
  });

  it('counts distinct secrets in size', () => {
    const masker = createMasker({
      secrets: ['secret-one-1', 'secret-two-2', 'secret-one-1'],
      detectors: false,
    });
    expect(masker.size).toBe(2);
    masker.add('secret-two-2');
    expect(masker.size).toBe(2);
    masker.add('secret-three-3');
    expect(masker.size).toBe(3);
  });

  it('ignores empty secrets', () => {
    const warnings: string[] = [];
    const masker = createMasker({
      secrets: ['', 'a-real-secret'],
      detectors: false,
      onWarning: (m) => warnings.push(m),
    });
    masker.add('');
    expect(masker.size).toBe(1);
    expect(warnings).toEqual([]);
    expect(masker.maskText('x a-real-secret y')).toBe('x *** y');
    const none = createMasker({ secrets: [''], detectors: false });
    expect(none.size).toBe(0);
    expect(none.maskText('nothing to hide\n')).toBe('nothing to hide\n');
  });
});

describe('pieces of a secret', () => {
  const secret = 'Zq8-vT3wLp0sXe7RkYb2NcHa';

  it('masks a secret cut short, or printed in pieces of 8 characters or more', () => {
    const masker = createMasker({ secrets: [secret], detectors: false });
    expect(masker.maskText(`token=${secret.slice(0, 20)}\n`)).toBe('token=***\n');
    expect(masker.maskText(`a=${secret.slice(0, 10)} b=${secret.slice(10)}`)).toBe('a=*** b=***');
    // Decoded, the escape is a character the secret does not have: each piece
    // is masked on its own and the escape between them stays, as text would.
    expect(masker.maskText(`yaml: "${secret.slice(0, 12)}\\xE9${secret.slice(12)}"`)).toBe(
      'yaml: "***\\xE9***"',
    );
    // Without an escape to decode, each piece is masked by its windows.
    expect(masker.maskText(`yaml: "${secret.slice(0, 12)} é ${secret.slice(12)}"`)).toBe(
      'yaml: "*** é ***"',
    );
  });

  it('leaves pieces shorter than 8 characters, and punctuation-only runs of a secret', () => {
    const masker = createMasker({ secrets: ['ab--------------cd'], detectors: false });
    expect(masker.maskText('---------------- section ----------------')).toBe(
      '---------------- section ----------------',
    );
    const plain = createMasker({ secrets: [secret], detectors: false });
    expect(plain.maskText(`x=${secret.slice(0, 7)} y=${secret.slice(-7)}`)).toBe(
      `x=${secret.slice(0, 7)} y=${secret.slice(-7)}`,
    );
  });

  it('never lets 9 consecutive characters of a secret through, unless all punctuation', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-kL-P0-3_/+-]{8,40}$/),
        fc.nat(),
        fc.nat(),
        (secret, a, b) => {
          const from = a % secret.length;
          const piece = secret.slice(from, from + 9 + (b % secret.length));
          const masker = createMasker({ secrets: [secret], detectors: false });
          const out = masker.maskText(`<${piece}>`);
          // Runs of punctuation alone are never registered (they would hide
          // `---------` separators everywhere); every other run is masked.
          for (let i = 0; i + 9 <= secret.length; i++) {
            const run = secret.slice(i, i + 9);
            if (/[a-kL-P0-3]/.test(run)) expect(out).not.toContain(run);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps covering a secret whose windows are partly punctuation', () => {
    // Stride-2 windows here would be `_0/-+--/` and two punctuation-only
    // ones, leaving `0/-+--/_+` unmasked; every window masks all but the `+`.
    const masker = createMasker({ secrets: ['_0/-+--/_+_'], detectors: false });
    expect(masker.maskText('<0/-+--/_+>')).toBe('<***+>');
  });

  it('masks a hundred thousand matches in one chunk, each once', () => {
    const masker = createMasker({ secrets: [secret], detectors: false });
    const input = `${secret} `.repeat(100_000);
    expect(masker.maskText(input)).toBe('*** '.repeat(100_000));
  });
});

describe('URL secrets', () => {
  const url = 'postgresql://gp_3f9a1c2b7d4e:Kx9-vQ2wLp0sXe7RkYb2@db.internal.example:5432/app';

  it('masks the URL whole and its secret parts in pieces, never its host and port alone', () => {
    const masker = createMasker({ secrets: [url], detectors: false });
    expect(masker.maskText(`url=${url}\n`)).toBe('url=***\n');
    expect(masker.maskText('connecting to db.internal.example:5432/app')).toBe(
      'connecting to db.internal.example:5432/app',
    );
    expect(masker.maskText('password starts Kx9-vQ2wLp')).toBe('password starts ***');
    expect(masker.maskText('user gp_3f9a1c2b7d4e')).toBe('user ***');
    expect(masker.maskText(`cut: ${url.slice(0, 40)}`)).not.toContain('Kx9-vQ2w');
  });

  it('keeps windows over path segments, query values and fragments (webhooks keep secrets there)', () => {
    const hook =
      'https://hooks.example.com/services/T0AAAAAAA/B0BBBBBBB/XyZ9sEcReTpAtHvAlUe0?sig=s1gN4tUrEvAlUe#fr4gMeNtSeCrEt';
    const masker = createMasker({ secrets: [hook], detectors: false });
    for (const piece of ['XyZ9sEcReTpAtH', 's1gN4tUrEvAl', 'fr4gMeNtSeCr']) {
      expect(masker.maskText(`<${piece}>`)).toBe('<***>');
    }
    expect(masker.maskText('see hooks.example.com')).toBe('see hooks.example.com');
  });

  it("leaves a database URL's database name readable: its path names a database, not a credential", () => {
    const db =
      'postgresql://gp_3f9a1c2b7d4e:Kx9-vQ2wLp0sXe7RkYb2@127.0.0.1:6543/migrations_prod?sslmode=disable';
    const masker = createMasker({ secrets: [db], detectors: false });
    expect(masker.maskText('connected to migrations_prod as ***')).toBe(
      'connected to migrations_prod as ***',
    );
    expect(masker.maskText('migrations_prod=> select 1;')).toBe('migrations_prod=> select 1;');
    expect(masker.maskText(`DATABASE_URL=${db}`)).toBe('DATABASE_URL=***');
    expect(masker.maskText('password starts Kx9-vQ2wLp')).toBe('password starts ***');
    // Any other scheme's path keeps its windows (the webhook case above).
    const api = createMasker({
      secrets: ['https://u:p@api.example.com/migrations_prod'],
      detectors: false,
    });
    expect(api.maskText('<migrations_prod>')).toBe('<***>');
  });

  it('windows a string that only looks like a URL as a whole', () => {
    const masker = createMasker({ secrets: ['http://[not a url-PASSWORD123'], detectors: false });
    expect(masker.maskText('<t a url-PASS>')).toBe('<***>');
  });
});

describe('short secrets, counted in characters', () => {
  it('warns about a secret of 4 emoji (8 UTF-16 code units) and masks it', () => {
    const warnings: string[] = [];
    const masker = createMasker({ detectors: false, onWarning: (w) => warnings.push(w) });
    masker.add('🔑🔒🗝🔐');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('a secret of 4 characters');
    expect(masker.maskText('x 🔑🔒🗝🔐 y')).toBe('x *** y');
  });
});
