/**
 * The decode layer: decide whether a span of output (found by `SpanFinder`)
 * is some encoding, possibly nested, of a registered secret. Registering one
 * more encoded form per secret does not scale to nesting (base64 of base64,
 * base64 of UTF-16, a hex dump of base64), so instead the span is decoded
 * every way `decoders.ts` knows, and what comes out is matched against every
 * registered form (so one more layer, of any registered encoding, comes for
 * free) or, up to MAX_DEPTH decodings deep, searched for spans to decode again.
 * The caller masks the whole encoded span when this says yes.
 */
import type { Automaton } from './automaton.js';
import { DECODERS, type Allocate } from './decoders.js';
import { SpanFinder } from './spans.js';

/** Decodings applied one inside the other, at most (base64 of base64 of UTF-16 is 3). */
export const MAX_DEPTH = 3;
/** Decoded byte strings tried per span, at most: bounds the work garbage can cause. */
const BUDGET = 256;
/** Decoded bytes examined per span, at most, in multiples of the span's length. */
const BYTE_BUDGET = 4;
/** Decoded bytes shorter than this cannot hold a registered piece (8 characters). */
const MIN_DECODED = 8;

/**
 * The longest run of bytes of `bytes` that registered secret forms or pieces
 * cover (0: none): how much of one occurrence a string holds. A total over
 * all occurrences would narrow a span holding two (a base64 line, then the
 * next line's raw secret) to one range over both, masking the text between.
 */
export type Coverage = (bytes: Uint8Array) => number;

/** The automaton as a plain matcher over a short byte string (no detectors, no hold). */
export function coverageOf(automaton: Automaton): Coverage {
  const { step, classOf, out, idOf } = automaton;
  return (bytes) => {
    let state = 0;
    let runStart = 0;
    let until = -1;
    let longest = 0;
    for (let i = 0; i < bytes.length; i++) {
      const t = step(state, classOf[bytes[i] ?? 0] ?? 0);
      state = t >>> 1;
      const length = (t & 1) !== 0 ? (out[idOf(state)] ?? 0) : 0;
      if (length === 0) continue;
      const start = i + 1 - length;
      if (start > until) runStart = start; // not touching the run before
      until = i + 1;
      longest = Math.max(longest, until - runStart);
    }
    return longest;
  };
}

/** Ranges narrowed per span, at most; past it the rest of the span is masked whole. */
const MAX_RANGES = 32;

/**
 * The parts of the span `bytes` that encode a secret, as [start, end) ranges
 * within it, in order. The span is decoded whole first; then it is narrowed
 * from each side (binary search) to the shortest part that decodes to as much
 * of one occurrence, so that text around the encoded secret (a URL's host,
 * colour codes, filler, binary noise, a line of other output) stays
 * readable; what lies on either side of that part is searched the same way,
 * for more occurrences.
 */
export function encodedRanges(bytes: Uint8Array, coverage: Coverage): [number, number][] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const budget = (): Budget => ({ left: BUDGET, bytes: BYTE_BUDGET * text.length + 4096 });
  const score = (from: number, to: number, raw = true): number =>
    decodedCoverage(text.slice(from, to), 1, coverage, budget(), raw);
  const ranges: [number, number][] = [];
  const pending: [number, number][] = [[0, text.length]];
  for (let part = pending.pop(); part !== undefined; part = pending.pop()) {
    const [from, to] = part;
    // Only a part some decoding reveals a secret in is narrowed (the
    // automaton masks the secret's own bytes already).
    if (to - from < MIN_DECODED || score(from, to, false) === 0) continue;
    if (ranges.length >= MAX_RANGES) {
      ranges.push([from, to]); // fail closed: mask rather than leak
      continue;
    }
    const [start, end] = narrow(from, to, score(from, to), score);
    ranges.push([start, end]);
    pending.push([end, to], [from, start]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** The shortest [start, end) inside [from, to) that still scores `full`. */
function narrow(
  from: number,
  to: number,
  full: number,
  score: (from: number, to: number) => number,
): [number, number] {
  let lo = from; // score(lo, to) >= full
  let hi = to;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (score(mid, to) >= full) lo = mid;
    else hi = mid;
  }
  let low = lo + 1;
  let high = to; // score(lo, high) >= full
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (score(lo, mid) >= full) high = mid;
    else low = mid + 1;
  }
  return [lo, high];
}

