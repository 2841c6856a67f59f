/**
 * Aho-Corasick automaton over bytes, compiled for a tight scanning loop.
 *
 * Line breaks (CR, LF) are transparent: they never appear in patterns and every
 * state loops to itself on them. That is what lets one pattern match a secret
 * that a tool wrapped (`base64` at 76 columns, `xxd -p` at 60, a multi-line
 * value re-joined with CRLF) without registering every wrap position.
 *
 * Layout, chosen for speed and bounded memory:
 * - bytes map to classes (bytes no pattern uses share class 0, CR/LF are class
 *   1), so a dense row has one entry per class, not 256;
 * - states are numbered breadth-first, so the shallow states that ordinary text
 *   keeps visiting come first and get dense rows, as many as DENSE_BUDGET
 *   allows; deeper states keep only their trie edges and a failure link;
 * - a transition is stored packed as `target << 1 | hit`, where hit says the
 *   target ends a pattern or a detector trigger, or is sparse, so the hot loop
 *   learns all it must stop for without a second memory read or a bounds test.
 */

import { createScanKernel, gramBit, type ScanKernel } from './kernel.js';

/**
 * Dense transition entries allowed (4 bytes each): 4 MiB. Ordinary output
 * keeps the automaton within a few bytes of the root (for 100 secrets' forms,
 * about one byte in 16,000 reaches a state past the first 13,000), so rows
 * for the deep states bought no speed; they cost 22 MB resident and most of
 * the build time for 100 secrets.
 */
const DENSE_BUDGET = 1024 * 1024;

const CLASS_OTHER = 0;
const CLASS_LINE_BREAK = 1;

export interface PatternInput {
  readonly bytes: Uint8Array;
  /** Bit mask of detectors this pattern triggers; 0 for a secret form to mask. */
  readonly triggers?: number;
}

/**
 * States are addressed by *handles*: a dense state's handle is its row offset
 * in `table` (so the hot loop adds the byte class without multiplying), a
 * sparse state's handle is `denseLimit` plus its rank among sparse states.
 */
export interface Automaton {
  readonly classOf: Uint8Array;
  readonly classCount: number;
  readonly stateCount: number;
  /** Handles below this are dense rows of `table`. */
  readonly denseLimit: number;
  /** Dense rows: a packed transition `handle << 1 | hit` per class, then the state's depth. */
  readonly table: Int32Array;
  /** Pattern bytes (line breaks excluded) consumed on the way to each state id. */
  readonly depth: Int32Array;
  /** Length of the longest masked pattern that ends at each state id; 0 if none. */
  readonly out: Int32Array;
  readonly maxPatternLength: number;
  /** For state ids where triggers end: each detector's longest trigger ending there. */
  readonly triggerEnds: ReadonlyMap<number, readonly TriggerEnd[]>;
  /** Packed transition from any state handle on byte class `c`. */
  readonly step: (handle: number, c: number) => number;
  /** The state id behind a handle, to index `depth`, `out` and `triggerEnds`. */
  readonly idOf: (handle: number) => number;
  /** The hot loop over the dense rows, in WebAssembly; shares `table` and `classOf`. */
  readonly kernel: ScanKernel;
}

export interface TriggerEnd {
  readonly detector: number;
  readonly length: number;
}

export function isLineBreak(byte: number): boolean {
  return byte === 10 || byte === 13;
}

export interface BuildOptions {
  /** Dense transition entries allowed; tests lower it to exercise sparse states. */
  readonly denseBudget?: number;
}

export function buildAutomaton(
  inputs: readonly PatternInput[],
  options: BuildOptions = {},
): Automaton {
  const patterns = inputs
    .map((p) => ({ bytes: withoutLineBreaks(p.bytes), triggers: p.triggers ?? 0 }))
    .filter((p) => p.bytes.length > 0);
  const classes = assignClasses(patterns.map((p) => p.bytes));
  const trie = buildTrie(patterns, classes.classOf);
  return compile(trie, classes, patterns, options.denseBudget ?? DENSE_BUDGET);
}

