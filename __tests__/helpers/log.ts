import { expect } from '@jest/globals';
import type { Logger } from '../../src/common/logger.js';

/** A logger that keeps every line, so tests can assert what was (and was not) said. */
export interface CapturedLog {
  logger: Logger;
  lines: string[];
  /** Fails the test if any line contains any of the secrets (or a long piece of one). */
  expectNoSecrets(secrets: Iterable<string>): void;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
  };
  return {
    logger,
    lines,
    expectNoSecrets(secrets) {
      for (const secret of secrets) {
        if (secret.length === 0) continue;
        // A JWT's signature alone is a secret-bearing piece worth checking too.
        const pieces = [secret, ...secret.split('.').filter((p) => p.length >= 16)];
        for (const line of lines) {
          for (const piece of pieces) expect(line.includes(piece)).toBe(false);
        }
      }
    },
  };
}