interface Budget {
  left: number;
  bytes: number;
}

/** The most secret bytes any decoding of `text` (up to MAX_DEPTH deep) shows. */
function decodedCoverage(
  text: string,
  depth: number,
  coverage: Coverage,
  budget: Budget,
  raw = false,
): number {
  // The text as it is counts too when narrowing, so that it stops at the
  // secret's own bytes instead of keeping an escape byte a decoder needs.
  let best = raw ? coverage(Buffer.from(text, 'latin1')) : 0;
  // Every decoder reads the text, so reading counts against the budget as
  // decoding does: binary garbage decodes into thousands of short spans.
  budget.bytes -= text.length;
  for (const decode of DECODERS) {
    if (budget.bytes < 0) return best;
    for (const decoded of decode(text, SCRATCH[depth])) {
      budget.bytes -= decoded.length;
      if (budget.left-- <= 0 || budget.bytes < 0) return best;
      if (decoded.length < MIN_DECODED) continue;
      best = Math.max(best, coverage(decoded));
      if (depth < MAX_DEPTH && looksLikeText(decoded))
        best = Math.max(best, innerCoverage(decoded, depth + 1, coverage, budget));
    }
  }
  return best;
}

/**
 * Whether decoded bytes are text (ASCII, UTF-16 of ASCII, colour codes) that
 * may hold another encoding. A wrong guess at an alignment or an encoding
 * gives random bytes, about a third of them printable; searching those for
 * spans found thousands of short ones per 64 KB and made the layer 5 times
 * slower on base64-heavy output. A secret's registered forms are still
 * matched in binary bytes; only a further decoding inside them is skipped.
 */
function looksLikeText(decoded: Buffer): boolean {
  let text = 0;
  for (let i = 0; i < decoded.length; i++) text += TEXT_BYTE[decoded[i] ?? 0] ?? 0;
  return text >= decoded.length * TEXT_SHARE;
}

/** Bytes of text, for `looksLikeText`: printable ASCII, whitespace, NUL (UTF-16), ESC. */
const TEXT_BYTE = Uint8Array.from({ length: 256 }, (_, b) =>
  (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x00 || b === 0x1b
    ? 1
    : 0,
);
/** Share of text bytes above which decoded bytes count as text. */
const TEXT_SHARE = 0.8;

/**
 * One reusable output buffer per depth: a decoding is used up (matched, and
 * searched one level deeper, which writes to the next depth's buffer) before
 * the next is pulled. Without them a 64 KB base64 span left ~200 KB of
 * buffers per alignment sweep for the garbage collector, and the process's
 * resident memory grew by tens of MB on base64-heavy output.
 */
const SCRATCH: readonly Allocate[] = Array.from({ length: MAX_DEPTH + 1 }, () => {
  let buffer = Buffer.alloc(0);
  return (size: number): Buffer => {
    if (buffer.length < size) buffer = Buffer.allocUnsafe(Math.max(size, 2 * buffer.length));
    return buffer.subarray(0, size);
  };
});

/** Finds the spans inside decoded bytes (a JSON document, a URL, a line) and tries each. */
function innerCoverage(decoded: Buffer, depth: number, coverage: Coverage, budget: Budget): number {
  const spans: [number, number][] = [];
  const finder = new SpanFinder();
  const sink = (start: number, end: number): void => {
    spans.push([start, end]);
  };
  finder.feed(decoded, 0, 0, decoded.length, sink);
  finder.flush(decoded.length, sink);
  let best = 0;
  for (const [start, end] of spans) {
    const text = decoded.toString('latin1', start, end);
    best = Math.max(best, decodedCoverage(text, depth, coverage, budget));
  }
  return best;
}
