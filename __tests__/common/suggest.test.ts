import { describe, expect, it } from '@jest/globals';
import { closest } from '../../src/common/suggest.js';

const FLAGS = ['provider', 'gateway', 'vault-role', 'revoke', 'revoke-timeout', 'secrets-file'];

describe('closest', () => {
  it.each([
    ['provder', 'provider'],
    ['gatway', 'gateway'],
    ['vault-roel', 'vault-role'],
    ['revoek', 'revoke'],
    ['secret', 'secrets-file'],
    ['revoke-t', 'revoke-timeout'],
  ])('%s -> %s', (typo, meant) => {
    expect(closest(typo, FLAGS)).toBe(meant);
  });

  it.each(['x', 'zz', 'completely-else', 'audience'])('%s: nothing close enough', (word) => {
    expect(closest(word, FLAGS)).toBeUndefined();
  });
});
