/**
 * `createMasker`: the masking component the rest of gatepass uses. Pure: it
 * knows nothing of CI platforms; callers pass a warning sink if they want one.
 */
import type { Transform } from 'node:stream';
import { buildAutomaton, type PatternInput } from './automaton.js';
import { coverageOf } from './decode.js';
import { DETECTORS } from './detectors.js';
import { secretForms, secretWindows, windowSources } from './encodings.js';
import { shortSecretWarning } from './length.js';
import { mergedStreams, type MergedStreams } from './merged.js';
import { Scanner, type Compiled } from './scanner.js';
import { DEFAULT_IDLE_MS, MaskingStream } from './stream.js';

/**
 * Windows of a secret are registered every WINDOW_STRIDE characters (the last
 * one always): stride 2 keeps any 9 consecutive characters of a secret out of
 * the output for a third fewer patterns than stride 1, which matters because
 * windows starting everywhere would fill the kernel's skip filter.
 */
const WINDOW_STRIDE = 2;

export interface MaskerOptions {
  readonly secrets?: Iterable<string>;
  /** Also mask well-known token formats nobody registered. Default true. */
  readonly detectors?: boolean;
  /** Quiet time after which held bytes are released. Default 50 ms. */
  readonly idleMs?: number;
  /** Told about secrets that cannot be masked well; never given a secret value. */
  readonly onWarning?: (message: string) => void;
}

export interface Masker {
  /** Registers a secret; streams already open mask it from their next chunk. */
  add(secret: string): void;
  /** A new Transform that masks every registered secret. */
  stream(): Transform;
  /**
   * Two Transforms for a command's stdout and stderr, masked as one stream in
   * the order their bytes arrive (as a CI log merges them), each piece of
   * output going back to the stream it came from.
   */
  mergedStreams(): MergedStreams;
  /** Masks a whole text at once, as a stream would. */
  maskText(text: string): string;
  /** Number of distinct secrets registered. */
  readonly size: number;
}

export function createMasker(options: MaskerOptions = {}): Masker {
  const detectors = options.detectors === false ? [] : DETECTORS;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const warn = options.onWarning ?? (() => undefined);
  const secrets = new Set<string>();
  let compiled: Compiled | undefined;

  const current = (): Compiled => {
    compiled ??= compile([...secrets], detectors);
    return compiled;
  };

  const add = (secret: string): void => {
    if (secret.length === 0 || secrets.has(secret)) return;
    const warning = shortSecretWarning(secret);
    if (warning !== undefined) warn(warning);
    secrets.add(secret);
    compiled = undefined;
  };

  for (const secret of options.secrets ?? []) add(secret);

  return {
    add,
    stream: () => new MaskingStream(current, idleMs),
    mergedStreams: () => mergedStreams(current, idleMs),
    maskText(text: string): string {
      const scanner = new Scanner(current());
      const pieces = [...scanner.write(Buffer.from(text)), ...scanner.end()];
      return Buffer.concat(pieces).toString();
    },
    get size() {
      return secrets.size;
    },
  };
}

function compile(secrets: readonly string[], detectors: Compiled['detectors']): Compiled {
  const patterns: PatternInput[] = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) patterns.push({ bytes: form.bytes });
    for (const source of windowSources(secret)) {
      for (const window of secretWindows(source, WINDOW_STRIDE)) patterns.push({ bytes: window });
    }
  }
  detectors.forEach((detector, index) => {
    for (const trigger of detector.triggers) {
      patterns.push({ bytes: Buffer.from(trigger), triggers: 1 << index });
    }
  });
  const automaton = buildAutomaton(patterns);
  // With no secret registered the decode layer has nothing to find: off.
  return {
    automaton,
    detectors,
    coverage: secrets.length > 0 ? coverageOf(automaton) : undefined,
  };
}
