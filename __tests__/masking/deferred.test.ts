/**
 * The masker a run holds before its engine loads (deferred.ts): what it was
 * given before and after `load()` is masked alike, and it warns about a short
 * secret when the secret arrives, once, as the masker itself does.
 */
import { describe, expect, it } from '@jest/globals';
import { deferredMasker } from '../../src/masking/deferred.js';

describe('deferredMasker', () => {
  it('masks what was added before the engine loaded, and what was added after', async () => {
    const deferred = deferredMasker({ detectors: false });
    deferred.add('s3cret-before-load-1');
    const loading = deferred.load();
    deferred.add('s3cret-while-loading-2');
    const masker = await loading;
    deferred.add('s3cret-after-load-3');
    expect(await deferred.load()).toBe(masker);
    expect(masker.size).toBe(3);
    expect(
      masker.maskText('a s3cret-before-load-1 b s3cret-while-loading-2 c s3cret-after-load-3'),
    ).toBe('a *** b *** c ***');
  });

  it('warns about a short secret when it is added, once, and never with its value', async () => {
    const warnings: string[] = [];
    const deferred = deferredMasker({ onWarning: (m) => warnings.push(m) });
    deferred.add('abc123');
    deferred.add('abc123');
    deferred.add('long-enough-secret');
    expect(warnings).toEqual([
      'a secret of 6 characters is masked as exact text only; short values also hide innocent output that happens to contain them',
    ]);
    await deferred.load();
    deferred.add('uvw456');
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toMatch(/abc123|uvw456/);
  });
});
