import { buildAutomaton, type PatternInput } from '../../src/masking/automaton.js';
import { DETECTORS } from '../../src/masking/detectors.js';
import { Scanner, type Compiled } from '../../src/masking/scanner.js';

/** Compiles raw byte patterns (no encodings) for engine-level tests. */
export function compileRaw(
  patterns: readonly (string | Buffer)[],
  detectors = false,
  denseBudget?: number,
): Compiled {
  const inputs: PatternInput[] = patterns.map((p) => ({
    bytes: typeof p === 'string' ? Buffer.from(p) : p,
  }));
  const used = detectors ? DETECTORS : [];
  used.forEach((d, index) => {
    for (const t of d.triggers) inputs.push({ bytes: Buffer.from(t), triggers: 1 << index });
  });
  return {
    automaton: buildAutomaton(inputs, denseBudget === undefined ? {} : { denseBudget }),
    detectors: used,
  };
}

/** Feeds `input` split at `cuts` and returns everything released. */
export function scanChunks(
  compiled: Compiled,
  input: Buffer,
  cuts: readonly number[] = [],
): Buffer {
  const scanner = new Scanner(compiled);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= input.length) continue;
    out.push(...scanner.write(input.subarray(from, cut)));
    from = cut;
  }
  out.push(...scanner.write(input.subarray(from)));
  out.push(...scanner.end());
  return Buffer.concat(out);
}

export function maskRaw(patterns: readonly string[], input: string, detectors = false): string {
  return scanChunks(compileRaw(patterns, detectors), Buffer.from(input)).toString();
}
