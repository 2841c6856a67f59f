/**
 * Finds, in a stream of bytes, the spans that may hold an encoded secret, for
 * the decode layer (`decode.ts`) to decode and match. It runs beside the
 * automaton on every byte, so it only classifies bytes with one table lookup
 * and keeps a few counters; the decoders run on the rare spans it reports.
 *
 * A span is a run of token bytes: printable ASCII except quotes, spaces and
 * brackets that delimit words in logs (`"` `'` `` ` `` `(` `)` `{` `}` `<` `>`
 * `,` `|`), plus NUL (UTF-16), ESC (colour codes) and non-ASCII bytes. A quote
 * after a backslash stays inside (`$'it\'s'`). A line break continues a span
 * when the line was one full-width token (base64 and `xxd -p` wrap at a fixed
 * width) or ended with `=` (a quoted-printable soft break). A hex dump
 * (`xxd`, `hexdump -C`, `od`) is one span over all its lines, spaces and
 * offsets included, so bytes a dump split over lines are decoded together.
 *
 * Reported: spans of 8+ bytes with an escape marker (`%` `&#` `\` `=XX` NUL
 * ESC), spans holding a run of 16+ base64/base32/hex characters, and dumps.
 * A span longer than SPAN_CAP is reported and restarted, bounding memory.
 */

import { createSpanKernel, State, type SpanKernel } from './span-kernel.js';

/* eslint-disable @typescript-eslint/no-non-null-assertion --
   The hot loop indexes a 256-entry table with a byte and a buffer within its
   bounds; `?? 0` there costs measurable time on every byte of output. */

/** Longest span decoded in one piece; a longer one is cut here. */
export const SPAN_CAP = 64 * 1024;
/** Shortest run of base64-alphabet characters worth decoding (base64 of 12 bytes). */
const MIN_RUN = 16;
/** Shortest span with an escape marker worth decoding (8 plain characters). */
const MIN_MARKED = 8;
/** A line this long made of one token is a wrapped encoding, not a word. */
const MIN_WRAP = 40;

const TOKEN = 1;
const B64 = 2;
const HEX = 4;
/** An escape marker on its own: `%`, `\\`, NUL, ESC. */
const MARK = 8;
/** Bytes the fast loop hands to `step`: markers, line breaks, and `=` `&` (which mark with the next byte). */
const SLOW = 16;
/** Bytes whose successor also goes to `step`: its meaning depends on them (`=XX`, `&#`, `\'`, NUL, CRLF). */
const NEXT = 32;

const CLASS = classTable();

/** Line starts further back than this are moved up to it for the WebAssembly loop. */
const LINE_FAR = 1 << 30;

let kernel: SpanKernel | undefined;

/** One loop for every finder: it only holds the bytes of the call in progress. */
function spanKernel(): SpanKernel {
  kernel ??= createSpanKernel({ table: CLASS, token: TOKEN, b64: B64, hex: HEX, slow: SLOW });
  return kernel;
}

function classTable(): Uint8Array {
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const c = String.fromCharCode(b);
    let cls = 0;
    if ((b > 0x20 && b < 0x7f && !`"'\`(){}<>,|`.includes(c)) || b >= 0x80) cls |= TOKEN;
    if (/[A-Za-z0-9+/=_-]/.test(c)) cls |= B64;
    if (/[0-9A-Fa-f]/.test(c)) cls |= HEX;
    if (b === 0x00 || b === 0x1b || c === '%' || c === '\\') cls |= MARK | TOKEN;
    if ((cls & MARK) !== 0 || b === 0x0a || b === 0x0d || c === '=' || c === '&') cls |= SLOW;
    if (b === 0x00 || b === 0x0d || c === '=' || c === '&' || c === '\\') cls |= NEXT;
    table[b] = cls;
  }
  return table;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const AMPERSAND = 0x26;
const HASH = 0x23;

/** Where a line stands in being recognised as a hex-dump line (plain numbers: no enums here). */
const Head = {
  /** Decided: not a dump line. */
  No: 0,
  /** Decided: a dump line. */
  Yes: 1,
  /** Counting the offset column's hex digits. */
  Offset: 2,
  /** After the offset: separator bytes, then a hex digit decides. */
  Separator: 3,
  /** `od -An`: a space, then this many hex digits seen (then a space decides). */
  OdByte: 4,
} as const;
type Head = (typeof Head)[keyof typeof Head];

/** Told of each span found; `dump` says it is a hex dump block (offsets and text column included). */
const isHex = (byte: number | undefined): boolean =>
  byte !== undefined && (CLASS[byte]! & HEX) !== 0;

