/**
 * The synchronous heart of the masker: feed it bytes, get back the bytes that
 * are safe to print. It holds back only what could still turn out to be part
 * of a secret form or a detected token (the automaton's current depth, the
 * start of an open detector run), never a fixed window. Timing (the idle
 * release) belongs to the stream wrapper; this class only knows byte order,
 * so any chunking of the same input gives the same output.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion --
   The hot loop indexes typed arrays inside their bounds; `!` keeps it free of
   the `?? 0` branches V8 would otherwise have to evaluate on every byte. */
import { isLineBreak, type Automaton } from './automaton.js';
import type { Detector, DetectorRun, Range } from './detectors.js';

/** What the scanner needs to know about the secrets at one moment. */
export interface Compiled {
  readonly automaton: Automaton;
  readonly detectors: readonly Detector[];
}

/** Bytes of a possible secret after which an idle release prints `***`, not text. */
export const RISKY_DEPTH = 8;
const STARS = Buffer.from('***');
const EMPTY = Buffer.alloc(0);

interface OpenRun {
  readonly detector: number;
  readonly run: DetectorRun;
}

export class Scanner {
  private compiled: Compiled;
  /** Automaton state handle (0 is the root). */
  private state = 0;
  /** Bytes scanned but not yet released, starting at stream offset `heldFrom`. */
  private held: Buffer = EMPTY;
  private heldFrom = 0;
  /** Disjoint, sorted ranges still to be replaced, in stream offsets. */
  private masks: Range[] = [];
  private runs: OpenRun[] = [];
  private openDetectors = 0;
  /** The last thing released was `***` that a following masked byte extends. */
  private starOpen = false;
  private out: Buffer[] = [];
  private holdLimit: number;

  constructor(compiled: Compiled) {
    this.compiled = compiled;
    this.holdLimit = holdLimitFor(compiled);
  }

  /** Bytes held back right now (for tests and the idle timer). */
  get heldBytes(): number {
    return this.held.length;
  }

  /** Switches to a new set of secrets; held bytes are scanned again against it. */
  recompile(compiled: Compiled): void {
    this.compiled = compiled;
    this.holdLimit = holdLimitFor(compiled);
    this.state = 0;
    this.runs = [];
    this.openDetectors = 0;
    const held = this.held;
    this.scan(held, this.heldFrom, 0, held.length);
  }

  /** Feeds a chunk; returns what can be printed now. */
  write(chunk: Uint8Array): Buffer {
    const buf =
      this.held.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.concat([this.held, chunk]);
    const base = this.heldFrom;
    this.scan(buf, base, this.held.length, buf.length);
    this.release(buf, base, this.holdPoint(buf, base));
    if (this.held.length > this.holdLimit) this.releaseHeld();
    return this.takeOutput();
  }

  /**
   * Output went quiet: print what is held so prompts and partial lines appear.
   * If 8 or more held bytes could begin a secret, they come out as `***`; the
   * automaton keeps its place, so the rest of a slowly printed secret is still
   * recognised and masked.
   */
  idle(): Buffer {
    this.releaseHeld();
    return this.takeOutput();
  }

  /** End of input: a detector run still open is decided; everything is released. */
  end(): Buffer {
    const end = this.heldFrom + this.held.length;
    for (const { run } of this.runs) {
      const range = run.finish(end);
      if (range) this.addMask(range.start, range.end);
    }
    this.runs = [];
    this.openDetectors = 0;
    this.release(this.held, this.heldFrom, this.held.length);
    return this.takeOutput();
  }

  private releaseHeld(): void {
    const held = this.held;
    if (held.length === 0) return;
    const end = this.heldFrom + held.length;
    const risky =
      this.depthNow() >= RISKY_DEPTH || this.runs.some(({ run }) => end - run.start >= RISKY_DEPTH);
    if (risky) this.addMask(this.heldFrom, end);
    this.release(held, this.heldFrom, held.length);
  }

  private scan(buf: Buffer, base: number, from: number, to: number): void {
    let i = from;
    while (i < to)
      i = this.runs.length === 0 ? this.scanFast(buf, base, i, to) : this.scanOne(buf, base, i);
  }

  /** The hot loop: no detector run open. Returns where to continue. */
  private scanFast(buf: Buffer, base: number, from: number, to: number): number {
    const automaton = this.compiled.automaton;
    const { classOf, table, denseLimit } = automaton;
    let s = this.state;
    for (let i = from; i < to; i++) {
      const c = classOf[buf[i]!]!;
      const t = s < denseLimit ? table[s + c]! : automaton.step(s, c);
      s = t >>> 1;
      if ((t & 1) !== 0) {
        this.state = s;
        this.onHit(buf, base, i);
        return i + 1;
      }
    }
    this.state = s;
    return to;
  }

