/**
 * The span finder's common case as a WebAssembly loop. The finder
 * (`spans.ts`) looks at every byte of output, and in JavaScript that cost
 * twice what the automaton's kernel does; almost every byte it sees needs no
 * decision, though: a letter extends a run, punctuation ends one, a space
 * ends a span too short to report, a line break starts a line that is
 * plainly no hex dump. This loop does exactly that, and stops before the
 * first byte that needs more (a span to report, an escape marker, a line
 * that may be wrapped or a dump): the finder's own code takes that byte,
 * so the finder behaves the same with or without it.
 *
 * Memory (one page pair that never grows):
 *   [0, 256)       byte -> the finder's class bits
 *   [256, 284)     the finder's state, i32s (see `State`), positions as
 *                  indices into the caller's bytes
 *   [512, + 64 KB) the slice of bytes being scanned, plus slack
 */
import {
  get,
  I32,
  inc,
  konst,
  load32,
  load8,
  name,
  op,
  section,
  set,
  simd,
  simdOp,
  store32,
  unsignedLeb,
  v128,
  V128,
  v128Load,
  vec,
  webAssembly,
} from './wasm.js';

/** Indices of the state the loop reads on entry and writes on return. */
export const State = {
  spanStart: 0,
  run: 1,
  maxRun: 2,
  marked: 3,
  qp: 4,
  lineStart: 5,
  /** The byte before the first one scanned (read only). */
  previous: 6,
} as const;

/** The finder's byte classes the loop needs (bits of its class table). */
export interface SpanClasses {
  readonly table: Uint8Array;
  readonly token: number;
  readonly b64: number;
  readonly hex: number;
  readonly slow: number;
}

export interface SpanKernel {
  /** The state, read on entry to `skip` and written on return. */
  readonly state: Int32Array;
  /** Advances from `from` over bytes needing no decision; returns where it stopped (`to` at most). */
  skip(bytes: Uint8Array, from: number, to: number): number;
  /** The caller's bytes may have changed: copy them again. */
  forget(): void;
}

const STATE_AT = 256;
const STAGE_AT = 512;
const STAGING = 64 * 1024;
const PAGES = 2;
/** Shortest run of base64 characters the finder reports (`MIN_RUN` there). */
const MIN_RUN = 16;
/** A line this long made of one token is a wrapped encoding (`MIN_WRAP` there). */
const MIN_WRAP = 40;

const LF = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const AMPERSAND = 0x26;
const COLON = 0x3a;
const EQUALS = 0x3d;

export function createSpanKernel(classes: SpanClasses): SpanKernel {
  const WebAssembly = webAssembly();
  const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
  const module = new WebAssembly.Module(assemble(classes));
  const exports = new WebAssembly.Instance(module, { e: { m: memory } }).exports;
  const run = exports.q as (p: number, end: number, delta: number) => number;
  const heap = new Uint8Array(memory.buffer);
  heap.set(classes.table, 0);
  let staged: Uint8Array | undefined;
  let stagedFrom = 0;
  let stagedTo = 0;
  return {
    state: new Int32Array(memory.buffer, STATE_AT, 7),
    skip(bytes, from, to) {
      let at = from;
      while (at < to) {
        if (bytes !== staged || at < stagedFrom || at >= stagedTo) {
          staged = bytes;
          stagedFrom = at;
          stagedTo = Math.min(to, at + STAGING);
          heap.set(bytes.subarray(stagedFrom, stagedTo), STAGE_AT);
        }
        const end = Math.min(to, stagedTo);
        const delta = STAGE_AT - stagedFrom;
        at = run(at + delta, end + delta, delta) - delta;
        if (at < end) return at;
      }
      return at;
    },
    forget() {
      staged = undefined;
    },
  };
}

// --- assembling the module -------------------------------------------------

// Locals of the loop: 3 parameters, 16 i32s, 3 v128s.
const [P, END, DELTA, START, SS, RUN, MAX, MARKED, QP, LS, B, C, M, X] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
];
const [SL, N, BM, DM, Z, V, LO, HI] = [14, 15, 16, 17, 18, 19, 20, 21];