function withoutLineBreaks(bytes: Uint8Array): Uint8Array {
  if (!bytes.some(isLineBreak)) return bytes;
  return bytes.filter((b) => !isLineBreak(b));
}

interface Classes {
  readonly classOf: Uint8Array;
  readonly count: number;
}

function assignClasses(patterns: readonly Uint8Array[]): Classes {
  const used = new Uint8Array(256);
  // Indexed loops, here and below: iterating typed arrays with for-of runs
  // through the iterator protocol, which cost tens of ms of a cold build.
  for (const p of patterns) for (let i = 0; i < p.length; i++) used[p[i] ?? 0] = 1;
  const classOf = new Uint8Array(256); // CLASS_OTHER everywhere by default
  classOf[10] = CLASS_LINE_BREAK;
  classOf[13] = CLASS_LINE_BREAK;
  let count = 2;
  for (let b = 0; b < 256; b++) if (used[b] === 1) classOf[b] = count++;
  return { classOf, count };
}

/** A trie in first-child / next-sibling form, ids in insertion order. */
interface Trie {
  size: number;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  label: Uint16Array;
  terminalLength: Int32Array;
  ownTriggers: Uint16Array;
  maxPatternLength: number;
}

function buildTrie(
  patterns: readonly { bytes: Uint8Array; triggers: number }[],
  classOf: Uint8Array,
): Trie {
  const capacity = 1 + patterns.reduce((n, p) => n + p.bytes.length, 0);
  const trie: Trie = {
    size: 1,
    firstChild: new Int32Array(capacity).fill(-1),
    nextSibling: new Int32Array(capacity).fill(-1),
    label: new Uint16Array(capacity),
    terminalLength: new Int32Array(capacity),
    ownTriggers: new Uint16Array(capacity),
    maxPatternLength: 0,
  };
  for (const { bytes, triggers } of patterns) {
    let node = 0;
    for (let i = 0; i < bytes.length; i++) {
      node = childOrNew(trie, node, classOf[bytes[i] ?? 0] ?? CLASS_OTHER);
    }
    if (triggers === 0) trie.terminalLength[node] = bytes.length;
    else trie.ownTriggers[node] = (trie.ownTriggers[node] ?? 0) | triggers;
    trie.maxPatternLength = Math.max(trie.maxPatternLength, bytes.length);
  }
  return trie;
}

function childOrNew(trie: Trie, node: number, cls: number): number {
  let child = trie.firstChild[node] ?? -1;
  while (child !== -1) {
    if (trie.label[child] === cls) return child;
    child = trie.nextSibling[child] ?? -1;
  }
  const id = trie.size++;
  trie.label[id] = cls;
  trie.nextSibling[id] = trie.firstChild[node] ?? -1;
  trie.firstChild[node] = id;
  return id;
}

/** Children of every state in breadth-first numbering, as compressed rows. */
interface Edges {
  start: Int32Array; // state -> first edge; start[n] is the edge count
  cls: Uint16Array;
  target: Int32Array; // unpacked target state
}

function compile(
  trie: Trie,
  classes: Classes,
  patterns: readonly { bytes: Uint8Array }[],
  denseBudget: number,
): Automaton {
  const W = classes.count + 1; // row width: one transition per class, then the state's depth
  const denseCount = Math.min(trie.size, Math.max(1, Math.floor(denseBudget / W)));
  const kernel = createScanKernel(denseCount * W, W);
  kernel.classOf.set(classes.classOf);
  markPrefixGrams(kernel, patterns);
  const links = new Linker(trie, kernel.table, W, denseCount);
  links.linkAll();
  return {
    classOf: kernel.classOf,
    classCount: classes.count,
    stateCount: trie.size,
    denseLimit: links.denseLimit,
    table: kernel.table,
    depth: links.depth,
    out: links.out,
    maxPatternLength: trie.maxPatternLength,
    triggerEnds: collectTriggerEnds(links),
    step: (handle, c) => links.stepId(links.idOf(handle), c),
    idOf: (handle) => links.idOf(handle),
    kernel,
  };
}

