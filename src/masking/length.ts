/**
 * The shortest part of a secret the masker registers alone, and the warning
 * for a secret shorter than that. Apart from the engine (encodings.ts and the
 * rest), so that the masker's front (deferred.ts) can warn the moment such a
 * secret arrives, before the engine is loaded.
 */

/** Parts (lines, encoded forms) shorter than this are not registered alone. */
export const MIN_PART_LENGTH = 8;

/** At least MIN_PART_LENGTH characters (code points, so an emoji counts once). */
export function hasMinLength(text: string): boolean {
  // A code point takes one or two code units: most strings are decided by their length.
  if (text.length < MIN_PART_LENGTH) return false;
  if (text.length >= 2 * MIN_PART_LENGTH) return true;
  return Array.from(text).length >= MIN_PART_LENGTH;
}

/** What to tell about a secret too short to be masked well; undefined when it is not. Never the value. */
export function shortSecretWarning(secret: string): string | undefined {
  if (hasMinLength(secret)) return undefined;
  return (
    `a secret of ${Array.from(secret).length} characters is masked as exact text only; ` +
    `short values also hide innocent output that happens to contain them`
  );
}
