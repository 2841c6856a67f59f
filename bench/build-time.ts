// Prints the time to register N secrets (all forms) and compile the automaton.
import { randomBytes } from 'node:crypto';
import { createMasker } from '../src/masking/masker.js';

for (const count of [100, 1000]) {
  const secrets = Array.from({ length: count }, () => randomBytes(27).toString('base64') + '/+=');
  const started = performance.now();
  const masker = createMasker({ secrets });
  masker.maskText('warm'); // compiles the automaton
  const ms = performance.now() - started;
  process.stdout.write(`build ${count} ${ms.toFixed(1)}\n`);
}
