import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Scanner } from '../../src/masking/scanner.js';
import { compileRaw, maskRaw, scanChunks } from './engine.js';
import { referenceMask } from './reference.js';

const text = (pieces: readonly Buffer[]): string => Buffer.concat(pieces).toString();

describe('scanner: matching', () => {
  it('replaces a secret with ***', () => {
    expect(maskRaw(['s3cr3t-value'], 'token=s3cr3t-value; done')).toBe('token=***; done');
  });

  it('masks every occurrence, at the start and end of input', () => {
    expect(maskRaw(['ABCDEFGH12'], 'ABCDEFGH12 and ABCDEFGH12')).toBe('*** and ***');
  });

  it('merges overlapping, nested and touching matches into one ***', () => {
    expect(maskRaw(['abcdefgh', 'defghijk'], '<abcdefghijk>')).toBe('<***>');
    expect(maskRaw(['abcdefghij', 'cdefgh'], '<abcdefghij>')).toBe('<***>');
    expect(maskRaw(['abcdefgh', 'ijklmnop'], '<abcdefghijklmnop>')).toBe('<***>');
  });

  it('masks a secret that is a prefix of another, and the longer one whole', () => {
    const patterns = ['password1', 'password1234567'];
    expect(maskRaw(patterns, 'a password1 b')).toBe('a *** b');
    expect(maskRaw(patterns, 'a password1234567 b')).toBe('a *** b');
    expect(maskRaw(patterns, 'a password12345 b')).toBe('a ***2345 b');
  });

  it('matches across line breaks and keeps them, one *** per line', () => {
    expect(maskRaw(['ABCDEFGHIJKL'], 'x ABCDEF\nGHIJKL y')).toBe('x ***\n*** y');
    expect(maskRaw(['ABCDEFGHIJKL'], 'ABCDEF\r\nGHIJKL')).toBe('***\r\n***');
  });

  it('passes text, CRLF, split UTF-8 and binary through unchanged', () => {
    const input = Buffer.concat([
      Buffer.from('héllo 中文 🙂\r\n'),
      Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0xc3]),
    ]);
    const compiled = compileRaw(['not-in-there-at-all']);
    for (let cut = 0; cut < input.length; cut++) {
      expect(scanChunks(compiled, input, [cut])).toEqual(input);
    }
  });

  it('masks secrets made of arbitrary bytes', () => {
    const secret = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x10, 0x20, 0x30]);
    const input = Buffer.concat([Buffer.from('a'), secret, Buffer.from('b')]);
    expect(scanChunks(compileRaw([secret]), input).toString('latin1')).toBe('a***b');
  });
});

describe('scanner: holding back', () => {
  it('holds only the bytes that could still begin a match', () => {
    const scanner = new Scanner(compileRaw(['SECRET123']));
    expect(text(scanner.write(Buffer.from('hello SEC')))).toBe('hello ');
    expect(scanner.heldBytes).toBe(3);
    expect(text(scanner.write(Buffer.from('RET123!')))).toBe('***!');
    expect(scanner.heldBytes).toBe(0);
  });

  it('holds nothing when the text cannot start a secret', () => {
    const scanner = new Scanner(compileRaw(['SECRET123']));
    expect(text(scanner.write(Buffer.from('no capitals here')))).toBe('no capitals here');
    expect(scanner.heldBytes).toBe(0);
  });

  it('releases a short held prefix as text when idle', () => {
    const scanner = new Scanner(compileRaw(['SECRET123']));
    expect(text(scanner.write(Buffer.from('Password: SECR')))).toBe('Password: ');
    expect(text(scanner.idle())).toBe('SECR');
  });

  it('releases 8 or more held bytes of a possible secret as *** when idle', () => {
    const scanner = new Scanner(compileRaw(['0123456789abcdef']));
    expect(text(scanner.write(Buffer.from('key 01234567')))).toBe('key ');
    expect(text(scanner.idle())).toBe('***');
    expect(text(scanner.write(Buffer.from('89abcdef end')))).toBe(' end');
  });

  it('shows at most 7 characters of a secret printed slower than the idle timer', () => {
    const secret = 'correct-horse-battery-staple';
    const scanner = new Scanner(compileRaw([secret]));
    let out = '';
    for (const ch of `[${secret}]`) {
      out += text(scanner.write(Buffer.from(ch)));
      out += text(scanner.idle());
    }
    out += text(scanner.end());
    expect(out).toBe('[correct***]');
  });

  it('stays bounded when line breaks keep a partial match open', () => {
    const scanner = new Scanner(compileRaw(['ABCDEFGHIJ']));
    scanner.write(Buffer.from('ABCDE'));
    for (let i = 0; i < 100; i++) scanner.write(Buffer.alloc(16 * 1024, 10));
    expect(scanner.heldBytes).toBeLessThan(300 * 1024);
  });
});

describe('scanner: properties', () => {
  const alphabet = fc.constantFrom(...'ab\n\rxy.é'.split(''), 'AB', '🙂');
  const text = fc.array(alphabet, { maxLength: 60 }).map((a) => a.join(''));
  const secret = fc
    .array(fc.constantFrom(...'abxy.é'.split(''), '🙂', '\n'), { minLength: 1, maxLength: 10 })
    .map((a) => a.join(''));

  it('agrees with the naive reference for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(text, secret), { maxLength: 8 }),
        fc.array(fc.nat(200), { maxLength: 12 }),
        (secrets, parts, cuts) => {
          const input = Buffer.from(parts.join(''));
          const patterns = secrets.map((s) => Buffer.from(s));
          const expected = referenceMask(input, patterns);
          expect(scanChunks(compileRaw(patterns), input, cuts)).toEqual(expected);
          // Only the root gets a dense row: every other state takes the sparse path.
          expect(scanChunks(compileRaw(patterns, false, 1), input, cuts)).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the same output one byte per write as in one write', () => {
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        fc.uint8Array({ maxLength: 80 }),
        (secrets, noise) => {
          const input = Buffer.concat([
            Buffer.from(noise),
            Buffer.from(secrets.join('|')),
            Buffer.from(noise),
          ]);
          const compiled = compileRaw(secrets);
          const everyByte = Array.from({ length: input.length }, (_, i) => i);
          expect(scanChunks(compiled, input, everyByte)).toEqual(scanChunks(compiled, input));
        },
      ),
      { numRuns: 500 },
    );
  });
});