/** `cls & bits` of the byte class in local C. */
const classHas = (bits: number): number[] => [...get(C), ...konst(bits), op.i32And];
/** Pushes max(MAX, RUN). */
const maxOfRun = (): number[] => [
  ...get(MAX),
  ...get(RUN),
  ...get(MAX),
  ...get(RUN),
  op.i32GtS,
  op.select,
];

function assemble(classes: SpanClasses): Uint8Array {
  const quiet = quietBody(classes);
  const peek = peekBody(classes.hex);
  const memoryLimits = [0x01, ...unsignedLeb(PAGES), ...unsignedLeb(PAGES)];
  // prettier-ignore
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([
      [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])],
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])],
    ])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, ...memoryLimits]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name('q'), 0x00, 1]])),
    ...section(10, vec([
      [...unsignedLeb(peek.length), ...peek],
      [...unsignedLeb(quiet.length), ...quiet],
    ])),
  ]);
}

/**
 * Inside `if` (depths: 0 this if, 1 the loop, 2 the block): 16 bytes at once.
 * The bytes before the first SLOW one are letters, other token bytes and
 * delimiters only, so what the byte loop would do with them is a matter of
 * bit masks: the run goes on over the leading letters and is the trailing
 * letters after that; a span starts after the last delimiter. Where a byte
 * could need a decision (a run reaching 16, a delimiter closing a marked
 * span or one holding such a run), the next 16 bytes go one at a time; the
 * SLOW byte itself always does.
 */
function block16(classes: SpanClasses): number[] {
  const { slow, b64, delim } = nibbleTables(classes);
  const prefix = [...konst(1), ...get(N), op.i32Shl, ...konst(1), op.i32Sub];
  // prettier-ignore
  return [
    ...get(P), ...v128Load(0), ...set(V),
    ...get(V), ...v128(Array<number>(16).fill(0x0f)), ...simd(simdOp.and), ...set(LO),
    ...get(V), ...konst(4), ...simd(simdOp.shrU), ...set(HI),
    ...inSet(slow), ...simd(simdOp.bitmask), ...konst(0x10000), op.i32Or, op.i32Ctz, ...set(N),
    ...inSet(b64), ...simd(simdOp.bitmask), ...prefix, op.i32And, ...set(BM),
    ...inSet(delim),
    ...get(V), ...v128(Array<number>(16).fill(0x20)), ...simd(simdOp.leU), ...simd(simdOp.or),
    ...get(V), ...v128(Array<number>(16).fill(0x7f)), ...simd(simdOp.eq), ...simd(simdOp.or),
    ...simd(simdOp.bitmask), ...prefix, op.i32And, ...set(DM),
    // The run reaches 16, or a delimiter closes a span with a decision to make.
    ...get(RUN), ...get(BM), ...konst(-1), op.i32Xor, op.i32Ctz, op.i32Add, ...konst(MIN_RUN), op.i32GeS,
    ...get(DM), ...konst(0), op.i32Ne,
    ...get(MARKED), ...get(MAX), ...konst(MIN_RUN), op.i32GeS, op.i32Or, op.i32And,
    op.i32Or,
    op.if, op.void, ...konst(16), ...set(SL), op.br, 2, op.end,
    ...get(DM),
    op.if, op.void,
      ...get(P), ...konst(32), op.i32Add, ...get(DM), op.i32Clz, op.i32Sub, ...set(SS),
      ...konst(0), op.localTee, QP, ...set(MAX),
    op.end,
    // run = no non-letter ? run + n : letters after the last non-letter
    ...get(BM), ...konst(-1), op.i32Xor, ...prefix, op.i32And, ...set(Z),
    ...get(RUN), ...get(N), op.i32Add,
    ...get(N), ...konst(32), op.i32Sub, ...get(Z), op.i32Clz, op.i32Add,
    ...get(Z), op.i32Eqz, op.select, ...set(RUN),
    ...get(P), ...get(N), op.i32Add, ...set(P),
    ...get(N), ...konst(16), op.i32LtU, ...set(SL),
    op.br, 1,
  ];
}

/** Lanes of V (nibbles in LO, HI) in the set the nibble tables give: all ones, else zero. */
function inSet(tables: NibbleTables): number[] {
  // prettier-ignore
  return [
    ...v128(tables.lo), ...get(LO), ...simd(simdOp.swizzle),
    ...v128(tables.hi), ...get(HI), ...simd(simdOp.swizzle),
    ...simd(simdOp.and), ...v128(Array<number>(16).fill(0)), ...simd(simdOp.eq), ...simd(simdOp.not),
  ];
}

