/**
 * The proxy's path normalisation (src/delivery/http/target.ts) as
 * properties over paths built from the pieces attacks are made of: what
 * `inspect` sees is a fixed point (normalising it again changes nothing),
 * holds no dot or empty segment in any spelling, and a WHATWG URL parser
 * (as upstreams built on one resolve paths) reads it unchanged.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseTarget } from '../../src/delivery/http/target.js';

const PIECES = [
  'a',
  'B',
  '.',
  '..',
  '/',
  '//',
  '%2e',
  '%2E',
  '%2F',
  '%2f',
  '%5C',
  '\\',
  '%7e',
  '~',
  '%41',
  '%20',
  ' ',
  'é',
  ';',
  '@',
  '%25',
  '%00',
  '"',
  '<',
  '{',
];
const rawPath = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 12 })
  .map((parts) => `/${parts.join('')}`);

function normalised(raw: string): string | undefined {
  const target = parseTarget(`/cap${raw}`);
  return target.ok ? target.path : undefined;
}

describe('path normalisation', () => {
  it('is a fixed point', () => {
    fc.assert(
      fc.property(rawPath, (raw) => {
        const once = normalised(raw);
        if (once !== undefined) expect(normalised(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves no dot or empty segment, in any spelling', () => {
    fc.assert(
      fc.property(rawPath, (raw) => {
        const path = normalised(raw);
        if (path === undefined) return;
        const segments = path.split('/').slice(1, path.endsWith('/') ? -1 : undefined);
        for (const segment of segments) {
          expect(segment).not.toBe('');
          expect(segment).not.toMatch(/^(\.|%2e){1,2}$/i);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is read unchanged by a WHATWG URL parser', () => {
    fc.assert(
      fc.property(rawPath, (raw) => {
        const path = normalised(raw);
        if (path !== undefined) expect(new URL(path, 'https://upstream.test').pathname).toBe(path);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the capability segment out of the path and the query out of both', () => {
    expect(parseTarget('/cap/x/y?a=1&b')).toEqual({
      ok: true,
      capability: 'cap',
      path: '/x/y',
      query: 'a=1&b',
    });
    expect(parseTarget('/cap')).toMatchObject({ ok: true, path: '/' });
    expect(parseTarget('/cap/')).toMatchObject({ ok: true, path: '/' });
    expect(parseTarget('/cap/x#frag')).toMatchObject({ ok: false, error: 'bad_path' });
    expect(parseTarget('*')).toMatchObject({ ok: false, error: 'not_origin_form' });
  });
});