/**
 * `classifyHead`'s verdict on the line starting at `from`, read ahead in one
 * go: No, Yes, or undefined when the bytes run out first (or it is Yes: dumps
 * are rare, the byte-by-byte path reads them).
 */
function peekHead(bytes: Uint8Array, from: number, to: number): Head | undefined {
  let i = from;
  while (i < to && i - from < 9 && isHex(bytes[i])) i++;
  if (i >= to) return undefined;
  const digits = i - from;
  const byte = bytes[i];
  if (digits === 9) return Head.No;
  if (digits === 0) {
    if (byte !== SPACE) return Head.No;
    if (i + 3 >= to) return undefined;
    const od = isHex(bytes[i + 1]) && isHex(bytes[i + 2]) && bytes[i + 3] === SPACE;
    return od ? undefined : Head.No;
  }
  if (digits < 6 || (byte !== SPACE && byte !== COLON)) return Head.No;
  for (let j = i + 1, separators = 1; j < to; j++, separators++) {
    if (isHex(bytes[j])) return undefined;
    if (bytes[j] !== SPACE || separators >= 3) return Head.No;
  }
  return undefined;
}

export type SpanSink = (start: number, end: number, dump: boolean) => void;

export interface SpanFinderOptions {
  /**
   * Whether stretches of plain bytes go through the WebAssembly loop (default);
   * without it every byte goes through the code here, which tests compare it to.
   */
  readonly kernel?: boolean;
}

export class SpanFinder {
  private readonly kernel: boolean;
  private spanStart = -1;
  private run = 0;
  private maxRun = 0;
  private marked = false;
  /** Bytes after a NUL taken as token bytes whatever they are (UTF-16 of `'`, ` `, `✓`). */
  private glue = 0;
  /** `=XX` seen in this span: two make it look quoted-printable (one is `id=42`). */
  private qp = 0;
  private previous = -1;
  private lineStart = 0;
  private head: Head = Head.Offset;
  private count = 0;
  /** First line of the dump block being read, and the end of its last whole line. */
  private dumpStart = -1;
  private dumpEnd = -1;

  constructor(options: SpanFinderOptions = {}) {
    this.kernel = options.kernel ?? true;
  }

  /**
   * Scans `bytes[from, to)`, at stream offset `base` + index; reports finished
   * spans. It runs on every byte of output, so plain bytes (words, spaces) go
   * through an inlined loop on locals; the rest go through `step`, and so does
   * the byte after one of them (its meaning depends on what came before).
   */
  feed(bytes: Uint8Array, base: number, from: number, to: number, sink: SpanSink): void {
    if (this.kernel) spanKernel().forget(); // the same buffer may hold other bytes than last time
    let i = from;
    while (i < to) {
      if (this.head === Head.No || this.head === Head.Yes) i = this.fast(bytes, base, i, to, sink);
      if (i >= to) return;
      this.step(bytes[i]!, base + i, sink);
      i++;
    }
  }

  /**
   * The common case: returns at the first byte `step` must see. Stretches
   * that need no decision go through the WebAssembly loop (`span-kernel.ts`);
   * the bytes it stops at, here. The span cap is checked once per call, so a
   * span may pass it by one chunk.
   */
  private fast(bytes: Uint8Array, base: number, from: number, to: number, sink: SpanSink): number {
    // Rare cases `step` handles: a dump block, bytes after a NUL, and the byte
    // after a SLOW one (which the previous chunk may have ended with).
    const afterSlow = this.previous >= 0 && (CLASS[this.previous]! & NEXT) !== 0;
    if (this.dumpStart >= 0 || this.glue > 0 || afterSlow) return from;
    // Before the first byte of a span is seen, `spanStart` is where it would
    // begin: an empty span is never reported and holds nothing back.
    if (this.spanStart < 0) this.spanStart = base + from;
    let i = from;
    for (; i < to; i++) {
      i = this.skipQuiet(bytes, base, from, i, to);
      if (i >= to) break;
      const byte = bytes[i]!;
      const cls = CLASS[byte]!;
      if ((cls & (SLOW | B64 | TOKEN)) === (B64 | TOKEN)) {
        this.run++; // a letter or digit inside a word
        continue;
      }
      if ((byte === EQUALS || byte === AMPERSAND) && i + 1 < to) {
        this.pair(byte, bytes[i + 1]!);
        continue;
      }
      if (byte === LF && this.dumpStart < 0) {
        // A line break: the slow path, then the new line's start read at once.
        if (i > from) this.previous = bytes[i - 1]!;
        this.maxRun = Math.max(this.maxRun, this.run);
        this.step(LF, base + i, sink);
        if (peekHead(bytes, i + 1, to) === Head.No) this.head = Head.No;
        if (this.head !== Head.No) return i + 1;
        if (this.spanStart < 0) this.spanStart = base + i + 1;
        continue;
      }
      if ((cls & SLOW) !== 0) break; // `step` goes on with the run as it stands
      this.maxRun = Math.max(this.maxRun, this.run);
      this.run = 0;
      if ((cls & TOKEN) !== 0) continue;
      if (this.maxRun >= MIN_RUN || this.marked) this.closeSpan(base + i, sink);
      this.startAfter(base + i);
    }
    this.maxRun = Math.max(this.maxRun, this.run);
    if (i > from) this.previous = bytes[i - 1]!;
    if (base + i - this.spanStart >= SPAN_CAP) this.closeSpan(base + i, sink);
    return i;
  }