interface NibbleTables {
  readonly lo: number[];
  readonly hi: number[];
}

/** A set of bytes as rectangles: every high nibble listed with every low nibble listed. */
type Rectangles = readonly (readonly [readonly number[], readonly number[]])[];

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The byte sets the block step needs, as lookups on each nibble (a byte is in
 * the set when its two nibbles' entries share a bit: one bit per rectangle),
 * checked against the finder's class table so they can never disagree.
 */
function nibbleTables(classes: SpanClasses): {
  slow: NibbleTables;
  b64: NibbleTables;
  delim: NibbleTables;
} {
  const { table, slow, b64, token } = classes;
  const isSlow = (b: number): boolean => ((table[b] ?? 0) & slow) !== 0;
  const sets = {
    // NUL LF CR, ESC, % &, =, backslash
    slow: [
      [[0], [0, 10, 13]],
      [[1], [11]],
      [[2], [5, 6]],
      [[3], [13]],
      [[5], [12]],
    ],
    // 0-9, A-O a-o, P-Z p-z, + - /, _
    b64: [
      [[3], range(0, 9)],
      [[4, 6], range(1, 15)],
      [[5, 7], range(0, 10)],
      [[2], [11, 13, 15]],
      [[5], [15]],
    ],
    // " ' ( ) , and < > and ` and { | } (control bytes, space and DEL are tested apart)
    delim: [
      [[2], [2, 7, 8, 9, 12]],
      [[3], [12, 14]],
      [[6], [0]],
      [[7], [11, 12, 13]],
    ],
  } satisfies Record<string, Rectangles>;
  const tables = {
    slow: lookup(sets.slow),
    b64: lookup(sets.b64),
    delim: lookup(sets.delim),
  };
  for (let b = 0; b < 256; b++) {
    const cls = table[b] ?? 0;
    const found = {
      slow: inTables(tables.slow, b),
      // Only bytes before the first SLOW one are read as letters or delimiters.
      b64: !isSlow(b) && inTables(tables.b64, b),
      delim: !isSlow(b) && (inTables(tables.delim, b) || b <= 0x20 || b === 0x7f),
    };
    const expected = {
      slow: isSlow(b),
      b64: !isSlow(b) && (cls & b64) !== 0,
      delim: !isSlow(b) && (cls & token) === 0,
    };
    if (JSON.stringify(found) !== JSON.stringify(expected)) {
      throw new Error(`span kernel: byte ${b} is classified ${JSON.stringify(found)}`);
    }
  }
  return tables;
}

function lookup(rectangles: Rectangles): NibbleTables {
  const lo = Array<number>(16).fill(0);
  const hi = Array<number>(16).fill(0);
  rectangles.forEach(([his, los], bit) => {
    for (const h of his) hi[h] = (hi[h] ?? 0) | (1 << bit);
    for (const l of los) lo[l] = (lo[l] ?? 0) | (1 << bit);
  });
  return { lo, hi };
}

const inTables = (t: NibbleTables, b: number): boolean =>
  ((t.lo[b & 15] ?? 0) & (t.hi[b >> 4] ?? 0)) !== 0;

/**
 * Function 1, exported as `q(p, end, delta) -> stop`: the loop. Addresses are
 * indices plus `delta`. Letters and digits extend the run, other token bytes
 * end it, a delimiter ends the span (branch-free: these are most bytes); it
 * stops at a delimiter that would report or close a marked span, at an escape
 * marker, at `=`/`&` without its next byte, and at a line break unless the
 * line ends a span with nothing to report and the next line is no dump.
 */
function quietBody(classes: SpanClasses): number[] {
  const { token, b64, slow } = classes;
  const restore = (local: number, at: number, plusDelta: boolean): number[] => [
    ...konst(0), ...load32(STATE_AT + 4 * at, 2),
    ...(plusDelta ? [...get(DELTA), op.i32Add] : []), ...set(local),
  ]; // prettier-ignore
  const save = (local: number, at: number, minusDelta: boolean): number[] => [
    ...konst(0), ...get(local),
    ...(minusDelta ? [...get(DELTA), op.i32Sub] : []), ...store32(STATE_AT + 4 * at),
  ]; // prettier-ignore
  // prettier-ignore
  return [
    ...vec([[16, I32], [3, V128]]),
    ...get(P), ...set(START),
    ...restore(SS, State.spanStart, true), ...restore(RUN, State.run, false),
    ...restore(MAX, State.maxRun, false), ...restore(MARKED, State.marked, false),
    ...restore(QP, State.qp, false), ...restore(LS, State.lineStart, true),
    op.block, op.void,
      op.loop, op.void,
        ...get(P), ...get(END), op.i32GeU, op.brIf, 1,
        ...get(SL), op.i32Eqz, ...get(P), ...konst(16), op.i32Add, ...get(END), op.i32LeU, op.i32And,
        op.if, op.void, ...block16(classes), op.end,
        // One byte at a time: SL bytes after a block needing it, and the tail.
        ...get(SL), ...get(SL), ...konst(0), op.i32GtS, op.i32Sub, ...set(SL),
        ...get(P), ...load8(0), op.localTee, B, ...load8(0), ...set(C),
        ...classHas(slow), op.if, op.void, ...slowByte(classes), op.end,
        // A delimiter that closes a span worth reporting, or a marked one: stop.
        ...maxOfRun(), op.localTee, M, ...konst(MIN_RUN), op.i32GeS, ...get(MARKED), op.i32Or,
        ...classHas(token), op.i32Eqz, op.i32And, op.brIf, 1,
        // run = letter ? run + 1 : 0
        ...get(RUN), ...konst(1), op.i32Add, ...konst(0), ...classHas(b64), op.select, ...set(RUN),
        // maxRun = letter ? maxRun : token ? max(maxRun, run) : 0
        ...get(MAX), ...get(M), ...konst(0), ...classHas(token), op.select,
        ...classHas(b64), op.select, ...set(MAX),
        // a delimiter starts the next span after it, with no `=XX` seen
        ...get(SS), ...get(P), ...konst(1), op.i32Add, ...classHas(token), op.select, ...set(SS),
        ...get(QP), ...konst(0), ...classHas(token), op.select, ...set(QP),
        ...inc(P),
        op.br, 0,
      op.end,
    op.end,
    ...save(SS, State.spanStart, true), ...save(RUN, State.run, false),
    ...save(MAX, State.maxRun, false), ...save(MARKED, State.marked, false),
    ...save(QP, State.qp, false), ...save(LS, State.lineStart, true),
    ...get(P),
    op.end,
  ];
}

/**
 * Inside `if (cls & SLOW)` (branch depths: 0 this if, 1 the loop, 2 the
 * block): `=` and `&` as the finder reads them with their next byte, a plain
 * line break, or stop.
 */
function slowByte(classes: SpanClasses): number[] {
  // prettier-ignore
  return [
    ...get(B), ...konst(EQUALS), op.i32Eq, ...get(B), ...konst(AMPERSAND), op.i32Eq, op.i32Or,
    op.if, op.void,
      ...get(P), ...konst(1), op.i32Add, ...get(END), op.i32GeU, op.brIf, 3,
      ...get(P), ...load8(1), ...set(X),
      ...get(B), ...konst(AMPERSAND), op.i32Eq,
      op.if, op.void,
        ...get(X), ...konst(HASH), op.i32Eq, ...get(MARKED), op.i32Or, ...set(MARKED),
        ...maxOfRun(), ...set(MAX), ...konst(0), ...set(RUN),
      op.else,
        ...get(X), ...load8(0), ...konst(classes.hex), op.i32And,
        op.if, op.void,
          ...inc(QP),
          ...get(QP), ...konst(2), op.i32GeS, ...get(MARKED), op.i32Or, ...set(MARKED),
        op.end,
        ...inc(RUN),
      op.end,
      ...inc(P), op.br, 2,
    op.end,
    ...get(B), ...konst(LF), op.i32Eq,
    op.if, op.void, ...lineBreak(), op.end,
    op.br, 2,
  ];
}

/** Inside `if (b == LF)` (depths: 0 this if, 1 the slow if, 2 the loop, 3 the block). */
function lineBreak(): number[] {
  // prettier-ignore
  return [
    // A soft line break (`=` before it) or a wrapped line: the finder decides.
    ...get(P), ...konst(1), op.i32Sub, ...load8(0),
    ...konst(0), ...load32(STATE_AT + 4 * State.previous, 2),
    ...get(P), ...get(START), op.i32GtS, op.select,
    ...konst(EQUALS), op.i32Eq, op.brIf, 3,
    ...get(P), ...get(LS), op.i32Sub, op.localTee, X, ...konst(MIN_WRAP), op.i32GeS,
    ...get(RUN), ...get(X), op.i32GeS, op.i32And, op.brIf, 3,
    // Closing the span would report it, or it is marked: the finder does.
    ...get(MARKED), op.brIf, 3,
    ...maxOfRun(), ...konst(MIN_RUN), op.i32GeS, op.brIf, 3,
    ...get(P), ...konst(1), op.i32Add, ...get(END), op.call, 0, op.i32Eqz, op.brIf, 3,
    ...get(P), ...konst(1), op.i32Add, op.localTee, LS, ...set(SS),
    ...konst(0), op.localTee, RUN, op.localTee, MAX, ...set(QP),
    ...inc(P), op.br, 2,
  ];
}

/**
 * Function 0, `plainLine(q, end) -> 0|1`: 1 when the line starting at q is
 * certainly no dump line (the finder's `peekHead` says No), 0 when it may be
 * one or the bytes run out first.
 */
function peekBody(hex: number): number[] {
  const [Q, E, D, BY, J, SEP] = [0, 1, 2, 3, 4, 5];
  const isHexAt = (offset: number): number[] => [
    ...load8(offset), ...load8(0), ...konst(hex), op.i32And,
  ]; // prettier-ignore
  const answer = (value: number): number[] => [...konst(value), op.return];
  // prettier-ignore
  return [
    ...vec([[4, I32]]),
    op.block, op.void, op.loop, op.void,
      ...get(Q), ...get(E), op.i32GeU, op.brIf, 1,
      ...get(D), ...konst(9), op.i32GeS, op.brIf, 1,
      ...get(Q), ...isHexAt(0), op.i32Eqz, op.brIf, 1,
      ...inc(Q), ...inc(D), op.br, 0,
    op.end, op.end,
    ...get(Q), ...get(E), op.i32GeU, op.if, op.void, ...answer(0), op.end,
    ...get(D), ...konst(9), op.i32Eq, op.if, op.void, ...answer(1), op.end,
    ...get(Q), ...load8(0), ...set(BY),
    ...get(D), op.i32Eqz,
    op.if, op.void,
      ...get(BY), ...konst(SPACE), op.i32Ne, op.if, op.void, ...answer(1), op.end,
      ...get(Q), ...konst(3), op.i32Add, ...get(E), op.i32GeU, op.if, op.void, ...answer(0), op.end,
      // `od -An`: a space, two hex digits, a space.
      ...get(Q), ...isHexAt(1), ...konst(0), op.i32Ne,
      ...get(Q), ...isHexAt(2), ...konst(0), op.i32Ne, op.i32And,
      ...get(Q), ...load8(3), ...konst(SPACE), op.i32Eq, op.i32And,
      op.i32Eqz, op.return,
    op.end,
    ...get(D), ...konst(6), op.i32LtS,
    ...get(BY), ...konst(SPACE), op.i32Ne, ...get(BY), ...konst(COLON), op.i32Ne, op.i32And,
    op.i32Or, op.if, op.void, ...answer(1), op.end,
    // An offset column: up to 3 separators, then a hex digit may make it a dump.
    ...get(Q), ...konst(1), op.i32Add, ...set(J), ...konst(1), ...set(SEP),
    op.block, op.void, op.loop, op.void,
      ...get(J), ...get(E), op.i32GeU, op.brIf, 1,
      ...get(J), ...isHexAt(0), op.if, op.void, ...answer(0), op.end,
      ...get(J), ...load8(0), ...konst(SPACE), op.i32Ne, ...get(SEP), ...konst(3), op.i32GeS,
      op.i32Or, op.if, op.void, ...answer(1), op.end,
      ...inc(J), ...inc(SEP), op.br, 0,
    op.end, op.end,
    ...konst(0),
    op.end,
  ];
}
