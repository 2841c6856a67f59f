import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createScanKernel, gramBit } from '../../src/masking/kernel.js';
import { compileRaw, scanChunks } from './engine.js';
import { referenceMask } from './reference.js';

const SLICE = 64 * 1024; // the kernel copies output into WebAssembly memory in slices this big

describe('scan kernel', () => {
  it('steps a hand-built automaton and stops after a hit', () => {
    // Two states of width 3 (classes 0, 1, then the depth column): 'a' is class 1.
    const kernel = createScanKernel(6, 3);
    kernel.classOf[97] = 1;
    kernel.bigrams.fill(1);
    kernel.grams.fill(0xff);
    kernel.table[1] = 3 << 1; // root --a--> state 1 (handle 3)
    kernel.table[3] = 0; // state 1 --other--> root
    kernel.table[4] = (3 << 1) | 1; // state 1 --a--> state 1, hit
    kernel.table[5] = 1; // depth of state 1
    const input = Buffer.from('xxaxaab');
    expect(kernel.scan(input, 0, input.length, 0)).toBe(5); // the second 'a' of "aa"
    expect(kernel.state).toBe(3);
    expect(kernel.scan(input, 6, input.length, 3)).toBe(-1);
    expect(kernel.state).toBe(0);
  });

  it('spreads gram bits over the whole bitset', () => {
    const bits = new Set<number>();
    for (let b = 0; b < 256; b++) bits.add(gramBit(b, 0x41, 0x42) >>> 10);
    expect(bits.size).toBeGreaterThan(64); // of 128 possible high parts
  });

  it('masks a secret that straddles a slice boundary inside one large write', () => {
    const secret = 'straddling-the-slice-boundary';
    const compiled = compileRaw([secret]);
    for (const offset of [SLICE - 1, SLICE - 2, SLICE - 3, SLICE - 15, 3 * SLICE - 7]) {
      const input = Buffer.concat([
        Buffer.alloc(offset, 'x'),
        Buffer.from(secret),
        Buffer.alloc(100, 'y'),
      ]);
      const out = scanChunks(compiled, input).toString();
      expect(out).toBe(`${'x'.repeat(offset)}***${'y'.repeat(100)}`);
    }
  });

  it('agrees with the reference on inputs larger than a slice', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: fc.constantFrom('a', 'b', '\n', 'Z'), minLength: 3, maxLength: 9 }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        fc.array(fc.integer({ min: SLICE - 12, max: SLICE + 12 }), { maxLength: 4 }),
        (secrets, positions) => {
          const input = Buffer.alloc(2 * SLICE + 64, 'q');
          positions.forEach((at, i) =>
            Buffer.from(secrets[i % secrets.length] ?? '').copy(input, at),
          );
          const patterns = secrets.map((s) => Buffer.from(s));
          expect(scanChunks(compileRaw(patterns), input)).toEqual(referenceMask(input, patterns));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('skips nothing when a secret is shorter than the filter grams', () => {
    expect(scanChunks(compileRaw(['ab']), Buffer.from('xxabyyab')).toString()).toBe('xx***yy***');
    expect(
      scanChunks(compileRaw(['q', 'longer-secret']), Buffer.from('a q longer-secret')).toString(),
    ).toBe('a *** ***');
  });

  it('finds a pattern whose first bytes are split by a line break', () => {
    const compiled = compileRaw(['ABCDEFGHIJ']);
    for (const input of ['A\nBCDEFGHIJ', 'AB\nCDEFGHIJ', 'AB\r\nCDEFGHIJ', 'ABC\nDEFGHIJ']) {
      expect(scanChunks(compiled, Buffer.from(`> ${input} <`)).toString()).not.toMatch(/[A-J]{2}/);
    }
  });
});
