/**
 * A deliberately naive masker used as the oracle in property tests: strip line
 * breaks, find every occurrence of every pattern with indexOf, map the hits
 * back to the original bytes, merge, and print one `***` per masked line
 * segment. Slow and obviously right; the streaming engine must agree with it.
 */
const isLineBreak = (b: number): boolean => b === 10 || b === 13;

export function referenceMask(input: Buffer, patterns: readonly Buffer[]): Buffer {
  const kept: number[] = [];
  input.forEach((b, i) => {
    if (!isLineBreak(b)) kept.push(i);
  });
  const stripped = Buffer.from(kept.map((i) => input[i] ?? 0));
  const masked = new Uint8Array(input.length);
  for (const raw of patterns) {
    const pattern = Buffer.from(raw.filter((b) => !isLineBreak(b)));
    if (pattern.length === 0) continue;
    for (let at = stripped.indexOf(pattern); at !== -1; at = stripped.indexOf(pattern, at + 1)) {
      const from = kept[at] ?? 0;
      const to = kept[at + pattern.length - 1] ?? 0;
      for (let i = from; i <= to; i++) masked[i] = 1;
    }
  }
  const out: number[] = [];
  let starOpen = false;
  input.forEach((b, i) => {
    if (masked[i] === 1 && !isLineBreak(b)) {
      if (!starOpen) out.push(42, 42, 42);
      starOpen = true;
    } else {
      out.push(b);
      starOpen = false;
    }
  });
  return Buffer.from(out);
}
