/**
 * Turning what a gateway answered into one line of an error message, with the
 * secrets the gateway might echo (the identity token, a Vault token, an API
 * key) cut out first.
 */
import { GatepassError, describeError } from '../common/errors.js';

export { oneLine } from '../common/errors.js';

/** Replaces each secret, and each long dot-separated piece of it, with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // A JWT's signature (or payload) echoed alone is as bad as the whole token.
    for (const piece of [secret, ...secret.split('.').filter((p) => p.length >= 16)]) {
      if (piece.length >= 8) out = out.split(piece).join('***');
    }
  }
  return out;
}

/** The message without its hint: several go into one line. */
export function messageOf(err: unknown): string {
  return err instanceof GatepassError ? err.message : describeError(err);
}
