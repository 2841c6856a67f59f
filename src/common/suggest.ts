/**
 * "Did you mean": the closest of the known words to a mistyped one, by edit
 * distance, when it is close enough to be a typo (at most a third of the
 * word, and at most 3 edits), or the first that begins with it (3 letters or
 * more: `--secret` for `--secrets-file`); else undefined.
 */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const words = [...known];
  if (word.length >= 3) {
    const start = words.find((candidate) => candidate.startsWith(word));
    if (start !== undefined) return start;
  }
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of words) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(
        Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
