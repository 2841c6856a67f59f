/**
 * The synchronous heart of the masker: feed it bytes, get back the bytes that
 * are safe to print. It holds back only what could still turn out to be part
 * of a secret form or a detected token (the automaton's current depth, the
 * start of an open detector run), never a fixed window. Timing (the idle
 * release) belongs to the stream wrapper; this class only knows byte order,
 * so any chunking of the same input gives the same output.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion --
   Every `!` here indexes a buffer or typed array at an offset the scanner has
   just bounds-checked (a held or chunk offset, a state id from the automaton);
   `?? 0` would hide a bug as a silent zero instead. */
import { isLineBreak, type Automaton } from './automaton.js';
import { encodedRanges, type Coverage } from './decode.js';
import type { Detector, DetectorRun } from './detectors.js';
import { SpanFinder } from './spans.js';

/** What the scanner needs to know about the secrets at one moment. */
export interface Compiled {
  readonly automaton: Automaton;
  readonly detectors: readonly Detector[];
  /** Measures secrets in decoded bytes; without it the decode layer is off. */
  readonly coverage?: Coverage | undefined;
}

/** Bytes of a possible secret after which an idle release prints `***`, not text. */
const RISKY_DEPTH = 8;
const STARS = Buffer.from('***');
const LF = Buffer.from('\n');
const CR = Buffer.from('\r');
const EMPTY = Buffer.alloc(0);

/** True for the pieces that stand for masked bytes (`***` and the kept line breaks). */
export function isMaskedPiece(piece: Buffer): boolean {
  return piece === STARS || piece === LF || piece === CR;
}

/** A range to mask; `end` grows while overlapping matches keep arriving. */
interface MaskRange {
  start: number;
  end: number;
}

/** Inserts `range` into sorted, disjoint `masks`, merging overlapping and touching ranges. */
function mergeInto(masks: readonly MaskRange[], range: MaskRange): MaskRange[] {
  const merged: MaskRange[] = [];
  for (const m of [...masks, range].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && m.start <= last.end) last.end = Math.max(last.end, m.end);
    else merged.push({ ...m });
  }
  return merged;
}

interface OpenRun {
  readonly detector: number;
  readonly run: DetectorRun;
}

