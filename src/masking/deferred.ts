/**
 * The masker a run holds from its start, without its engine: `add` records a
 * secret (and warns about a short one at once, as the masker does), and
 * `load()` brings in the engine (encodings, automaton, scanner, detectors:
 * the largest part of the action's code) the first time something must
 * actually be masked. The masker compiles nothing before then either, so a
 * run parses the engine after its command has started, not on the way to it.
 */
import { shortSecretWarning } from './length.js';
import type { Masker, MaskerOptions } from './masker.js';

export interface DeferredMasker {
  /** Registers a secret: now if the engine is loaded, else when it loads. */
  add(secret: string): void;
  /** The masker with every secret registered so far; loads the engine on the first call. */
  load(): Promise<Masker>;
}

export function deferredMasker(options: Omit<MaskerOptions, 'secrets'> = {}): DeferredMasker {
  const warn = options.onWarning ?? (() => undefined);
  const secrets = new Set<string>();
  let masker: Masker | undefined;
  let loading: Promise<Masker> | undefined;
  return {
    add(secret) {
      if (secret.length === 0 || secrets.has(secret)) return;
      secrets.add(secret);
      const warning = shortSecretWarning(secret);
      if (warning !== undefined) warn(warning);
      masker?.add(secret);
    },
    load() {
      loading ??= import('./masker.js').then(({ createMasker }) => {
        // Warned about already, here.
        masker = createMasker({ ...options, secrets, onWarning: () => undefined });
        return masker;
      });
      return loading;
    },
  };
}
