/**
 * The scanner's innermost loop as a WebAssembly function, assembled here from
 * its opcodes (no toolchain, nothing prebuilt).
 *
 * A DFA step needs the previous step's table read before it can start, so a
 * plain automaton is bound by memory latency (about 3 ns a byte here, in JS or
 * WebAssembly alike). Most log bytes cannot begin any registered form, though,
 * and that is cheap to prove without the automaton: every pattern is at least
 * 3 bytes long, so a position where no pattern starts is one whose next three
 * bytes hash outside a bitset of pattern prefixes. Those tests are independent
 * of each other and pipeline well; a direct bigram table in front of the
 * hashed 3-gram test makes the common case two loads a byte. The loop therefore
 *   - skips positions while at the root and no pattern starts there;
 *   - steps the automaton otherwise, noting candidate positions and line breaks;
 *   - returns to the root once no candidate lies in the automaton's live suffix
 *     (`depth` bytes back; only when no line break hides in it, so the suffix's
 *     start is exact).
 * Any 3-gram holding a line break counts as a candidate (patterns match across
 * line breaks), as do the last two positions of a slice (their 3-gram is
 * unknown), and on entry everything before the slice is assumed to be one.
 *
 * Memory layout (one WebAssembly.Memory that never grows, so views stay valid):
 *   [0, 256)                    byte -> class
 *   [256, + 65536)              bigram table: may a pattern start with b0 b1?
 *   [GRAMS_AT, TABLE_AT)        prefix 3-gram bitset, 2^GRAM_BITS_LOG2 bits
 *   [TABLE_AT, + 4 * entries)   dense rows of `rowWidth` i32: a packed transition
 *                               `handle << 1 | hit` per class, then the depth
 *   [inputAt, + STAGING + 16)   the slice of output being scanned, plus slack
 *
 * The exported `s(p, end, state)` stops after the first transition whose hit
 * bit is set, returning the address after that byte (0 if it reached `end`),
 * and leaves the state in global `g`.
 */

import {
  get,
  I32,
  inc,
  konst,
  load16,
  load32,
  load8,
  name,
  op,
  section,
  set,
  unsignedLeb,
  vec,
  webAssembly,
} from './wasm.js';

interface I32Global {
  readonly value: number;
}

const GRAM_BITS_LOG2 = 17;
const BIGRAMS_AT = 256;
const GRAMS_AT = BIGRAMS_AT + 65536;
const TABLE_AT = GRAMS_AT + (1 << GRAM_BITS_LOG2) / 8;
const STAGING = 64 * 1024;
const SLACK = 16;
const PAGE = 64 * 1024;
/** Multiplicative hash constant (2^32 / golden ratio), as a signed i32. */
const GRAM_HASH = 0x9e3779b1 | 0;

/** Bit index of the 3-gram `b0 b1 b2` in the prefix bitset. */
export function gramBit(b0: number, b1: number, b2: number): number {
  return Math.imul(b0 | (b1 << 8) | (b2 << 16), GRAM_HASH) >>> (32 - GRAM_BITS_LOG2);
}

export interface ScanKernel {
  readonly classOf: Uint8Array;
  /** One byte per bigram `b0 | b1 << 8`: non-zero if a pattern may start with it. */
  readonly bigrams: Uint8Array;
  /** The prefix 3-gram bitset (see `gramBit`). */
  readonly grams: Uint8Array;
  readonly table: Int32Array;
  /**
   * Steps from `state` through `bytes[from, to)`; stops after the first byte
   * whose transition has the hit bit. Returns the index of that byte, or -1
   * if there was none; the state reached is then in `state`.
   */
  scan(bytes: Uint8Array, from: number, to: number, state: number): number;
  readonly state: number;
}