/**
 * Computes, breadth first, every state's failure link, depth, outputs and
 * triggers, and fills the dense rows. Its `stepId` is the automaton's general
 * transition, used both while building (to find failure links) and by the
 * scanner for sparse states.
 */
class Linker {
  readonly denseLimit: number;
  readonly fail: Int32Array;
  readonly depth: Int32Array;
  readonly out: Int32Array;
  readonly triggers: Uint16Array;
  readonly ownTriggers: Uint16Array;
  private readonly order: Int32Array;
  private readonly edges: Edges;
  private readonly packedEdgeTarget: Int32Array;

  private readonly trie: Trie;
  private readonly table: Int32Array;
  private readonly W: number;
  private readonly denseCount: number;

  constructor(trie: Trie, table: Int32Array, W: number, denseCount: number) {
    this.trie = trie;
    this.table = table;
    this.W = W;
    this.denseCount = denseCount;
    const n = trie.size;
    ({ order: this.order, edges: this.edges } = breadthFirst(trie));
    this.denseLimit = denseCount * W;
    this.fail = new Int32Array(n);
    this.depth = new Int32Array(n);
    this.out = new Int32Array(n);
    this.triggers = new Uint16Array(n);
    this.ownTriggers = new Uint16Array(n);
    this.packedEdgeTarget = new Int32Array(this.edges.target.length);
  }

  linkAll(): void {
    const { edges } = this;
    for (let u = 0; u < this.trie.size; u++) {
      // Children first: their failure links and outputs feed this state's row.
      this.linkChildren(u);
      for (let e = edges.start[u] ?? 0, end = edges.start[u + 1] ?? 0; e < end; e++) {
        this.packedEdgeTarget[e] = this.pack(edges.target[e] ?? 0);
      }
      if (u < this.denseCount) {
        fillRow(
          this.table,
          u,
          this.W,
          this.depth[u] ?? 0,
          this.fail[u] ?? 0,
          edges,
          this.packedEdgeTarget,
        );
      }
    }
  }

  private linkChildren(u: number): void {
    const { edges, fail, depth, out, triggers, ownTriggers, trie } = this;
    for (let e = edges.start[u] ?? 0, end = edges.start[u + 1] ?? 0; e < end; e++) {
      const v = edges.target[e] ?? 0;
      const f = u === 0 ? 0 : this.idOf(this.stepId(fail[u] ?? 0, edges.cls[e] ?? 0) >>> 1);
      const old = this.order[v] ?? 0;
      fail[v] = f;
      depth[v] = (depth[u] ?? 0) + 1;
      out[v] = Math.max(trie.terminalLength[old] ?? 0, out[f] ?? 0);
      ownTriggers[v] = trie.ownTriggers[old] ?? 0;
      triggers[v] = (ownTriggers[v] ?? 0) | (triggers[f] ?? 0);
    }
  }

  handleOf(id: number): number {
    return id < this.denseCount ? id * this.W : this.denseLimit + id - this.denseCount;
  }

  idOf(handle: number): number {
    return handle < this.denseLimit ? handle / this.W : this.denseCount + handle - this.denseLimit;
  }

  /**
   * Packed `handle << 1 | hit`. The hit bit also marks sparse targets, so the
   * hot loop, which only reads dense rows, hands over to `stepId` before it
   * would use a sparse handle.
   */
  private pack(id: number): number {
    const hit = id >= this.denseCount || (this.out[id] ?? 0) > 0 || (this.triggers[id] ?? 0) !== 0;
    return (this.handleOf(id) << 1) | (hit ? 1 : 0);
  }