export class Scanner {
  private compiled: Compiled;
  /** Automaton state handle (0 is the root). */
  private state = 0;
  /**
   * Bytes not yet released: `held` (scanned by earlier writes, starting at
   * stream offset `heldFrom`) followed by `chunk` (the write being scanned).
   * Keeping them apart means a chunk is scanned and released in place, never
   * copied: that halves both the time and the garbage per chunk.
   */
  private held: Buffer = EMPTY;
  private heldFrom = 0;
  private chunk: Buffer = EMPTY;
  /** Disjoint, sorted ranges still to be replaced, in stream offsets. */
  private masks: MaskRange[] = [];
  private runs: OpenRun[] = [];
  private openDetectors = 0;
  /** The last thing released was `***` that a following masked byte extends. */
  private starOpen = false;
  /** The byte just before `heldFrom` (-1 before any), for detectors' boundaries. */
  private lastReleased = -1;
  private out: Buffer[] = [];
  /** Stream offset of the first input byte behind each queued piece. */
  private outAt: number[] = [];
  /**
   * Offsets (as `outAt`) of the pieces the last write, idle or end returned:
   * `merged.ts` routes each piece back to the stream its bytes came from.
   */
  pieceOffsets: readonly number[] = [];
  private holdLimit: number;
  /** The decode layer's view of the stream: spans that may hold an encoded secret. */
  private spans = new SpanFinder();

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
    this.spans = new SpanFinder();
    const held = this.held;
    this.held = EMPTY;
    this.consume(held);
  }

  /** Feeds a chunk; returns what can be printed now, in order. */
  write(chunk: Uint8Array): Buffer[] {
    this.consume(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (this.held.length > this.holdLimit) this.releaseHeld();
    return this.takeOutput();
  }

  /**
   * Output went quiet: print what is held so prompts and partial lines appear.
   * If 8 or more held bytes could begin a secret, they come out as `***`; the
   * automaton keeps its place, so the rest of a slowly printed secret is still
   * recognised and masked.
   */
  idle(): Buffer[] {
    this.releaseHeld();
    return this.takeOutput();
  }

  /** End of input: a detector run still open is decided; everything is released. */
  end(): Buffer[] {
    const end = this.endOffset();
    this.flushSpans(end);
    for (const { run } of this.runs) {
      const range = run.finish(end);
      if (range) this.addMask(range.start, range.end);
    }
    this.runs = [];
    this.openDetectors = 0;
    this.release(end);
    return this.takeOutput();
  }

  private consume(chunk: Buffer): void {
    this.chunk = chunk;
    this.scan(chunk, this.chunkFrom(), 0, chunk.length);
    if (this.compiled.coverage !== undefined) {
      this.spans.feed(chunk, this.chunkFrom(), 0, chunk.length, this.onSpan);
    }
    this.release(this.holdPoint());
  }

  /**
   * A finished span: the parts of it that decode to a secret are masked; a
   * hex dump holding one is masked whole, as its text column shows the same
   * bytes again.
   */
  private readonly onSpan = (start: number, end: number, dump: boolean): void => {
    const coverage = this.compiled.coverage;
    if (coverage === undefined) return;
    for (const [from, to] of encodedRanges(this.slice(start, end), coverage)) {
      if (dump) {
        this.addMask(start, end);
        return;
      }
      this.addMask(start + from, start + to);
    }
  };

  /** Decides the span still open (output went quiet, or ended) as if it ended here. */
  private flushSpans(end: number): void {
    if (this.compiled.coverage !== undefined) this.spans.flush(end, this.onSpan);
  }

  /** The not yet released bytes in [start, end), copied only when they straddle held and chunk. */
  private slice(start: number, end: number): Buffer {
    const from = Math.max(start, this.heldFrom);
    const chunkFrom = this.chunkFrom();
    if (from >= chunkFrom) return this.chunk.subarray(from - chunkFrom, end - chunkFrom);
    if (end <= chunkFrom) return this.held.subarray(from - this.heldFrom, end - this.heldFrom);
    return Buffer.concat([
      this.held.subarray(from - this.heldFrom),
      this.chunk.subarray(0, end - chunkFrom),
    ]);
  }

  private chunkFrom(): number {
    return this.heldFrom + this.held.length;
  }

  private endOffset(): number {
    return this.chunkFrom() + this.chunk.length;
  }

  private byteAt(pos: number): number {
    const inChunk = pos - this.chunkFrom();
    return inChunk >= 0 ? this.chunk[inChunk]! : this.held[pos - this.heldFrom]!;
  }

  private releaseHeld(): void {
    const end = this.endOffset();
    if (end === this.heldFrom) return;
    this.flushSpans(end);
    const risky =
      this.depthNow() >= RISKY_DEPTH || this.runs.some(({ run }) => end - run.start >= RISKY_DEPTH);
    if (risky) this.addMask(this.heldFrom, end);
    this.release(end);
  }

  private scan(buf: Buffer, base: number, from: number, to: number): void {
    let i = from;
    const { denseLimit } = this.compiled.automaton;
    while (i < to) {
      const fast = this.runs.length === 0 && this.state < denseLimit;
      i = fast ? this.scanFast(buf, base, i, to) : this.scanOne(buf, base, i);
    }
  }

  /**
   * The hot loop: no detector run open, dense states only (entering a sparse
   * state sets the hit bit and ends the loop). Returns where to continue.
   */
  private scanFast(buf: Buffer, base: number, from: number, to: number): number {
    const { kernel } = this.compiled.automaton;
    const hit = kernel.scan(buf, from, to, this.state);
    this.state = kernel.state;
    if (hit < 0) return to;
    this.onHit(base + hit);
    return hit + 1;
  }

  /** One byte, any state; open detector runs see it before any new trigger. */
  private scanOne(buf: Buffer, base: number, i: number): number {
    const automaton = this.compiled.automaton;
    const byte = buf[i]!;
    const t = automaton.step(this.state, automaton.classOf[byte]!);
    this.state = t >>> 1;
    this.feedRuns(byte, base + i);
    if ((t & 1) !== 0) this.onHit(base + i);
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

  /** The state reached at stream offset `pos` ends a secret form, a trigger, or both. */
  private onHit(pos: number): void {
    const { out, triggerEnds, idOf } = this.compiled.automaton;
    const id = idOf(this.state);
    const length = out[id]!;
    if (length > 0) this.addMask(this.startOfLast(pos, length), pos + 1);
    for (const { detector: d, length: trigger } of triggerEnds.get(id) ?? []) {
      if ((this.openDetectors & (1 << d)) !== 0) continue;
      const detector = this.compiled.detectors[d]!;
      const start = this.startOfLast(pos, trigger);
      const run = detector.begin(start, pos + 1, this.byteBefore(start));
      if (run === undefined) continue;
      this.runs.push({ detector: d, run });
      this.openDetectors |= 1 << d;
    }
  }

  /**
   * The byte before stream offset `pos`: a line break counts as itself; -1 at
   * the start of the stream or when it was released long ago (after an idle
   * release), which detectors take as a boundary.
   */
  private byteBefore(pos: number): number {
    if (pos > this.heldFrom) return this.byteAt(pos - 1);
    return pos === this.heldFrom ? this.lastReleased : -1;
  }

  /**
   * Stream offset of the first of the last `count` non-line-break bytes ending
   * at `pos`. Before `heldFrom` when some were already released (after an idle
   * release): masks are clamped, but a detector still learns its true length.
   */
  private startOfLast(pos: number, count: number): number {
    let seen = 0;
    for (let k = pos; k >= this.heldFrom; k--) {
      if (isLineBreak(this.byteAt(k))) continue;
      if (++seen === count) return k;
    }
    return this.heldFrom - (count - seen);
  }

  /** Offset from which bytes must be held: the open partial match or detector run. */
  private holdPoint(): number {
    const end = this.endOffset();
    const depth = this.depthNow();
    let point = depth === 0 ? end : this.startOfLast(end - 1, depth);
    for (const { run } of this.runs) point = Math.min(point, run.start);
    if (this.compiled.coverage !== undefined) point = Math.min(point, this.spans.openFrom());
    return Math.max(this.heldFrom, point);
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
    const last = masks[masks.length - 1];
    // Matches arrive in order of their end, so a new range almost always
    // extends the last one or follows it: keep that O(1).
    if (last === undefined || from > last.end) masks.push({ start: from, end });
    else if (from >= last.start) last.end = Math.max(last.end, end);
    else this.masks = mergeInto(masks, { start: from, end });
  }

  /** Releases the bytes before stream offset `point`, masked; holds the rest. */
  private release(point: number): void {
    let pos = this.heldFrom;
    let done = 0;
    for (const m of this.masks) {
      const ms = Math.max(m.start, pos);
      if (ms >= point) break;
      const me = Math.min(m.end, point);
      this.emitText(pos, ms);
      this.emitMasked(ms, me);
      pos = me;
      if (m.end > point) break;
      done++;
    }
    if (done > 0) this.masks.splice(0, done);
    this.emitText(pos, point);
    this.keepFrom(point);
  }

  /** The bytes from `point` on become the held bytes (a copy: small, bounded). */
  private keepFrom(point: number): void {
    if (point > this.heldFrom) this.lastReleased = this.byteAt(point - 1);
    const chunkFrom = this.chunkFrom();
    const end = this.endOffset();
    if (point >= end) this.held = EMPTY;
    else if (point >= chunkFrom) this.held = Buffer.from(this.chunk.subarray(point - chunkFrom));
    else this.held = Buffer.concat([this.held.subarray(point - this.heldFrom), this.chunk]);
    this.heldFrom = point;
    this.chunk = EMPTY;
  }

  /** Queues the bytes in [from, to) as they are, without copying them. */
  private emitText(from: number, to: number): void {
    if (to <= from) return;
    const chunkFrom = this.chunkFrom();
    if (from < chunkFrom) {
      this.out.push(
        this.held.subarray(from - this.heldFrom, Math.min(to, chunkFrom) - this.heldFrom),
      );
      this.outAt.push(from);
    }
    if (to > chunkFrom) {
      const start = Math.max(from, chunkFrom);
      this.out.push(this.chunk.subarray(start - chunkFrom, to - chunkFrom));
      this.outAt.push(start);
    }
    this.starOpen = false;
  }

  /** One `***` per line of masked bytes; the line breaks themselves are kept. */
  private emitMasked(from: number, to: number): void {
    for (let pos = from; pos < to; pos++) {
      const byte = this.byteAt(pos);
      if (isLineBreak(byte)) {
        this.out.push(byte === 10 ? LF : CR);
        this.outAt.push(pos);
        this.starOpen = false;
      } else if (!this.starOpen) {
        this.out.push(STARS);
        this.outAt.push(pos);
        this.starOpen = true;
      }
    }
  }

  /**
   * The queued pieces, not concatenated: a write usually releases the tail of
   * the held bytes plus most of the chunk, and joining them would copy the
   * chunk a second time.
   */
  private takeOutput(): Buffer[] {
    const out = this.out;
    this.out = [];
    this.pieceOffsets = this.outAt;
    this.outAt = [];
    return out;
  }
}

/**
 * Held bytes past this are released as if output had gone idle: it bounds
 * memory when line breaks keep a partial match open indefinitely.
 */
function holdLimitFor(compiled: Compiled): number {
  return Math.max(256 * 1024, 2 * compiled.automaton.maxPatternLength + 1024);
}