  /**
   * `key=value` and `a=1&b=2` are everywhere in logs: what `step` and `token`
   * would do with `=` or `&` and the byte after it.
   */
  private pair(byte: number, next: number): void {
    if (byte === AMPERSAND && next === HASH) this.marked = true;
    if (byte === EQUALS && isHex(next) && ++this.qp >= 2) this.marked = true;
    if (byte === EQUALS) {
      this.run++; // `=` is in the base64 alphabet
      return;
    }
    this.maxRun = Math.max(this.maxRun, this.run);
    this.run = 0;
  }

  /** A delimiter at `pos` that closed no span worth reporting: the next one may start after it. */
  private startAfter(pos: number): void {
    this.spanStart = pos + 1;
    this.maxRun = 0;
    this.marked = false;
    this.qp = 0;
  }

  /**
   * Runs the WebAssembly loop from `i`; returns where it stopped. The state it
   * shares is in stream offsets here and in indices of `bytes` there; a line
   * start further back than LINE_FAR is moved up to it (only "at least 40
   * bytes back" matters), so the indices fit 32 bits however long the line.
   */
  private skipQuiet(bytes: Uint8Array, base: number, from: number, i: number, to: number): number {
    if (!this.kernel) return i;
    const kernel = spanKernel();
    const state = kernel.state;
    const lineStart = Math.max(this.lineStart - base, i - LINE_FAR);
    state[State.spanStart] = this.spanStart - base;
    state[State.run] = this.run;
    state[State.maxRun] = this.maxRun;
    state[State.marked] = this.marked ? 1 : 0;
    state[State.qp] = this.qp;
    state[State.lineStart] = lineStart;
    state[State.previous] = i > from ? bytes[i - 1]! : this.previous;
    const stop = kernel.skip(bytes, i, to);
    if (stop === i) return i;
    this.spanStart = state[State.spanStart]! + base;
    this.run = state[State.run]!;
    this.maxRun = state[State.maxRun]!;
    this.marked = state[State.marked] !== 0;
    this.qp = state[State.qp]!;
    if (state[State.lineStart] !== lineStart) this.lineStart = state[State.lineStart]! + base;
    return stop;
  }

  /** Stream offset from which bytes may still belong to a span not yet reported. */
  openFrom(): number {
    let from = this.spanStart >= 0 ? this.spanStart : Infinity;
    if (this.dumpStart >= 0) from = Math.min(from, this.dumpStart);
    const deciding = this.head !== Head.No && this.head !== Head.Yes;
    if (deciding && (this.count > 0 || this.head !== Head.Offset)) {
      from = Math.min(from, this.lineStart);
    }
    return from;
  }

  /** The input ended or went quiet at offset `end`: report what is open, start afresh. */
  flush(end: number, sink: SpanSink): void {
    this.closeSpan(end, sink);
    if (this.head === Head.Yes) this.dumpEnd = end;
    this.closeDump(sink);
    this.dumpStart = -1;
    this.head = Head.No;
    this.previous = -1;
  }

  private step(byte: number, pos: number, sink: SpanSink): void {
    if (this.dumpStart >= 0 && pos - this.dumpStart >= 2 * SPAN_CAP) this.cutDump(pos, sink);
    if (byte === LF || byte === CR) this.lineBreak(byte, pos, sink);
    else {
      if (this.head !== Head.No && this.head !== Head.Yes) this.classifyHead(byte, sink);
      this.token(byte, pos, sink);
    }
    this.previous = byte;
  }