  /** One byte while detector runs are open: the runs see it before any new trigger. */
  private scanOne(buf: Buffer, base: number, i: number): number {
    const automaton = this.compiled.automaton;
    const byte = buf[i]!;
    const t = automaton.step(this.state, automaton.classOf[byte]!);
    this.state = t >>> 1;
    this.feedRuns(byte, base + i);
    if ((t & 1) !== 0) this.onHit(buf, base, i);
    return i + 1;
  }

  private feedRuns(byte: number, pos: number): void {
    let kept = 0;
    for (const open of this.runs) {
      const result = open.run.feed(byte, pos);
      if (result === null) {
        this.runs[kept++] = open;
        continue;
      }
      this.openDetectors &= ~(1 << open.detector);
      if (result) this.addMask(result.start, result.end);
    }
    this.runs.length = kept;
  }

  /** The state reached at `buf[i]` ends a secret form, a trigger, or both. */
  private onHit(buf: Buffer, base: number, i: number): void {
    const { out, triggerEnds, idOf } = this.compiled.automaton;
    const id = idOf(this.state);
    const length = out[id]!;
    if (length > 0) this.addMask(base + startOfLast(buf, i, length), base + i + 1);
    for (const { detector: d, length: trigger } of triggerEnds.get(id) ?? []) {
      if ((this.openDetectors & (1 << d)) !== 0) continue;
      const detector = this.compiled.detectors[d]!;
      const start = base + startOfLast(buf, i, trigger);
      this.runs.push({ detector: d, run: detector.begin(start, base + i + 1) });
      this.openDetectors |= 1 << d;
    }
  }

  /** Index from which bytes must be held: the open partial match or detector run. */
  private holdPoint(buf: Buffer, base: number): number {
    const depth = this.depthNow();
    let point = depth === 0 ? buf.length : startOfLast(buf, buf.length - 1, depth);
    for (const { run } of this.runs) point = Math.min(point, run.start - base);
    return Math.max(0, point);
  }

  /** Pattern bytes of the partial match the automaton is in. */
  private depthNow(): number {
    const { depth, idOf } = this.compiled.automaton;
    return depth[idOf(this.state)]!;
  }

  private addMask(start: number, end: number): void {
    const from = Math.max(start, this.heldFrom);
    if (end <= from) return;
    const masks = this.masks;
    let i = masks.length;
    while (i > 0 && masks[i - 1]!.start > from) i--;
    masks.splice(i, 0, { start: from, end });
    // Merge overlapping and touching ranges into one `***`.
    const merged: Range[] = [];
    for (const m of masks) {
      const last = merged[merged.length - 1];
      if (last && m.start <= last.end)
        merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, m.end) };
      else merged.push(m);
    }
    this.masks = merged;
  }

  /** Releases buf[0, point) (stream offsets from `base`), masked; keeps the rest. */
  private release(buf: Buffer, base: number, point: number): void {
    let pos = 0;
    while (this.masks.length > 0 && pos < point) {
      const m = this.masks[0]!;
      const ms = Math.max(m.start - base, pos);
      if (ms >= point) break;
      const me = Math.min(m.end - base, point);
      if (ms > pos) this.emitText(buf.subarray(pos, ms));
      this.emitMasked(buf, ms, me);
      pos = me;
      if (m.end - base <= point) this.masks.shift();
    }
    if (pos < point) this.emitText(buf.subarray(pos, point));
    this.held = point >= buf.length ? EMPTY : Buffer.from(buf.subarray(point));
    this.heldFrom = base + point;
  }

  private emitText(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.out.push(bytes);
    this.starOpen = false;
  }

  /** One `***` per line of masked bytes; the line breaks themselves are kept. */
  private emitMasked(buf: Buffer, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (isLineBreak(buf[i]!)) {
        this.out.push(buf.subarray(i, i + 1));
        this.starOpen = false;
      } else if (!this.starOpen) {
        this.out.push(STARS);
        this.starOpen = true;
      }
    }
  }

  private takeOutput(): Buffer {
    const out = this.out;
    this.out = [];
    if (out.length === 0) return EMPTY;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}

/**
 * Index of the first of the last `count` non-line-break bytes ending at `i`.
 * Negative when some of them were released before `buf` (after an idle
 * release): callers clamp, but a detector still learns its run's true length.
 */
function startOfLast(buf: Buffer, i: number, count: number): number {
  let seen = 0;
  for (let k = i; k >= 0; k--) {
    if (isLineBreak(buf[k]!)) continue;
    if (++seen === count) return k;
  }
  return seen - count;
}

/**
 * Held bytes past this are released as if output had gone idle: it bounds
 * memory when line breaks keep a partial match open indefinitely.
 */
function holdLimitFor(compiled: Compiled): number {
  return Math.max(256 * 1024, 2 * compiled.automaton.maxPatternLength + 1024);
}
