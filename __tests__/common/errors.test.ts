import { describe, expect, it } from '@jest/globals';
import { GatepassError, describeError } from '../../src/common/errors.js';

describe('describeError', () => {
  it('joins message and hint on one line', () => {
    const err = new GatepassError('INPUT', 'secrets file is not JSON', {
      hint: 'Write a JSON array of strings',
    });
    expect(describeError(err)).toBe('secrets file is not JSON. Write a JSON array of strings');
    expect(err.code).toBe('INPUT');
  });

  it('adds no full stop after a message that ends a sentence', () => {
    const err = new GatepassError('INPUT', 'names "pasword"; did you mean "password"?', {
      hint: 'Fields: password',
    });
    expect(describeError(err)).toBe('names "pasword"; did you mean "password"? Fields: password');
  });

  it('folds multi-line messages into one line', () => {
    expect(describeError(new GatepassError('GATEWAY', 'bad\r\n  answer\nfrom gateway'))).toBe(
      'bad answer from gateway',
    );
  });

  it('names unexpected errors without their stack', () => {
    const line = describeError(new TypeError('x is not a function'));
    expect(line).toBe('unexpected TypeError: x is not a function');
    expect(describeError('thrown string')).toBe('unexpected failure');
  });
});