  private token(byte: number, pos: number, sink: SpanSink): void {
    const cls = CLASS[byte] ?? 0;
    // A quote after a backslash is escaped (`$'it\'s'`); in UTF-16 any byte
    // next to a NUL may be half of a character.
    const escaped = this.previous === BACKSLASH && byte > SPACE && byte < 0x7f;
    const glued = this.glue > 0;
    this.glue = byte === 0 ? 3 : Math.max(0, this.glue - 1);
    if ((cls & TOKEN) === 0 && !escaped && !glued) {
      this.closeSpan(pos, sink);
      return;
    }
    if (this.spanStart < 0) this.spanStart = pos;
    else if (pos - this.spanStart >= SPAN_CAP) {
      this.closeSpan(pos, sink);
      this.spanStart = pos;
    }
    if ((cls & MARK) !== 0 || (this.previous === AMPERSAND && byte === HASH)) this.marked = true;
    if (this.previous === EQUALS && (cls & HEX) !== 0 && ++this.qp >= 2) this.marked = true;
    if ((cls & B64) === 0) this.run = 0;
    else if (++this.run > this.maxRun) this.maxRun = this.run;
  }

  private lineBreak(byte: number, pos: number, sink: SpanSink): void {
    const crlf = byte === LF && this.previous === CR;
    if (!crlf) {
      if (this.spanStart >= 0) {
        const softBreak = this.previous === EQUALS;
        if (softBreak) this.marked = true;
        // Wrapped output is one run of the encoding's alphabet from the line's start.
        const wrapped = this.run >= pos - this.lineStart && pos - this.lineStart >= MIN_WRAP;
        if (!softBreak && !wrapped) this.closeSpan(pos, sink);
      }
      if (this.head === Head.Yes) {
        this.dumpEnd = pos;
        if (this.dumpEnd - this.dumpStart >= SPAN_CAP) {
          this.closeDump(sink);
          this.dumpStart = -1; // the next dump line starts a new block
        }
      } else this.closeDump(sink); // an empty or undecided line ends a dump
    }
    this.lineStart = pos + 1;
    this.head = Head.Offset;
    this.count = 0;
  }

  /**
   * Recognises dump lines by their start: an offset of 6 to 8 hex (or octal)
   * digits, then `:` or 1 to 3 spaces, then a hex digit (`xxd`, `hexdump -C`,
   * `hexdump`, `od`); or, without an offset, a space, two hex digits and a
   * space (`od -An -tx1`).
   */
  private classifyHead(byte: number, sink: SpanSink): void {
    const hex = ((CLASS[byte] ?? 0) & HEX) !== 0;
    let next: Head = Head.No;
    if (this.head === Head.Offset) {
      if (hex && this.count < 8) next = Head.Offset;
      else if (byte === SPACE && this.count === 0) next = Head.OdByte;
      else if ((byte === SPACE || byte === COLON) && this.count >= 6) next = Head.Separator;
    } else if (this.head === Head.Separator) {
      if (hex) next = Head.Yes;
      else if (byte === SPACE && this.count < 3) next = Head.Separator;
    } else if (this.head === Head.OdByte) {
      if (hex && this.count < 2) next = Head.OdByte;
      else if (byte === SPACE && this.count === 2) next = Head.Yes;
    }
    this.count = next === this.head ? this.count + 1 : next === Head.Separator ? 1 : 0;
    this.head = next;
    if (next === Head.Yes && this.dumpStart < 0) this.dumpStart = this.lineStart;
    if (next === Head.No) this.closeDump(sink);
  }

  /** A dump block (or one endless dump line) grew too long: report it and start over. */
  private cutDump(pos: number, sink: SpanSink): void {
    this.dumpEnd = pos;
    this.closeDump(sink);
    this.dumpStart = -1;
    this.head = Head.No;
  }

  private closeDump(sink: SpanSink): void {
    if (this.dumpStart >= 0 && this.dumpEnd - this.dumpStart >= MIN_MARKED) {
      sink(this.dumpStart, this.dumpEnd, true);
    }
    this.dumpStart = this.head === Head.Yes ? this.lineStart : -1;
    this.dumpEnd = -1;
  }

  private closeSpan(end: number, sink: SpanSink): void {
    if (this.spanStart >= 0) {
      const length = end - this.spanStart;
      if ((this.marked && length >= MIN_MARKED) || this.maxRun >= MIN_RUN) {
        sink(this.spanStart, end, false);
      }
    }
    this.spanStart = -1;
    this.run = 0;
    this.maxRun = 0;
    this.marked = false;
    this.qp = 0;
  }
}