/** `rowWidth` is the byte-class count plus one (the depth column). */
export function createScanKernel(tableEntries: number, rowWidth: number): ScanKernel {
  const WebAssembly = webAssembly();
  const inputAt = align(TABLE_AT + tableEntries * 4, 16);
  const pages = Math.ceil((inputAt + STAGING + SLACK) / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(assemble(pages, rowWidth - 1)), {
    e: { m: memory },
  });
  const wasmScan = instance.exports.s as (p: number, end: number, state: number) => number;
  const stateGlobal = instance.exports.g as I32Global;
  const heap = new Uint8Array(memory.buffer);
  let lastState = 0;

  // What is in the staging area: after a hit the scanner resumes in the same
  // bytes, and copying the slice again for every hit would make many matches
  // in one chunk quadratic.
  let staged: Uint8Array | undefined;
  let stagedFrom = 0;
  let stagedTo = 0;

  const stage = (bytes: Uint8Array, at: number, to: number): number => {
    if (bytes !== staged || at < stagedFrom || at >= stagedTo) {
      staged = bytes;
      stagedFrom = at;
      stagedTo = Math.min(to, at + STAGING);
      heap.set(bytes.subarray(stagedFrom, stagedTo), inputAt);
    }
    return Math.min(to, stagedTo);
  };

  const scan = (bytes: Uint8Array, from: number, to: number, state: number): number => {
    lastState = state;
    for (let at = from; at < to;) {
      const end = stage(bytes, at, to);
      const base = inputAt - stagedFrom; // heap address of bytes[0]
      const stop = wasmScan(base + at, base + end, lastState);
      lastState = stateGlobal.value;
      if (stop !== 0) return stop - base - 1;
      at = end;
    }
    return -1;
  };
  return {
    classOf: heap.subarray(0, 256),
    bigrams: heap.subarray(BIGRAMS_AT, GRAMS_AT),
    grams: heap.subarray(GRAMS_AT, TABLE_AT),
    table: new Int32Array(memory.buffer, TABLE_AT, tableEntries),
    scan,
    get state() {
      return lastState;
    },
  };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

// --- assembling the module -------------------------------------------------

/**
 * Function 0, `candidate(p, end) -> i32`: may a pattern start at p? Yes when
 * fewer than 3 bytes are left; no when the bigram at p starts no pattern;
 * otherwise yes when the 3-gram holds a line break or its hash bit is set.
 */
function candidateBody(): number[] {
  const [P, END, GRAM, X] = [0, 1, 2, 3];
  /** Non-zero in bit 7 of some byte iff one of the gram's bytes equals `byte`. */
  // prettier-ignore
  const hasByte = (byte: number): number[] => [
    ...get(GRAM), ...konst(byte * 0x010101), op.i32Xor, op.localTee, X,
    ...konst(0x010101), op.i32Sub, ...get(X), ...konst(-1), op.i32Xor, op.i32And,
  ];
  // prettier-ignore
  return [
    ...vec([[2, I32]]),
    ...get(P), ...konst(2), op.i32Add, ...get(END), op.i32GeU,
    op.if, op.void, ...konst(1), op.return, op.end,
    ...get(P), ...load16(0), ...load8(BIGRAMS_AT), op.i32Eqz,
    op.if, op.void, ...konst(0), op.return, op.end,
    ...get(P), ...load32(0, 0), ...konst(0xffffff), op.i32And, ...set(GRAM),
    ...hasByte(10), ...hasByte(13), op.i32Or, ...konst(0x808080), op.i32And,
    ...get(GRAM), ...konst(GRAM_HASH), op.i32Mul, ...konst(32 - GRAM_BITS_LOG2), op.i32ShrU,
    op.localTee, X, ...konst(3), op.i32ShrU, ...load8(GRAMS_AT),
    ...get(X), ...konst(7), op.i32And, op.i32ShrU, ...konst(1), op.i32And,
    op.i32Or,
    op.end,
  ];
}

/** Function 1, exported as `s(p, end, state)`: the scanning loop described above. */
function scanBody(depthColumn: number): number[] {
  const [P, END, S, T, CAND, NL, X] = [0, 1, 2, 3, 4, 5, 6];
  const saveState = [...get(S), op.globalSet, 0];
  // prettier-ignore
  return [
    ...vec([[4, I32]]),
    ...get(P), ...konst(1), op.i32Sub, op.localTee, CAND, ...set(NL),
    op.loop, op.void,
      // if (p >= end) { g = state; return 0 }
      ...get(P), ...get(END), op.i32GeU,
      op.if, op.void, ...saveState, ...konst(0), op.return, op.end,
      // At the root, skip while the bigram at p starts no pattern (2+ bytes left).
      ...get(S), op.i32Eqz,
      op.if, op.void,
        op.loop, op.void,
          ...get(P), ...konst(1), op.i32Add, ...get(END), op.i32LtU,
          op.if, op.void,
            ...get(P), ...load16(0), ...load8(BIGRAMS_AT), op.i32Eqz,
            op.if, op.void, ...inc(P), op.br, 2, op.end,
          op.end,
        op.end,
      op.end,
      // Remember candidates; a non-candidate at the root is skipped.
      ...get(P), ...get(END), op.call, 0,
      op.if, op.void, ...get(P), ...set(CAND),
      op.else,
        ...get(S), op.i32Eqz,
        op.if, op.void, ...inc(P), op.br, 2, op.end,
      op.end,
      // t = table[state + class]; remember line breaks (class 1)
      ...get(S), ...get(P), ...load8(0), ...load8(0), op.localTee, X, op.i32Add,
      ...konst(2), op.i32Shl, ...load32(TABLE_AT, 2), op.localTee, T,
      ...konst(1), op.i32ShrU, ...set(S),
      ...get(X), ...konst(1), op.i32Eq,
      op.if, op.void, ...get(P), ...set(NL), op.end,
      ...inc(P),
      // if (t & 1) { g = state; return p }
      ...get(T), ...konst(1), op.i32And,
      op.if, op.void, ...saveState, ...get(P), op.return, op.end,
      // Back to the root when the live suffix [p - depth, p) holds no candidate
      // and no line break (so its start is exact).
      ...get(P), ...get(S), ...konst(2), op.i32Shl, ...load32(TABLE_AT + 4 * depthColumn, 2),
      op.i32Sub, ...set(X),
      ...get(CAND), ...get(X), op.i32LtS, ...get(NL), ...get(X), op.i32LtS, op.i32And,
      op.if, op.void, ...konst(0), ...set(S), op.end,
      op.br, 0,
    op.end,
    op.unreachable,
    op.end,
  ];
}

function assemble(pages: number, depthColumn: number): Uint8Array {
  const memoryLimits = [0x01, ...unsignedLeb(pages), ...unsignedLeb(pages)];
  const candidate = candidateBody();
  const scan = scanBody(depthColumn);
  // prettier-ignore
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([
      [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])],
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])],
    ])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, ...memoryLimits]])),
    ...section(3, vec([[0], [1]])),
    ...section(6, vec([[I32, 0x01, op.i32Const, 0, op.end]])),
    ...section(7, vec([[...name('s'), 0x00, 1], [...name('g'), 0x03, 0]])),
    ...section(10, vec([
      [...unsignedLeb(candidate.length), ...candidate],
      [...unsignedLeb(scan.length), ...scan],
    ])),
  ]); // prettier-ignore
}