  /** Packed transition from state id `from` on class `c`. */
  stepId(from: number, c: number): number {
    const { edges } = this;
    if (from >= this.denseCount && c === CLASS_LINE_BREAK) return this.handleOf(from) << 1;
    for (let s = from; ; s = this.fail[s] ?? 0) {
      if (s < this.denseCount) return this.table[s * this.W + c] ?? 0;
      for (let e = edges.start[s] ?? 0, end = edges.start[s + 1] ?? 0; e < end; e++) {
        if (edges.cls[e] === c) return this.packedEdgeTarget[e] ?? 0;
      }
    }
  }
}

/** Walks each trigger state's failure chain to find which triggers end there. */
function collectTriggerEnds(a: {
  readonly triggers: Uint16Array;
  readonly ownTriggers: Uint16Array;
  readonly fail: Int32Array;
  readonly depth: Int32Array;
}): Map<number, TriggerEnd[]> {
  const ends = new Map<number, TriggerEnd[]>();
  for (let s = 1; s < a.triggers.length; s++) {
    if (a.triggers[s] === 0) continue;
    const found = new Map<number, number>();
    for (let x = s; x !== 0; x = a.fail[x] ?? 0) {
      const own = a.ownTriggers[x] ?? 0;
      for (let d = 0; d < 16; d++) {
        if ((own & (1 << d)) !== 0 && !found.has(d)) found.set(d, a.depth[x] ?? 0);
      }
    }
    ends.set(
      s,
      [...found].map(([detector, length]) => ({ detector, length })),
    );
  }
  return ends;
}

/** Dense row of state u: its failure state's row, overridden by u's own edges. */
function fillRow(
  table: Int32Array,
  u: number,
  W: number,
  depth: number,
  failState: number,
  edges: Edges,
  packedEdgeTarget: Int32Array,
): void {
  const row = u * W;
  if (u !== 0) table.copyWithin(row, failState * W, failState * W + W);
  for (let e = edges.start[u] ?? 0, end = edges.start[u + 1] ?? 0; e < end; e++) {
    table[row + (edges.cls[e] ?? 0)] = packedEdgeTarget[e] ?? 0;
  }
  table[row + CLASS_LINE_BREAK] = row << 1; // line breaks are transparent
  table[row + W - 1] = depth;
}

/**
 * Fills the kernel's skip filter: the bigram and hashed 3-gram every pattern
 * starts with, and every bigram ending in a line break (a pattern may continue
 * after one). A pattern shorter than three bytes (a short secret) could start
 * anywhere, so then nothing is skipped.
 */
function markPrefixGrams(kernel: ScanKernel, patterns: readonly { bytes: Uint8Array }[]): void {
  const { bigrams, grams } = kernel;
  for (const { bytes } of patterns) {
    const b0 = bytes[0];
    const b1 = bytes[1];
    const b2 = bytes[2];
    if (b0 === undefined || b1 === undefined || b2 === undefined) {
      bigrams.fill(1);
      grams.fill(0xff);
      return;
    }
    bigrams[b0 | (b1 << 8)] = 1;
    const bit = gramBit(b0, b1, b2);
    grams[bit >>> 3] = (grams[bit >>> 3] ?? 0) | (1 << (bit & 7));
  }
  for (let b = 0; b < 256; b++) {
    bigrams[b | (10 << 8)] = 1;
    bigrams[b | (13 << 8)] = 1;
  }
}

function breadthFirst(trie: Trie): { order: Int32Array; edges: Edges } {
  const n = trie.size;
  const order = new Int32Array(n); // new id -> old id
  const start = new Int32Array(n + 1);
  const cls = new Uint16Array(Math.max(0, n - 1));
  const target = new Int32Array(Math.max(0, n - 1));
  let tail = 1; // order[0] = root
  let edge = 0;
  for (let head = 0; head < n; head++) {
    const old = order[head] ?? 0;
    start[head] = edge;
    for (let c = trie.firstChild[old] ?? -1; c !== -1; c = trie.nextSibling[c] ?? -1) {
      order[tail] = c;
      cls[edge] = trie.label[c] ?? 0;
      target[edge] = tail;
      tail++;
      edge++;
    }
  }
  start[n] = edge;
  return { order, edges: { start, cls, target } };
}
