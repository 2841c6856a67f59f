export const id = 541;
export const ids = [541];
export const modules = {

/***/ 2541:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createMasker: () => (/* binding */ createMasker)
});

;// CONCATENATED MODULE: ./src/masking/wasm.ts
/**
 * A minimal WebAssembly assembler: the opcodes and encodings the masking
 * kernels (`kernel.ts`, `span-kernel.ts`) are written in. Nothing here runs
 * anything; the kernels assemble their modules from these on first use.
 */
function webAssembly() {
    return globalThis.WebAssembly;
}
const I32 = 0x7f;
// prettier-ignore
const op = {
    unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c,
    brIf: 0x0d, return: 0x0f, call: 0x10, select: 0x1b,
    localGet: 0x20, localSet: 0x21, localTee: 0x22, globalSet: 0x24,
    i32Load: 0x28, i32Load8u: 0x2d, i32Load16u: 0x2f, i32Store: 0x36, i32Const: 0x41,
    i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a,
    i32LeU: 0x4d, i32GeS: 0x4e, i32GeU: 0x4f,
    i32Clz: 0x67, i32Ctz: 0x68, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73,
    i32Shl: 0x74, i32ShrU: 0x76, void: 0x40,
};
const V128 = 0x7b;
/** SIMD instructions: the 0xfd prefix, then their number. */
// prettier-ignore
const simdOp = {
    load: 0x00, const: 0x0c, swizzle: 0x0e, splat: 0x0f, eq: 0x23, leU: 0x2a,
    not: 0x4d, and: 0x4e, or: 0x50, bitmask: 0x64, shrU: 0x6d,
};
/** One SIMD instruction (`load` takes a memory argument: use `v128Load`). */
const simd = (code) => [0xfd, ...unsignedLeb(code)];
const v128Load = (offset) => [
    ...simd(simdOp.load),
    0,
    ...unsignedLeb(offset),
];
/** A v128 constant of 16 bytes. */
const v128 = (bytes) => [...simd(simdOp.const), ...bytes];
function unsignedLeb(value) {
    const out = [];
    let v = value;
    do {
        const byte = v & 0x7f;
        v >>>= 7;
        out.push(v === 0 ? byte : byte | 0x80);
    } while (v !== 0);
    return out;
}
function signedLeb(value) {
    const out = [];
    let v = value | 0;
    for (;;) {
        const byte = v & 0x7f;
        v >>= 7;
        const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
        out.push(done ? byte : byte | 0x80);
        if (done)
            return out;
    }
}
const vec = (items) => [...unsignedLeb(items.length), ...items.flat()];
const wasm_name = (text) => [...unsignedLeb(text.length), ...Buffer.from(text)];
const section = (id, body) => [
    id,
    ...unsignedLeb(body.length),
    ...body,
];
const get = (local) => [op.localGet, local];
const set = (local) => [op.localSet, local];
const konst = (value) => [op.i32Const, ...signedLeb(value)];
const load8 = (offset) => [op.i32Load8u, 0, ...unsignedLeb(offset)];
const load16 = (offset) => [op.i32Load16u, 0, ...unsignedLeb(offset)];
const load32 = (offset, alignLog2) => [
    op.i32Load,
    alignLog2,
    ...unsignedLeb(offset),
];
const store32 = (offset) => [op.i32Store, 2, ...unsignedLeb(offset)];
const inc = (local) => [
    ...get(local),
    ...konst(1),
    op.i32Add,
    ...set(local),
];

;// CONCATENATED MODULE: ./src/masking/kernel.ts
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
function gramBit(b0, b1, b2) {
    return Math.imul(b0 | (b1 << 8) | (b2 << 16), GRAM_HASH) >>> (32 - GRAM_BITS_LOG2);
}
/** `rowWidth` is the byte-class count plus one (the depth column). */
function createScanKernel(tableEntries, rowWidth) {
    const WebAssembly = webAssembly();
    const inputAt = align(TABLE_AT + tableEntries * 4, 16);
    const pages = Math.ceil((inputAt + STAGING + SLACK) / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(assemble(pages, rowWidth - 1)), {
        e: { m: memory },
    });
    const wasmScan = instance.exports.s;
    const stateGlobal = instance.exports.g;
    const heap = new Uint8Array(memory.buffer);
    let lastState = 0;
    // What is in the staging area: after a hit the scanner resumes in the same
    // bytes, and copying the slice again for every hit would make many matches
    // in one chunk quadratic.
    let staged;
    let stagedFrom = 0;
    let stagedTo = 0;
    const stage = (bytes, at, to) => {
        if (bytes !== staged || at < stagedFrom || at >= stagedTo) {
            staged = bytes;
            stagedFrom = at;
            stagedTo = Math.min(to, at + STAGING);
            heap.set(bytes.subarray(stagedFrom, stagedTo), inputAt);
        }
        return Math.min(to, stagedTo);
    };
    const scan = (bytes, from, to, state) => {
        lastState = state;
        for (let at = from; at < to;) {
            const end = stage(bytes, at, to);
            const base = inputAt - stagedFrom; // heap address of bytes[0]
            const stop = wasmScan(base + at, base + end, lastState);
            lastState = stateGlobal.value;
            if (stop !== 0)
                return stop - base - 1;
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
function align(n, to) {
    return Math.ceil(n / to) * to;
}
// --- assembling the module -------------------------------------------------
/**
 * Function 0, `candidate(p, end) -> i32`: may a pattern start at p? Yes when
 * fewer than 3 bytes are left; no when the bigram at p starts no pattern;
 * otherwise yes when the 3-gram holds a line break or its hash bit is set.
 */
function candidateBody() {
    const [P, END, GRAM, X] = [0, 1, 2, 3];
    /** Non-zero in bit 7 of some byte iff one of the gram's bytes equals `byte`. */
    // prettier-ignore
    const hasByte = (byte) => [
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
function scanBody(depthColumn) {
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
function assemble(pages, depthColumn) {
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
        ...section(2, vec([[...wasm_name('e'), ...wasm_name('m'), 0x02, ...memoryLimits]])),
        ...section(3, vec([[0], [1]])),
        ...section(6, vec([[I32, 0x01, op.i32Const, 0, op.end]])),
        ...section(7, vec([[...wasm_name('s'), 0x00, 1], [...wasm_name('g'), 0x03, 0]])),
        ...section(10, vec([
            [...unsignedLeb(candidate.length), ...candidate],
            [...unsignedLeb(scan.length), ...scan],
        ])),
    ]); // prettier-ignore
}

;// CONCATENATED MODULE: ./src/masking/automaton.ts
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
function isLineBreak(byte) {
    return byte === 10 || byte === 13;
}
function buildAutomaton(inputs, options = {}) {
    const patterns = inputs
        .map((p) => ({ bytes: withoutLineBreaks(p.bytes), triggers: p.triggers ?? 0 }))
        .filter((p) => p.bytes.length > 0);
    const classes = assignClasses(patterns.map((p) => p.bytes));
    const trie = buildTrie(patterns, classes.classOf);
    return compile(trie, classes, patterns, options.denseBudget ?? DENSE_BUDGET);
}
function withoutLineBreaks(bytes) {
    if (!bytes.some(isLineBreak))
        return bytes;
    return bytes.filter((b) => !isLineBreak(b));
}
function assignClasses(patterns) {
    const used = new Uint8Array(256);
    // Indexed loops, here and below: iterating typed arrays with for-of runs
    // through the iterator protocol, which cost tens of ms of a cold build.
    for (const p of patterns)
        for (let i = 0; i < p.length; i++)
            used[p[i] ?? 0] = 1;
    const classOf = new Uint8Array(256); // CLASS_OTHER everywhere by default
    classOf[10] = CLASS_LINE_BREAK;
    classOf[13] = CLASS_LINE_BREAK;
    let count = 2;
    for (let b = 0; b < 256; b++)
        if (used[b] === 1)
            classOf[b] = count++;
    return { classOf, count };
}
function buildTrie(patterns, classOf) {
    const capacity = 1 + patterns.reduce((n, p) => n + p.bytes.length, 0);
    const trie = {
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
        if (triggers === 0)
            trie.terminalLength[node] = bytes.length;
        else
            trie.ownTriggers[node] = (trie.ownTriggers[node] ?? 0) | triggers;
        trie.maxPatternLength = Math.max(trie.maxPatternLength, bytes.length);
    }
    return trie;
}
function childOrNew(trie, node, cls) {
    let child = trie.firstChild[node] ?? -1;
    while (child !== -1) {
        if (trie.label[child] === cls)
            return child;
        child = trie.nextSibling[child] ?? -1;
    }
    const id = trie.size++;
    trie.label[id] = cls;
    trie.nextSibling[id] = trie.firstChild[node] ?? -1;
    trie.firstChild[node] = id;
    return id;
}
function compile(trie, classes, patterns, denseBudget) {
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
    denseLimit;
    fail;
    depth;
    out;
    triggers;
    ownTriggers;
    order;
    edges;
    packedEdgeTarget;
    trie;
    table;
    W;
    denseCount;
    constructor(trie, table, W, denseCount) {
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
    linkAll() {
        const { edges } = this;
        for (let u = 0; u < this.trie.size; u++) {
            // Children first: their failure links and outputs feed this state's row.
            this.linkChildren(u);
            for (let e = edges.start[u] ?? 0, end = edges.start[u + 1] ?? 0; e < end; e++) {
                this.packedEdgeTarget[e] = this.pack(edges.target[e] ?? 0);
            }
            if (u < this.denseCount) {
                fillRow(this.table, u, this.W, this.depth[u] ?? 0, this.fail[u] ?? 0, edges, this.packedEdgeTarget);
            }
        }
    }
    linkChildren(u) {
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
    handleOf(id) {
        return id < this.denseCount ? id * this.W : this.denseLimit + id - this.denseCount;
    }
    idOf(handle) {
        return handle < this.denseLimit ? handle / this.W : this.denseCount + handle - this.denseLimit;
    }
    /**
     * Packed `handle << 1 | hit`. The hit bit also marks sparse targets, so the
     * hot loop, which only reads dense rows, hands over to `stepId` before it
     * would use a sparse handle.
     */
    pack(id) {
        const hit = id >= this.denseCount || (this.out[id] ?? 0) > 0 || (this.triggers[id] ?? 0) !== 0;
        return (this.handleOf(id) << 1) | (hit ? 1 : 0);
    }
    /** Packed transition from state id `from` on class `c`. */
    stepId(from, c) {
        const { edges } = this;
        if (from >= this.denseCount && c === CLASS_LINE_BREAK)
            return this.handleOf(from) << 1;
        for (let s = from;; s = this.fail[s] ?? 0) {
            if (s < this.denseCount)
                return this.table[s * this.W + c] ?? 0;
            for (let e = edges.start[s] ?? 0, end = edges.start[s + 1] ?? 0; e < end; e++) {
                if (edges.cls[e] === c)
                    return this.packedEdgeTarget[e] ?? 0;
            }
        }
    }
}
/** Walks each trigger state's failure chain to find which triggers end there. */
function collectTriggerEnds(a) {
    const ends = new Map();
    for (let s = 1; s < a.triggers.length; s++) {
        if (a.triggers[s] === 0)
            continue;
        const found = new Map();
        for (let x = s; x !== 0; x = a.fail[x] ?? 0) {
            const own = a.ownTriggers[x] ?? 0;
            for (let d = 0; d < 16; d++) {
                if ((own & (1 << d)) !== 0 && !found.has(d))
                    found.set(d, a.depth[x] ?? 0);
            }
        }
        ends.set(s, [...found].map(([detector, length]) => ({ detector, length })));
    }
    return ends;
}
/** Dense row of state u: its failure state's row, overridden by u's own edges. */
function fillRow(table, u, W, depth, failState, edges, packedEdgeTarget) {
    const row = u * W;
    if (u !== 0)
        table.copyWithin(row, failState * W, failState * W + W);
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
function markPrefixGrams(kernel, patterns) {
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
function breadthFirst(trie) {
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

;// CONCATENATED MODULE: ./src/masking/decoders.ts
/**
 * Decoders for the decode layer: each takes a span as a latin1 string (one
 * character per byte, so nothing is lost) and returns the byte strings it may
 * stand for. They are lenient on purpose: a wrong guess costs one failed
 * match, a missed form leaks a secret. They yield one decoding at a time, so
 * the decode layer's budget stops them before they allocate the rest: a 64 KB
 * base64 span has 4 alignments of 48 KB each, which is garbage unless used. Where an encoding's alignment is not
 * known (a base64 run glued to `token=`, a base32 secret in an otpauth URL),
 * every start offset is tried. Pure functions: no state, no I/O.
 */
const fresh = (size) => Buffer.alloc(size);
const latin1 = (text) => Buffer.from(text, 'latin1');
const byteChar = (hex) => String.fromCharCode(parseInt(hex, 16));
/** A code point as its UTF-8 bytes, one latin1 character per byte. */
const utf8Chars = (code) => Buffer.from(String.fromCodePoint(code > 0x10ffff ? 0xfffd : code), 'utf8').toString('latin1');
const decoders_withoutLineBreaks = (text) => text.replace(/[\r\n]/g, '');
/** base64 and base64url (Node accepts both alphabets), wrapped or not, at the 4 alignments. */
function* base64(text, allocate = fresh) {
    for (const [run] of decoders_withoutLineBreaks(text).matchAll(/[A-Za-z0-9+/_-]{12,}/g)) {
        for (let skip = 0; skip < 4; skip++) {
            const out = allocate(Math.ceil(((run.length - skip) * 3) / 4));
            yield out.subarray(0, out.write(run.slice(skip), 'base64'));
        }
    }
}
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Character code -> 5-bit value (upper case; callers upper-case first). */
const BASE32_VALUE = Uint8Array.from({ length: 128 }, (_, c) => Math.max(0, BASE32.indexOf(String.fromCharCode(c))));
/** RFC 4648 base32 (coreutils `base32`, TOTP secrets), either case, at the 8 alignments. */
function* base32(text, allocate = fresh) {
    for (const [run] of decoders_withoutLineBreaks(text).matchAll(/[A-Z2-7]{13,}|[a-z2-7]{13,}/g)) {
        const upper = run.toUpperCase();
        for (let skip = 0; skip < 8; skip++)
            yield decodeBase32(upper.slice(skip), allocate);
    }
}
function decodeBase32(text, allocate) {
    const bytes = allocate(Math.floor((text.length * 5) / 8));
    let bits = 0;
    let value = 0;
    let n = 0;
    for (let i = 0; i < text.length; i++) {
        value = ((value << 5) | (BASE32_VALUE[text.charCodeAt(i) & 0x7f] ?? 0)) & 0xffff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            bytes[n++] = (value >>> bits) & 0xff;
        }
    }
    return bytes;
}
/** Hex, plain (at both nibble alignments) or with `:` / `-` / space between bytes. */
function* hex(text, allocate = fresh) {
    const flat = decoders_withoutLineBreaks(text);
    for (const [run] of flat.matchAll(/[0-9A-Fa-f]{16,}/g)) {
        for (let skip = 0; skip < 2; skip++) {
            const out = allocate((run.length - skip) >>> 1);
            yield out.subarray(0, out.write(run.slice(skip), 'hex'));
        }
    }
    for (const [run] of flat.matchAll(/(?:[0-9A-Fa-f]{2}[:\- ]){7,}[0-9A-Fa-f]{2}/g)) {
        yield Buffer.from(run.replace(/[:\- ]/g, ''), 'hex');
    }
}
/**
 * Hex dumps, line by line: the offset column goes, then the text column
 * (`hexdump -C` puts it between `|`, `xxd` after two spaces), and the hex
 * digits left are the bytes, joined across lines.
 */
function dump(text) {
    if (!text.includes(' '))
        return []; // every dump layout has spaces; other spans go to `hex`
    let digits = '';
    for (const line of text.split(/\r?\n|\r/))
        digits += dumpLineDigits(line);
    return digits.length >= 16 ? [Buffer.from(digits, 'hex')] : [];
}
function dumpLineDigits(line) {
    const offset = /^[0-9A-Fa-f]{6,8}(:?)/.exec(line);
    let body = offset === null ? line : line.slice(offset[0].length);
    const bar = body.indexOf('|');
    if (bar >= 0)
        body = body.slice(0, bar);
    else if (offset?.[1] === ':') {
        const gap = body.indexOf('  ', 1);
        if (gap >= 0)
            body = body.slice(0, gap);
    }
    const digits = body.replace(/[^0-9A-Fa-f]/g, '');
    return digits.length % 2 === 0 ? digits : digits.slice(0, -1);
}
/** `%XX`; one level (the layer recurses for `%25XX`). */
function percent(text) {
    if (!/%[0-9A-Fa-f]{2}/.test(text))
        return [];
    return [latin1(text.replace(/%([0-9A-Fa-f]{2})/g, (_, h) => byteChar(h)))];
}
const NAMED_ENTITIES = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
};
/** HTML/XML numeric character references (`&#x70;`, `&#112;`) and the five XML entities. */
function entities(text) {
    if (!text.includes('&'))
        return [];
    const decoded = text.replace(/&#[xX]([0-9A-Fa-f]{1,6});|&#([0-9]{1,7});|&(amp|lt|gt|quot|apos);/g, (whole, h, d, name) => {
        if (h !== undefined)
            return utf8Chars(parseInt(h, 16));
        if (d !== undefined)
            return utf8Chars(parseInt(d, 10));
        return NAMED_ENTITIES[name ?? ''] ?? whole;
    });
    return decoded === text ? [] : [latin1(decoded)];
}
/** Quoted-printable: `=XX` and soft line breaks (`=` at the end of a line). */
function quotedPrintable(text) {
    if (!/=[0-9A-Fa-f]{2}|=\r?\n/.test(text))
        return [];
    const decoded = text
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_, h) => byteChar(h));
    return [latin1(decoded)];
}
const SIMPLE_ESCAPES = {
    a: '\x07',
    b: '\b',
    t: '\t',
    n: '\n',
    v: '\v',
    f: '\f',
    r: '\r',
    e: '\x1b',
    E: '\x1b',
};
/**
 * Backslash escapes of C, bash `$'…'`, Python, JSON and JavaScript: `\xNN`,
 * `\uNNNN`, `\UNNNNNNNN`, octal `\NNN`, the letter escapes, and a backslash
 * before anything else standing for that character. As bytes, and with the
 * bytes read as Latin-1 (Python's `b'\xe4'` of a Latin-1 encoded string).
 */
function backslash(text) {
    if (!text.includes('\\'))
        return [];
    const decoded = text.replace(/\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([0-7]{1,3})|([\s\S]))/g, (_, x, u, U, octal, other) => {
        if (x !== undefined)
            return byteChar(x);
        if (u !== undefined || U !== undefined)
            return utf8Chars(parseInt(u ?? U ?? '0', 16));
        if (octal !== undefined)
            return String.fromCharCode(parseInt(octal, 8) & 0xff);
        return SIMPLE_ESCAPES[other ?? ''] ?? other ?? '';
    });
    return [latin1(decoded), Buffer.from(decoded, 'utf8')];
}
/** UTF-16 little- and big-endian, at both byte alignments, as UTF-8. */
function* utf16(text) {
    if (!text.includes('\0'))
        return;
    for (const skip of [0, 1]) {
        const bytes = latin1(text.slice(skip));
        const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
        yield Buffer.from(even.toString('utf16le'), 'utf8');
        yield Buffer.from(Buffer.from(even).swap16().toString('utf16le'), 'utf8');
    }
}
/**
 * Terminal control sequences removed: CSI (SGR colours, cursor moves, erase
 * line: what `grep --color=always` puts around a match), OSC (titles,
 * hyperlinks) and two-byte escapes.
 */
function terminal(text) {
    if (!text.includes('\x1b'))
        return [];
    // eslint-disable-next-line no-control-regex -- control sequences are the point
    const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
    return [latin1(text.replace(CONTROL, ''))];
}
/** Every decoder, cheapest rejections first. */
const DECODERS = [
    terminal,
    percent,
    entities,
    quotedPrintable,
    backslash,
    utf16,
    hex,
    dump,
    base64,
    base32,
];

;// CONCATENATED MODULE: ./src/masking/span-kernel.ts
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

/** Indices of the state the loop reads on entry and writes on return. */
const State = {
    spanStart: 0,
    run: 1,
    maxRun: 2,
    marked: 3,
    qp: 4,
    lineStart: 5,
    /** The byte before the first one scanned (read only). */
    previous: 6,
};
const STATE_AT = 256;
const STAGE_AT = 512;
const span_kernel_STAGING = 64 * 1024;
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
function createSpanKernel(classes) {
    const WebAssembly = webAssembly();
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
    const module = new WebAssembly.Module(span_kernel_assemble(classes));
    const exports = new WebAssembly.Instance(module, { e: { m: memory } }).exports;
    const run = exports.q;
    const heap = new Uint8Array(memory.buffer);
    heap.set(classes.table, 0);
    let staged;
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
                    stagedTo = Math.min(to, at + span_kernel_STAGING);
                    heap.set(bytes.subarray(stagedFrom, stagedTo), STAGE_AT);
                }
                const end = Math.min(to, stagedTo);
                const delta = STAGE_AT - stagedFrom;
                at = run(at + delta, end + delta, delta) - delta;
                if (at < end)
                    return at;
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
const classHas = (bits) => [...get(C), ...konst(bits), op.i32And];
/** Pushes max(MAX, RUN). */
const maxOfRun = () => [
    ...get(MAX),
    ...get(RUN),
    ...get(MAX),
    ...get(RUN),
    op.i32GtS,
    op.select,
];
function span_kernel_assemble(classes) {
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
        ...section(2, vec([[...wasm_name('e'), ...wasm_name('m'), 0x02, ...memoryLimits]])),
        ...section(3, vec([[0], [1]])),
        ...section(7, vec([[...wasm_name('q'), 0x00, 1]])),
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
function block16(classes) {
    const { slow, b64, delim } = nibbleTables(classes);
    const prefix = [...konst(1), ...get(N), op.i32Shl, ...konst(1), op.i32Sub];
    // prettier-ignore
    return [
        ...get(P), ...v128Load(0), ...set(V),
        ...get(V), ...v128(Array(16).fill(0x0f)), ...simd(simdOp.and), ...set(LO),
        ...get(V), ...konst(4), ...simd(simdOp.shrU), ...set(HI),
        ...inSet(slow), ...simd(simdOp.bitmask), ...konst(0x10000), op.i32Or, op.i32Ctz, ...set(N),
        ...inSet(b64), ...simd(simdOp.bitmask), ...prefix, op.i32And, ...set(BM),
        ...inSet(delim),
        ...get(V), ...v128(Array(16).fill(0x20)), ...simd(simdOp.leU), ...simd(simdOp.or),
        ...get(V), ...v128(Array(16).fill(0x7f)), ...simd(simdOp.eq), ...simd(simdOp.or),
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
function inSet(tables) {
    // prettier-ignore
    return [
        ...v128(tables.lo), ...get(LO), ...simd(simdOp.swizzle),
        ...v128(tables.hi), ...get(HI), ...simd(simdOp.swizzle),
        ...simd(simdOp.and), ...v128(Array(16).fill(0)), ...simd(simdOp.eq), ...simd(simdOp.not),
    ];
}
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/**
 * The byte sets the block step needs, as lookups on each nibble (a byte is in
 * the set when its two nibbles' entries share a bit: one bit per rectangle),
 * checked against the finder's class table so they can never disagree.
 */
function nibbleTables(classes) {
    const { table, slow, b64, token } = classes;
    const isSlow = (b) => ((table[b] ?? 0) & slow) !== 0;
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
    };
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
function lookup(rectangles) {
    const lo = Array(16).fill(0);
    const hi = Array(16).fill(0);
    rectangles.forEach(([his, los], bit) => {
        for (const h of his)
            hi[h] = (hi[h] ?? 0) | (1 << bit);
        for (const l of los)
            lo[l] = (lo[l] ?? 0) | (1 << bit);
    });
    return { lo, hi };
}
const inTables = (t, b) => ((t.lo[b & 15] ?? 0) & (t.hi[b >> 4] ?? 0)) !== 0;
/**
 * Function 1, exported as `q(p, end, delta) -> stop`: the loop. Addresses are
 * indices plus `delta`. Letters and digits extend the run, other token bytes
 * end it, a delimiter ends the span (branch-free: these are most bytes); it
 * stops at a delimiter that would report or close a marked span, at an escape
 * marker, at `=`/`&` without its next byte, and at a line break unless the
 * line ends a span with nothing to report and the next line is no dump.
 */
function quietBody(classes) {
    const { token, b64, slow } = classes;
    const restore = (local, at, plusDelta) => [
        ...konst(0), ...load32(STATE_AT + 4 * at, 2),
        ...(plusDelta ? [...get(DELTA), op.i32Add] : []), ...set(local),
    ]; // prettier-ignore
    const save = (local, at, minusDelta) => [
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
function slowByte(classes) {
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
function lineBreak() {
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
function peekBody(hex) {
    const [Q, E, D, BY, J, SEP] = [0, 1, 2, 3, 4, 5];
    const isHexAt = (offset) => [
        ...load8(offset), ...load8(0), ...konst(hex), op.i32And,
    ]; // prettier-ignore
    const answer = (value) => [...konst(value), op.return];
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

;// CONCATENATED MODULE: ./src/masking/spans.ts
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

/* eslint-disable @typescript-eslint/no-non-null-assertion --
   The hot loop indexes a 256-entry table with a byte and a buffer within its
   bounds; `?? 0` there costs measurable time on every byte of output. */
/** Longest span decoded in one piece; a longer one is cut here. */
const SPAN_CAP = 64 * 1024;
/** Shortest run of base64-alphabet characters worth decoding (base64 of 12 bytes). */
const spans_MIN_RUN = 16;
/** Shortest span with an escape marker worth decoding (8 plain characters). */
const MIN_MARKED = 8;
/** A line this long made of one token is a wrapped encoding, not a word. */
const spans_MIN_WRAP = 40;
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
let kernel;
/** One loop for every finder: it only holds the bytes of the call in progress. */
function spanKernel() {
    kernel ??= createSpanKernel({ table: CLASS, token: TOKEN, b64: B64, hex: HEX, slow: SLOW });
    return kernel;
}
function classTable() {
    const table = new Uint8Array(256);
    for (let b = 0; b < 256; b++) {
        const c = String.fromCharCode(b);
        let cls = 0;
        if ((b > 0x20 && b < 0x7f && !`"'\`(){}<>,|`.includes(c)) || b >= 0x80)
            cls |= TOKEN;
        if (/[A-Za-z0-9+/=_-]/.test(c))
            cls |= B64;
        if (/[0-9A-Fa-f]/.test(c))
            cls |= HEX;
        if (b === 0x00 || b === 0x1b || c === '%' || c === '\\')
            cls |= MARK | TOKEN;
        if ((cls & MARK) !== 0 || b === 0x0a || b === 0x0d || c === '=' || c === '&')
            cls |= SLOW;
        if (b === 0x00 || b === 0x0d || c === '=' || c === '&' || c === '\\')
            cls |= NEXT;
        table[b] = cls;
    }
    return table;
}
const spans_LF = 0x0a;
const CR = 0x0d;
const spans_SPACE = 0x20;
const spans_EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const spans_COLON = 0x3a;
const spans_AMPERSAND = 0x26;
const spans_HASH = 0x23;
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
};
/** Told of each span found; `dump` says it is a hex dump block (offsets and text column included). */
const isHex = (byte) => byte !== undefined && (CLASS[byte] & HEX) !== 0;
/**
 * `classifyHead`'s verdict on the line starting at `from`, read ahead in one
 * go: No, Yes, or undefined when the bytes run out first (or it is Yes: dumps
 * are rare, the byte-by-byte path reads them).
 */
function peekHead(bytes, from, to) {
    let i = from;
    while (i < to && i - from < 9 && isHex(bytes[i]))
        i++;
    if (i >= to)
        return undefined;
    const digits = i - from;
    const byte = bytes[i];
    if (digits === 9)
        return Head.No;
    if (digits === 0) {
        if (byte !== spans_SPACE)
            return Head.No;
        if (i + 3 >= to)
            return undefined;
        const od = isHex(bytes[i + 1]) && isHex(bytes[i + 2]) && bytes[i + 3] === spans_SPACE;
        return od ? undefined : Head.No;
    }
    if (digits < 6 || (byte !== spans_SPACE && byte !== spans_COLON))
        return Head.No;
    for (let j = i + 1, separators = 1; j < to; j++, separators++) {
        if (isHex(bytes[j]))
            return undefined;
        if (bytes[j] !== spans_SPACE || separators >= 3)
            return Head.No;
    }
    return undefined;
}
class SpanFinder {
    kernel;
    spanStart = -1;
    run = 0;
    maxRun = 0;
    marked = false;
    /** Bytes after a NUL taken as token bytes whatever they are (UTF-16 of `'`, ` `, `✓`). */
    glue = 0;
    /** `=XX` seen in this span: two make it look quoted-printable (one is `id=42`). */
    qp = 0;
    previous = -1;
    lineStart = 0;
    head = Head.Offset;
    count = 0;
    /** First line of the dump block being read, and the end of its last whole line. */
    dumpStart = -1;
    dumpEnd = -1;
    constructor(options = {}) {
        this.kernel = options.kernel ?? true;
    }
    /**
     * Scans `bytes[from, to)`, at stream offset `base` + index; reports finished
     * spans. It runs on every byte of output, so plain bytes (words, spaces) go
     * through an inlined loop on locals; the rest go through `step`, and so does
     * the byte after one of them (its meaning depends on what came before).
     */
    feed(bytes, base, from, to, sink) {
        if (this.kernel)
            spanKernel().forget(); // the same buffer may hold other bytes than last time
        let i = from;
        while (i < to) {
            if (this.head === Head.No || this.head === Head.Yes)
                i = this.fast(bytes, base, i, to, sink);
            if (i >= to)
                return;
            this.step(bytes[i], base + i, sink);
            i++;
        }
    }
    /**
     * The common case: returns at the first byte `step` must see. Stretches
     * that need no decision go through the WebAssembly loop (`span-kernel.ts`);
     * the bytes it stops at, here. The span cap is checked once per call, so a
     * span may pass it by one chunk.
     */
    fast(bytes, base, from, to, sink) {
        // Rare cases `step` handles: a dump block, bytes after a NUL, and the byte
        // after a SLOW one (which the previous chunk may have ended with).
        const afterSlow = this.previous >= 0 && (CLASS[this.previous] & NEXT) !== 0;
        if (this.dumpStart >= 0 || this.glue > 0 || afterSlow)
            return from;
        // Before the first byte of a span is seen, `spanStart` is where it would
        // begin: an empty span is never reported and holds nothing back.
        if (this.spanStart < 0)
            this.spanStart = base + from;
        let i = from;
        for (; i < to; i++) {
            i = this.skipQuiet(bytes, base, from, i, to);
            if (i >= to)
                break;
            const byte = bytes[i];
            const cls = CLASS[byte];
            if ((cls & (SLOW | B64 | TOKEN)) === (B64 | TOKEN)) {
                this.run++; // a letter or digit inside a word
                continue;
            }
            if ((byte === spans_EQUALS || byte === spans_AMPERSAND) && i + 1 < to) {
                this.pair(byte, bytes[i + 1]);
                continue;
            }
            if (byte === spans_LF && this.dumpStart < 0) {
                // A line break: the slow path, then the new line's start read at once.
                if (i > from)
                    this.previous = bytes[i - 1];
                this.maxRun = Math.max(this.maxRun, this.run);
                this.step(spans_LF, base + i, sink);
                if (peekHead(bytes, i + 1, to) === Head.No)
                    this.head = Head.No;
                if (this.head !== Head.No)
                    return i + 1;
                if (this.spanStart < 0)
                    this.spanStart = base + i + 1;
                continue;
            }
            if ((cls & SLOW) !== 0)
                break; // `step` goes on with the run as it stands
            this.maxRun = Math.max(this.maxRun, this.run);
            this.run = 0;
            if ((cls & TOKEN) !== 0)
                continue;
            if (this.maxRun >= spans_MIN_RUN || this.marked)
                this.closeSpan(base + i, sink);
            this.startAfter(base + i);
        }
        this.maxRun = Math.max(this.maxRun, this.run);
        if (i > from)
            this.previous = bytes[i - 1];
        if (base + i - this.spanStart >= SPAN_CAP)
            this.closeSpan(base + i, sink);
        return i;
    }
    /**
     * `key=value` and `a=1&b=2` are everywhere in logs: what `step` and `token`
     * would do with `=` or `&` and the byte after it.
     */
    pair(byte, next) {
        if (byte === spans_AMPERSAND && next === spans_HASH)
            this.marked = true;
        if (byte === spans_EQUALS && isHex(next) && ++this.qp >= 2)
            this.marked = true;
        if (byte === spans_EQUALS) {
            this.run++; // `=` is in the base64 alphabet
            return;
        }
        this.maxRun = Math.max(this.maxRun, this.run);
        this.run = 0;
    }
    /** A delimiter at `pos` that closed no span worth reporting: the next one may start after it. */
    startAfter(pos) {
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
    skipQuiet(bytes, base, from, i, to) {
        if (!this.kernel)
            return i;
        const kernel = spanKernel();
        const state = kernel.state;
        const lineStart = Math.max(this.lineStart - base, i - LINE_FAR);
        state[State.spanStart] = this.spanStart - base;
        state[State.run] = this.run;
        state[State.maxRun] = this.maxRun;
        state[State.marked] = this.marked ? 1 : 0;
        state[State.qp] = this.qp;
        state[State.lineStart] = lineStart;
        state[State.previous] = i > from ? bytes[i - 1] : this.previous;
        const stop = kernel.skip(bytes, i, to);
        if (stop === i)
            return i;
        this.spanStart = state[State.spanStart] + base;
        this.run = state[State.run];
        this.maxRun = state[State.maxRun];
        this.marked = state[State.marked] !== 0;
        this.qp = state[State.qp];
        if (state[State.lineStart] !== lineStart)
            this.lineStart = state[State.lineStart] + base;
        return stop;
    }
    /** Stream offset from which bytes may still belong to a span not yet reported. */
    openFrom() {
        let from = this.spanStart >= 0 ? this.spanStart : Infinity;
        if (this.dumpStart >= 0)
            from = Math.min(from, this.dumpStart);
        const deciding = this.head !== Head.No && this.head !== Head.Yes;
        if (deciding && (this.count > 0 || this.head !== Head.Offset)) {
            from = Math.min(from, this.lineStart);
        }
        return from;
    }
    /** The input ended or went quiet at offset `end`: report what is open, start afresh. */
    flush(end, sink) {
        this.closeSpan(end, sink);
        if (this.head === Head.Yes)
            this.dumpEnd = end;
        this.closeDump(sink);
        this.dumpStart = -1;
        this.head = Head.No;
        this.previous = -1;
    }
    step(byte, pos, sink) {
        if (this.dumpStart >= 0 && pos - this.dumpStart >= 2 * SPAN_CAP)
            this.cutDump(pos, sink);
        if (byte === spans_LF || byte === CR)
            this.lineBreak(byte, pos, sink);
        else {
            if (this.head !== Head.No && this.head !== Head.Yes)
                this.classifyHead(byte, sink);
            this.token(byte, pos, sink);
        }
        this.previous = byte;
    }
    token(byte, pos, sink) {
        const cls = CLASS[byte] ?? 0;
        // A quote after a backslash is escaped (`$'it\'s'`); in UTF-16 any byte
        // next to a NUL may be half of a character.
        const escaped = this.previous === BACKSLASH && byte > spans_SPACE && byte < 0x7f;
        const glued = this.glue > 0;
        this.glue = byte === 0 ? 3 : Math.max(0, this.glue - 1);
        if ((cls & TOKEN) === 0 && !escaped && !glued) {
            this.closeSpan(pos, sink);
            return;
        }
        if (this.spanStart < 0)
            this.spanStart = pos;
        else if (pos - this.spanStart >= SPAN_CAP) {
            this.closeSpan(pos, sink);
            this.spanStart = pos;
        }
        if ((cls & MARK) !== 0 || (this.previous === spans_AMPERSAND && byte === spans_HASH))
            this.marked = true;
        if (this.previous === spans_EQUALS && (cls & HEX) !== 0 && ++this.qp >= 2)
            this.marked = true;
        if ((cls & B64) === 0)
            this.run = 0;
        else if (++this.run > this.maxRun)
            this.maxRun = this.run;
    }
    lineBreak(byte, pos, sink) {
        const crlf = byte === spans_LF && this.previous === CR;
        if (!crlf) {
            if (this.spanStart >= 0) {
                const softBreak = this.previous === spans_EQUALS;
                if (softBreak)
                    this.marked = true;
                // Wrapped output is one run of the encoding's alphabet from the line's start.
                const wrapped = this.run >= pos - this.lineStart && pos - this.lineStart >= spans_MIN_WRAP;
                if (!softBreak && !wrapped)
                    this.closeSpan(pos, sink);
            }
            if (this.head === Head.Yes) {
                this.dumpEnd = pos;
                if (this.dumpEnd - this.dumpStart >= SPAN_CAP) {
                    this.closeDump(sink);
                    this.dumpStart = -1; // the next dump line starts a new block
                }
            }
            else
                this.closeDump(sink); // an empty or undecided line ends a dump
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
    classifyHead(byte, sink) {
        const hex = ((CLASS[byte] ?? 0) & HEX) !== 0;
        let next = Head.No;
        if (this.head === Head.Offset) {
            if (hex && this.count < 8)
                next = Head.Offset;
            else if (byte === spans_SPACE && this.count === 0)
                next = Head.OdByte;
            else if ((byte === spans_SPACE || byte === spans_COLON) && this.count >= 6)
                next = Head.Separator;
        }
        else if (this.head === Head.Separator) {
            if (hex)
                next = Head.Yes;
            else if (byte === spans_SPACE && this.count < 3)
                next = Head.Separator;
        }
        else if (this.head === Head.OdByte) {
            if (hex && this.count < 2)
                next = Head.OdByte;
            else if (byte === spans_SPACE && this.count === 2)
                next = Head.Yes;
        }
        this.count = next === this.head ? this.count + 1 : next === Head.Separator ? 1 : 0;
        this.head = next;
        if (next === Head.Yes && this.dumpStart < 0)
            this.dumpStart = this.lineStart;
        if (next === Head.No)
            this.closeDump(sink);
    }
    /** A dump block (or one endless dump line) grew too long: report it and start over. */
    cutDump(pos, sink) {
        this.dumpEnd = pos;
        this.closeDump(sink);
        this.dumpStart = -1;
        this.head = Head.No;
    }
    closeDump(sink) {
        if (this.dumpStart >= 0 && this.dumpEnd - this.dumpStart >= MIN_MARKED) {
            sink(this.dumpStart, this.dumpEnd, true);
        }
        this.dumpStart = this.head === Head.Yes ? this.lineStart : -1;
        this.dumpEnd = -1;
    }
    closeSpan(end, sink) {
        if (this.spanStart >= 0) {
            const length = end - this.spanStart;
            if ((this.marked && length >= MIN_MARKED) || this.maxRun >= spans_MIN_RUN) {
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

;// CONCATENATED MODULE: ./src/masking/decode.ts


/** Decodings applied one inside the other, at most (base64 of base64 of UTF-16 is 3). */
const MAX_DEPTH = 3;
/** Decoded byte strings tried per span, at most: bounds the work garbage can cause. */
const BUDGET = 256;
/** Decoded bytes examined per span, at most, in multiples of the span's length. */
const BYTE_BUDGET = 4;
/** Decoded bytes shorter than this cannot hold a registered piece (8 characters). */
const MIN_DECODED = 8;
/** The automaton as a plain matcher over a short byte string (no detectors, no hold). */
function coverageOf(automaton) {
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
            if (length === 0)
                continue;
            const start = i + 1 - length;
            if (start > until)
                runStart = start; // not touching the run before
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
function encodedRanges(bytes, coverage) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const budget = () => ({ left: BUDGET, bytes: BYTE_BUDGET * text.length + 4096 });
    const score = (from, to, raw = true) => decodedCoverage(text.slice(from, to), 1, coverage, budget(), raw);
    const ranges = [];
    const pending = [[0, text.length]];
    for (let part = pending.pop(); part !== undefined; part = pending.pop()) {
        const [from, to] = part;
        // Only a part some decoding reveals a secret in is narrowed (the
        // automaton masks the secret's own bytes already).
        if (to - from < MIN_DECODED || score(from, to, false) === 0)
            continue;
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
function narrow(from, to, full, score) {
    let lo = from; // score(lo, to) >= full
    let hi = to;
    while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (score(mid, to) >= full)
            lo = mid;
        else
            hi = mid;
    }
    let low = lo + 1;
    let high = to; // score(lo, high) >= full
    while (low < high) {
        const mid = (low + high) >>> 1;
        if (score(lo, mid) >= full)
            high = mid;
        else
            low = mid + 1;
    }
    return [lo, high];
}
/** The most secret bytes any decoding of `text` (up to MAX_DEPTH deep) shows. */
function decodedCoverage(text, depth, coverage, budget, raw = false) {
    // The text as it is counts too when narrowing, so that it stops at the
    // secret's own bytes instead of keeping an escape byte a decoder needs.
    let best = raw ? coverage(Buffer.from(text, 'latin1')) : 0;
    // Every decoder reads the text, so reading counts against the budget as
    // decoding does: binary garbage decodes into thousands of short spans.
    budget.bytes -= text.length;
    for (const decode of DECODERS) {
        if (budget.bytes < 0)
            return best;
        for (const decoded of decode(text, SCRATCH[depth])) {
            budget.bytes -= decoded.length;
            if (budget.left-- <= 0 || budget.bytes < 0)
                return best;
            if (decoded.length < MIN_DECODED)
                continue;
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
function looksLikeText(decoded) {
    let text = 0;
    for (let i = 0; i < decoded.length; i++)
        text += TEXT_BYTE[decoded[i] ?? 0] ?? 0;
    return text >= decoded.length * TEXT_SHARE;
}
/** Bytes of text, for `looksLikeText`: printable ASCII, whitespace, NUL (UTF-16), ESC. */
const TEXT_BYTE = Uint8Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x00 || b === 0x1b
    ? 1
    : 0);
/** Share of text bytes above which decoded bytes count as text. */
const TEXT_SHARE = 0.8;
/**
 * One reusable output buffer per depth: a decoding is used up (matched, and
 * searched one level deeper, which writes to the next depth's buffer) before
 * the next is pulled. Without them a 64 KB base64 span left ~200 KB of
 * buffers per alignment sweep for the garbage collector, and the process's
 * resident memory grew by tens of MB on base64-heavy output.
 */
const SCRATCH = Array.from({ length: MAX_DEPTH + 1 }, () => {
    let buffer = Buffer.alloc(0);
    return (size) => {
        if (buffer.length < size)
            buffer = Buffer.allocUnsafe(Math.max(size, 2 * buffer.length));
        return buffer.subarray(0, size);
    };
});
/** Finds the spans inside decoded bytes (a JSON document, a URL, a line) and tries each. */
function innerCoverage(decoded, depth, coverage, budget) {
    const spans = [];
    const finder = new SpanFinder();
    const sink = (start, end) => {
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

;// CONCATENATED MODULE: ./src/masking/detectors.ts
/**
 * Detectors mask well-known credential formats that nobody registered: a
 * token the job fetched itself, a key a tool printed. Each detector has
 * literal triggers (found by the same automaton as the secret forms) and a
 * run: a small state machine fed the bytes after the trigger that decides,
 * once the token ends, whether it was a credential and which bytes to mask.
 */
function charset(pattern) {
    const set = new Uint8Array(256);
    for (let b = 0; b < 256; b++)
        if (pattern.test(String.fromCharCode(b)))
            set[b] = 1;
    return set;
}
/** Letters, digits and `_`: what a token may not be glued to on either side. */
const WORD = charset(/[A-Za-z0-9_]/);
const DOT = 0x2e;
/**
 * A detector for a prefix followed by a run of characters from one set, with
 * a token boundary on both sides: the byte before the prefix and the byte
 * that ends the run may be neither a word character nor a body character.
 */
function tokenDetector(shape) {
    const glued = (byte) => byte >= 0 && (WORD[byte] === 1 || shape.body[byte] === 1);
    return {
        name: shape.name,
        triggers: shape.triggers,
        begin(start, triggerEnd, before) {
            if (glued(before))
                return undefined;
            let dots = 0;
            let firstSegment = -1;
            let text = '';
            const keep = shape.verify !== undefined;
            const decide = (end) => {
                const stats = {
                    length: end - start,
                    dots,
                    firstSegment: firstSegment < 0 ? end - start : firstSegment,
                };
                const ok = stats.length >= shape.minLength &&
                    (shape.accept?.(stats) ?? true) &&
                    (shape.verify?.(text) ?? true);
                return ok ? { start, end } : false;
            };
            return {
                start,
                feed(byte, pos) {
                    if (shape.body[byte] !== 1)
                        return glued(byte) ? false : decide(pos);
                    if (byte === DOT && dots++ === 0)
                        firstSegment = pos - start;
                    if (keep && pos >= triggerEnd)
                        text += String.fromCharCode(byte);
                    const length = pos + 1 - start;
                    if (length < shape.maxLength || (length === shape.maxLength && shape.exact === true)) {
                        return null;
                    }
                    // An exact-length format one character too long is some other word.
                    return shape.exact === true ? false : { start, end: pos + 1 };
                },
                finish: decide,
            };
        },
    };
}
const ALNUM = charset(/[A-Za-z0-9]/);
const BASE64URL_AND_DOT = charset(/[A-Za-z0-9_.-]/);
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/**
 * GitHub's own format (github.blog, "Behind GitHub's new authentication token
 * formats"): 30 random base62 characters, then the CRC32 of those 30
 * characters in base62, zero-padded to 6. Checking it is what lets a detector
 * ignore every other 36-character word after a `ghp_`.
 */
function githubChecksumOk(body) {
    if (body.length !== 36)
        return false;
    let crc = crc32(body.slice(0, 30));
    let digits = '';
    for (let i = 0; i < 6; i++) {
        digits = BASE62.charAt(crc % 62) + digits;
        crc = Math.floor(crc / 62);
    }
    return crc === 0 && digits === body.slice(30);
}
let crcTable;
/** CRC-32 (IEEE, as zlib) of an ASCII string; the table is built on first use. */
function crc32(text) {
    crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++)
            c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
    });
    let crc = 0xffffffff;
    for (let i = 0; i < text.length; i++) {
        crc = (crc >>> 8) ^ (crcTable[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0);
    }
    return (crc ^ 0xffffffff) >>> 0;
}
const githubTokens = tokenDetector({
    name: 'github',
    // Personal, OAuth, user-to-server, server-to-server (Actions' GITHUB_TOKEN)
    // and refresh tokens: prefix + 30 random + 6 checksum characters.
    triggers: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    body: ALNUM,
    minLength: 4 + 36,
    maxLength: 4 + 36,
    exact: true,
    verify: githubChecksumOk,
});
const githubFineGrained = tokenDetector({
    name: 'github-pat',
    // github_pat_ + 22 characters + `_` + 59 characters.
    triggers: ['github_pat_'],
    body: charset(/[A-Za-z0-9_]/),
    minLength: 11 + 82,
    maxLength: 11 + 82,
    exact: true,
    verify: (body) => /^[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/.test(body),
});
const gitlabTokens = tokenDetector({
    name: 'gitlab',
    // Personal, project/group, deploy, runner, CI build, feed, incoming mail,
    // agent, SCIM and OAuth application secrets.
    triggers: [
        'glpat-',
        'glptt-',
        'gldt-',
        'glrt-',
        'glcbt-',
        'glft-',
        'glimt-',
        'glagent-',
        'glsoat-',
        'gloas-',
    ],
    body: BASE64URL_AND_DOT,
    minLength: 5 + 20,
    maxLength: 512,
});
const slackTokens = tokenDetector({
    name: 'slack',
    triggers: ['xoxa-', 'xoxb-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-', 'xoxe.xoxp-', 'xapp-'],
    body: charset(/[A-Za-z0-9.-]/),
    minLength: 5 + 10,
    maxLength: 512,
});
const awsAccessKeyIds = tokenDetector({
    name: 'aws',
    // Access key ids (AKIA long-term, ASIA temporary) and the other unique-id
    // prefixes AWS documents (IAM "Unique identifiers"): always 20 characters.
    triggers: [
        'AKIA',
        'ASIA',
        'ABIA',
        'ACCA',
        'AGPA',
        'AIDA',
        'AIPA',
        'ANPA',
        'ANVA',
        'APKA',
        'AROA',
        'ASCA',
    ],
    body: charset(/[A-Z0-9]/),
    minLength: 20,
    maxLength: 20,
    exact: true,
});
const jwts = tokenDetector({
    name: 'jwt',
    // Every JOSE header is a JSON object, so its base64url starts with `eyJ`.
    triggers: ['eyJ'],
    body: BASE64URL_AND_DOT,
    minLength: 24,
    maxLength: 16384,
    // JWS compact has three segments, JWE five; a header shorter than
    // `{"alg":"x"}` encoded is not a JWT.
    accept: (s) => s.dots >= 2 && s.firstSegment >= 14,
});
const PEM_BODY = charset(/[A-Za-z0-9+/=\s:,.\\-]/); // `\` for `\n` in a JSON key file
const PEM_LABEL = charset(/[A-Z0-9 ]/);
const END_MARKER = Buffer.from('-----END');
const DASH = 0x2d;
/**
 * `-----BEGIN <label>-----` where the label names a private key; masks the body
 * up to `-----END`, so the armour lines stay readable and every key line is
 * replaced. A body cut short (odd byte, end of input, 64 KiB) is masked as far
 * as it went: a partial key is still secret.
 */
const pemPrivateKeys = {
    name: 'pem-private-key',
    triggers: ['-----BEGIN '],
    begin(start, triggerEnd) {
        let label = '';
        let dashes = 0;
        let bodyStart = -1;
        let endProgress = 0;
        const maskBody = (end) => bodyStart >= 0 && end > bodyStart ? { start: bodyStart, end } : false;
        const feedLabel = (byte, pos) => {
            if (byte === DASH) {
                if (++dashes < 5)
                    return null;
                if (!label.includes('PRIVATE KEY'))
                    return false;
                bodyStart = pos + 1;
                return null;
            }
            if (dashes > 0 || PEM_LABEL[byte] !== 1 || label.length > 64)
                return false;
            label += String.fromCharCode(byte);
            return null;
        };
        return {
            start,
            feed(byte, pos) {
                if (bodyStart < 0)
                    return feedLabel(byte, pos);
                endProgress = nextEndProgress(endProgress, byte);
                if (endProgress === END_MARKER.length)
                    return maskBody(pos + 1 - END_MARKER.length);
                if (PEM_BODY[byte] !== 1 || pos - triggerEnd > 65536)
                    return maskBody(pos);
                return null;
            },
            finish: maskBody,
        };
    },
};
/** Progress through `-----END` after `byte`; extra leading dashes keep it at five. */
function nextEndProgress(progress, byte) {
    if (byte === END_MARKER[progress])
        return progress + 1;
    if (byte === DASH)
        return progress === 5 ? 5 : 1;
    return 0;
}
const DETECTORS = [
    githubTokens,
    githubFineGrained,
    gitlabTokens,
    slackTokens,
    awsAccessKeyIds,
    jwts,
    pemPrivateKeys,
];

// EXTERNAL MODULE: ./src/masking/length.ts
var masking_length = __webpack_require__(1306);
;// CONCATENATED MODULE: ./src/masking/encodings.ts
/**
 * Every byte sequence under which a secret can reach a job's log.
 *
 * A credential is rarely printed only as itself: tools base64 it into docker
 * configs, percent-encode it into URLs, escape it into JSON, quote it for a
 * shell. The masker registers each form returned here, so this module is the
 * single list of "ways a secret can be written". It is pure: no I/O, no
 * logging, no CI knowledge, and it never throws on any input string.
 *
 * Coverage of the GitHub runner's encoders (facts read from actions/runner,
 * src/Sdk/DTLogging/Logging/ValueEncoders.cs and the list HostContext
 * registers), mapped to our encoding names:
 *   the value itself, and each line of a multi-line value  -> `raw`, `lineN:*`
 *   Base64StringEscape                        -> `base64-std-shift0-padded`
 *   Base64StringEscapeShift1 / Shift2         -> `base64-std-skip1-padded` / `-skip2-padded`
 *   EnumerateBase64Variations (newer runners:
 *     the same three, unpadded, std and URL)  -> `base64-{std,url}-shift0-unpadded`,
 *                                                `base64-{std,url}-skip{1,2}-unpadded`
 *                                                (and our `shift{1,2}-*` / `core`
 *                                                forms match whatever precedes)
 *   CommandLineArgumentEscape (" as \")       -> `command-line-escape`
 *   ExpressionStringEscape (' as '')          -> `expression-escape`
 *   JsonStringEscape (Newtonsoft, unquoted)   -> `json-newtonsoft`
 *   UriDataEscape (Uri.EscapeDataString)      -> `percent-rfc3986-upper`
 *   XmlDataEscape (SecurityElement.Escape)    -> `xml-apos`
 *   TrimDoubleQuotes                          -> the `unquoted:*` text (all encoders)
 *   PowerShellPreAmpersandEscape              -> `powershell-pre-ampersand`
 *   PowerShellPostAmpersandEscape             -> `powershell-post-ampersand`
 * Deliberate difference: the runner registers quote-trimmed and ampersand
 * parts from 6 or 7 characters; we never register any part under
 * MIN_PART_LENGTH (such parts hide innocent text), except a whole secret.
 */


/** Every form under which `secret` may be printed, deduplicated by bytes. */
function secretForms(secret) {
    if (secret === '')
        return [];
    const forms = new FormSet(secret);
    // A short secret is masked only as itself: its encodings would be even
    // shorter or would match too much innocent text.
    if (!(0,masking_length/* hasMinLength */.DR)(secret))
        return forms.list();
    for (const text of textsOf(secret)) {
        const utf8 = Buffer.from(text.value, 'utf8');
        for (const family of PLAIN.test(text.value) ? BYTE_FAMILIES : FAMILIES) {
            for (const [name, value] of family(text.value, utf8)) {
                forms.add(text.label === '' ? name : `${text.label}:${name}`, value);
            }
        }
    }
    return forms.list();
}
/**
 * Runs of MIN_PART_LENGTH characters of the secret (line breaks removed: the
 * matcher ignores them), starting every `stride` characters and at the very
 * end, as UTF-8, deduplicated, punctuation-only runs left out. Registered
 * beside the forms, they mask a secret printed in pieces or cut short
 * (`${S:0:20}`, a value folded by a YAML dumper, the part before an escaped
 * character): no MIN_PART_LENGTH + stride - 1 characters of it in a row reach
 * the log.
 */
function secretWindows(secret, stride = 1) {
    const chars = Array.from(secret.replace(/[\r\n]/g, ''));
    const parts = [];
    for (let i = 0; i + masking_length/* MIN_PART_LENGTH */.e7 <= chars.length; i++) {
        parts.push(chars.slice(i, i + masking_length/* MIN_PART_LENGTH */.e7).join(''));
    }
    // A skipped punctuation-only window would leave a gap in stride coverage
    // next to it, so such secrets get every window.
    const step = parts.some(isPunctuationOnly) ? 1 : stride;
    const windows = new Map();
    const last = parts.length - 1;
    for (let i = 0; i <= last; i = i < last ? Math.min(i + step, last) : i + 1) {
        const part = parts[i] ?? '';
        if (!windows.has(part) && !isPunctuationOnly(part))
            windows.set(part, Buffer.from(part, 'utf8'));
    }
    return [...windows.values()];
}
/**
 * Schemes whose URL path names a database (a vhost for AMQP, a database
 * number for Redis): a name people print and read, not a credential.
 */
const DATABASE_SCHEMES = new Set([
    'postgres:',
    'postgresql:',
    'mysql:',
    'mariadb:',
    'mongodb:',
    'mongodb+srv:',
    'redis:',
    'rediss:',
    'amqp:',
    'amqps:',
    'sqlserver:',
    'clickhouse:',
]);
/**
 * What a secret's windows are cut from. A URL's host and port are not
 * secret, and windows over them would mask every mention of the host (a
 * database URL's `127.0.0.1:5432`): only its user name, password, path
 * segments (webhook URLs keep their secret there; not a database URL, whose
 * path is the database's name), query values and fragment get windows.
 * Every other secret is windowed whole. The URL itself is still masked
 * whole, in every form.
 */
function windowSources(secret) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+/i.test(secret))
        return [secret];
    let url;
    try {
        url = new URL(secret);
    }
    catch {
        return [secret];
    }
    const decode = (part) => {
        try {
            return decodeURIComponent(part);
        }
        catch {
            return part;
        }
    };
    const parts = [
        decode(url.username),
        decode(url.password),
        ...(DATABASE_SCHEMES.has(url.protocol.toLowerCase())
            ? []
            : url.pathname.split('/').map(decode)),
        ...[...url.searchParams.values()],
        decode(url.hash.slice(1)),
    ];
    return parts.filter((part) => part !== '');
}
/**
 * True when a part (a line of a multi-line secret, an encoded form) may be
 * registered alone: >= MIN_PART_LENGTH characters and not made only of
 * punctuation/whitespace (registering `{` or `-----` would mask innocent text).
 */
function isRegistrablePart(part) {
    return (0,masking_length/* hasMinLength */.DR)(part) && !isPunctuationOnly(part);
}
/** Collects forms in order, dropping unregistrable and duplicate byte sequences. */
class FormSet {
    forms = [];
    seenText = new Set();
    seenBytes = new Set();
    /** The raw whole secret is kept whatever it looks like: the caller asked for it. */
    constructor(secret) {
        const bytes = Buffer.from(secret, 'utf8');
        this.forms.push({ encoding: 'raw', bytes });
        this.seenText.add(secret);
        this.seenBytes.add(bytes.toString('latin1'));
    }
    add(encoding, value) {
        // Most encoders leave most texts unchanged: a string lookup rejects those cheaply.
        if (this.seenText.has(value))
            return;
        this.seenText.add(value);
        if (Buffer.byteLength(value, 'utf8') < masking_length/* MIN_PART_LENGTH */.e7 || isPunctuationOnly(value))
            return;
        const bytes = Buffer.from(value, 'utf8');
        // Distinct strings can share bytes (lone surrogates all become U+FFFD);
        // latin1 maps bytes to code units one to one, so equal keys mean equal bytes.
        const key = bytes.toString('latin1');
        if (this.seenBytes.has(key))
            return;
        this.seenBytes.add(key);
        this.forms.push({ encoding, bytes });
    }
    list() {
        return this.forms;
    }
}
// ---------------------------------------------------------------------------
// Texts: the strings every encoder is applied to.
/**
 * The secret; its content without surrounding quotes (a value pasted as
 * `"abc"` is usually used without them); for a multi-line secret the whole
 * value with LF and with CRLF line ends (the other side may have converted
 * them before escaping it) and each registrable line (tools print line by line,
 * and the GitHub runner masks line by line).
 */
function textsOf(secret) {
    const texts = [{ label: '', value: secret }];
    const inner = unquoted(secret);
    if (inner !== undefined && isRegistrablePart(inner)) {
        texts.push({ label: 'unquoted', value: inner });
    }
    if (!/[\r\n]/.test(secret))
        return texts;
    const lf = secret.replace(/\r\n?/g, '\n');
    if (lf !== secret)
        texts.push({ label: 'lf', value: lf });
    const crlf = lf.replace(/\n/g, '\r\n');
    if (crlf !== secret)
        texts.push({ label: 'crlf', value: crlf });
    secret.split(/\r\n|\n|\r/).forEach((line, i) => {
        if (isRegistrablePart(line))
            texts.push({ label: `line${i + 1}`, value: line });
    });
    return texts;
}
function unquoted(secret) {
    const first = secret[0];
    if (secret.length < 2 || (first !== '"' && first !== "'") || !secret.endsWith(first)) {
        return undefined;
    }
    return secret.slice(1, -1);
}
// ---------------------------------------------------------------------------
// Base64 and hex.
/**
 * Characters at the start of base64(prefix + secret) that mix bits of the
 * preceding bytes, by number of preceding bytes modulo 3. They cannot be
 * registered: their value depends on text that is not the secret.
 */
const MIXED_LEADING_CHARS = [0, 2, 3];
/**
 * The secret after 0, 1 or 2 other bytes (so at every alignment inside a
 * larger blob such as docker's base64("user:" + secret)), in the standard and
 * URL alphabets:
 * - `core`: only the characters whose 6 bits all come from the secret, which
 *   match whatever precedes and follows (`echo "$S" | base64` appends a newline);
 * - `unpadded` / `padded`: the secret at the end of the encoded data.
 * Plus the runner's variant: base64 of the secret without its first 1 or 2 bytes.
 */
function base64Forms(_text, utf8) {
    const out = [];
    for (const shift of [0, 1, 2]) {
        const skip = MIXED_LEADING_CHARS[shift];
        const padded = Buffer.concat([Buffer.alloc(shift), utf8])
            .toString('base64')
            .slice(skip);
        const coreLength = Math.floor(((shift + utf8.length) * 8) / 6) - skip;
        addBothAlphabets(out, `shift${shift}-core`, padded.slice(0, coreLength));
        addBothAlphabets(out, `shift${shift}-unpadded`, withoutPadding(padded));
        addBothAlphabets(out, `shift${shift}-padded`, padded);
    }
    for (const skip of [1, 2]) {
        const padded = utf8.subarray(skip).toString('base64');
        addBothAlphabets(out, `skip${skip}-unpadded`, withoutPadding(padded));
        addBothAlphabets(out, `skip${skip}-padded`, padded);
    }
    return out;
}
function addBothAlphabets(out, name, standard) {
    out.push([`base64-std-${name}`, standard]);
    out.push([`base64-url-${name}`, standard.replace(/\+/g, '-').replace(/\//g, '_')]);
}
function withoutPadding(base64) {
    return base64.replace(/=+$/, '');
}
/** As `xxd -p` and `od`-style dumps print it (the engine ignores their line wraps). */
function hexForms(_text, utf8) {
    const lower = utf8.toString('hex');
    return [
        ['hex-lower', lower],
        ['hex-upper', lower.toUpperCase()],
    ];
}
const PERCENT_STYLES = [
    // JS encodeURIComponent; .NET Framework's old EscapeDataString.
    { name: 'uri-component', safe: "-_.!~*'()", plus: false },
    // JS encodeURI, for a secret pasted into a whole URL.
    { name: 'uri', safe: "-_.!~*'();/?:@&=+$,#", plus: false },
    // RFC 3986 unreserved only: Uri.EscapeDataString, Python quote(s, safe=''),
    // PHP rawurlencode, curl --data-urlencode, jq @uri.
    { name: 'rfc3986', safe: '-_.~', plus: false },
    // Python urllib.parse.quote(s) with its default safe='/'.
    { name: 'rfc3986-path', safe: '-_.~/', plus: false },
    // Go url.PathEscape.
    { name: 'path-segment', safe: '-_.~$&+:=@', plus: false },
    // WHATWG URLSearchParams, Java URLEncoder.
    { name: 'form', safe: '*-_.', plus: true },
    // Python quote_plus, Go url.QueryEscape.
    { name: 'form-rfc3986', safe: '-_.~', plus: true },
    // PHP urlencode.
    { name: 'form-php', safe: '-_.', plus: true },
    // WHATWG URL userinfo (`url.password = s; url.href`).
    { name: 'userinfo-whatwg', safe: "!$%&'()*+,-._~", plus: false },
    // Go url.UserPassword(u, s).String().
    { name: 'userinfo-go', safe: '-_.~$&+,;=', plus: false },
];
const PERCENT_TABLES = PERCENT_STYLES.map((style) => asciiTable((c) => /[A-Za-z0-9]/.test(c) || style.safe.includes(c)));
function percentForms(_text, utf8) {
    const out = [];
    PERCENT_STYLES.forEach((style, i) => {
        const table = PERCENT_TABLES[i] ?? [];
        out.push([`percent-${style.name}-upper`, percentEncode(utf8, table, style.plus, HEX_UPPER)]);
        out.push([`percent-${style.name}-lower`, percentEncode(utf8, table, style.plus, HEX_LOWER)]);
    });
    return out;
}
/** Over UTF-8 bytes, so that lone surrogates cannot throw as encodeURIComponent does. */
function percentEncode(utf8, safe, plus, digits) {
    let out = '';
    for (const byte of utf8) {
        if (safe[byte] === true)
            out += String.fromCharCode(byte);
        else if (plus && byte === 0x20)
            out += '+';
        else
            out += `%${digits[byte >> 4] ?? ''}${digits[byte & 15] ?? ''}`;
    }
    return out;
}
/** The combinations real encoders produce. */
const JSON_STYLES = [
    // JSON.stringify, Python json.dumps(ensure_ascii=False), serde_json, Ruby.
    { name: 'json' },
    // The runner's JsonStringEscape (Newtonsoft JsonConvert.ToString).
    { name: 'json-newtonsoft', lineSeparators: true, nextLine: true },
    // Jackson: upper-case hex for control characters.
    { name: 'json-upper', upper: true },
    // PHP json_encode defaults.
    { name: 'json-php', slash: true, nonAscii: true },
    // PHP JSON_UNESCAPED_UNICODE.
    { name: 'json-php-unicode', slash: true, lineSeparators: true },
    // PHP JSON_UNESCAPED_SLASHES.
    { name: 'json-php-slashes', nonAscii: true },
    // Python json.dumps (ensure_ascii=True, its default).
    { name: 'json-python', nonAscii: true, del: true },
    // Java and .NET encoders that escape non-ASCII in upper case.
    { name: 'json-ascii-upper', nonAscii: true, upper: true },
    // Go encoding/json (since Go 1.22 \b and \f are short).
    { name: 'json-go', unicodeAscii: '<>&', lineSeparators: true },
    { name: 'json-go-legacy', unicodeAscii: '<>&', lineSeparators: true, short: 'nrt' },
    // Gson's default HTML-safe writer.
    { name: 'json-gson', unicodeAscii: "<>&='", lineSeparators: true },
    // .NET System.Text.Json with its default JavaScriptEncoder.
    {
        name: 'json-dotnet',
        nonAscii: true,
        del: true,
        upper: true,
        unicodeAscii: '<>&\'"+`',
    },
];
const JSON_DEFAULT = JSON_STYLES[0] ?? { name: 'json' };
const SHORT_ESCAPES = {
    0x08: 'b',
    0x09: 't',
    0x0a: 'n',
    0x0c: 'f',
    0x0d: 'r',
};
function jsonForms(text) {
    const out = JSON_STYLES.map((style) => [style.name, jsonEscape(text, style)]);
    // A JSON document embedded in a JSON string (a logged request body).
    out.push(['json-twice', jsonEscape(jsonEscape(text, JSON_DEFAULT), JSON_DEFAULT)]);
    return out;
}
function jsonEscape(text, style) {
    let out = '';
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        out += code < 0x80 ? jsonAscii(char, code, style) : jsonNonAscii(char, code, style);
    }
    return out;
}
function jsonAscii(char, code, style) {
    const upper = style.upper === true;
    if (style.unicodeAscii?.includes(char) === true)
        return unicodeEscape(code, upper);
    if (char === '"' || char === '\\')
        return `\\${char}`;
    if (char === '/' && style.slash === true)
        return '\\/';
    if (code < 0x20) {
        const short = SHORT_ESCAPES[code];
        if (short !== undefined && (style.short ?? 'bfnrt').includes(short))
            return `\\${short}`;
        return unicodeEscape(code, upper);
    }
    if (code === 0x7f && style.del === true)
        return unicodeEscape(code, upper);
    return char;
}
function jsonNonAscii(char, code, style) {
    const upper = style.upper === true;
    // A lone surrogate cannot be written as UTF-8; JSON.stringify escapes it.
    const lone = code >= 0xd800 && code <= 0xdfff;
    const escaped = lone ||
        style.nonAscii === true ||
        (style.lineSeparators === true && (code === 0x2028 || code === 0x2029)) ||
        (style.nextLine === true && code === 0x85);
    if (!escaped)
        return char;
    if (code <= 0xffff)
        return unicodeEscape(code, upper);
    return unicodeEscape(char.charCodeAt(0), upper) + unicodeEscape(char.charCodeAt(1), upper);
}
function unicodeEscape(code, upper) {
    return `\\u${hexDigits(code, 4, upper)}`;
}
// ---------------------------------------------------------------------------
// Shell quoting.
/** Characters bash's `printf %q` backslash-escapes anywhere in a word. */
const PRINTF_Q_ALWAYS = asciiTable((c) => ' !"$&\'()*,;<>?[\\]^`{|}'.includes(c));
/** ...and only as the first character (`~` also after `=` or `:`). */
const PRINTF_Q_AT_START = asciiTable((c) => c === '#' || c === '~');
/** Characters glibc does not consider printable in a UTF-8 locale; bash writes their bytes in octal. */
// Built on first use, not at load: a \p{Cn} class costs milliseconds to build
// (ICU), and the action's start does not need it (README § Performance).
let bashUnprintable;
const BASH_UNPRINTABLE = () => (bashUnprintable ??= /[\p{Cc}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/u);
const ANSI_C_ESCAPES = {
    0x07: 'a',
    0x08: 'b',
    0x09: 't',
    0x0a: 'n',
    0x0b: 'v',
    0x0c: 'f',
    0x0d: 'r',
    0x1b: 'E',
    0x27: "'",
    0x5c: '\\',
};
function shellForms(text) {
    return [
        // bash printf %q / ${v@Q} for non-printables, in a UTF-8 and in the C locale.
        ['printf-q', printfQ(text, false)],
        ['printf-q-c-locale', printfQ(text, true)],
        // Inside '...': bash ${v@Q}, set -x, most hand-written quoting.
        ['single-quote', text.replace(/'/g, "'\\''")],
        // Python shlex.quote.
        ['single-quote-shlex', text.replace(/'/g, `'"'"'`)],
        // set -x tracing a word that already holds a quoted secret (`${v@Q}`, `printf %q`, eval).
        ['single-quote-twice', text.replace(/'/g, "'\\''").replace(/'/g, "'\\''")],
        ['printf-q-single-quoted', printfQ(text, false).replace(/'/g, "'\\''")],
        // Inside "...": sh, bash, Makefiles.
        ['double-quote', text.replace(/[\\"$`]/g, '\\$&')],
        // PowerShell "...", with the backtick as escape character.
        ['powershell-double-quote', text.replace(/[`"$]/g, '`$&')],
        // PowerShell '...', SQL, YAML single-quoted; also the runner's ExpressionStringEscape.
        ['expression-escape', text.replace(/'/g, "''")],
        // CSV fields (Python csv, Export-Csv); PowerShell "..." also takes `""`.
        ['double-quote-doubled', text.replace(/"/g, '""')],
        // The runner's CommandLineArgumentEscape (docker -e "NAME=value").
        ['command-line-escape', text.replace(/"/g, '\\"')],
        // Backslashes doubled and nothing else (Azure Pipelines agent's BackslashEscape).
        ['backslash-escape', text.replace(/\\/g, '\\\\')],
    ];
}
/** The text between the quotes (or the whole word) that bash's `printf %q` prints. */
function printfQ(text, cLocale) {
    return needsAnsiC(text, cLocale) ? ansiCQuote(text, cLocale) : backslashQuote(text);
}
function needsAnsiC(text, cLocale) {
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        if (code < 0x20 || code === 0x7f)
            return true;
        if (code >= 0x80 && (cLocale || BASH_UNPRINTABLE().test(char)))
            return true;
    }
    return false;
}
function backslashQuote(text) {
    let out = '';
    let previous = '';
    for (const char of text) {
        const code = char.charCodeAt(0);
        const atStart = previous === '' || (char === '~' && (previous === '=' || previous === ':'));
        const escaped = PRINTF_Q_ALWAYS[code] === true || (atStart && PRINTF_Q_AT_START[code] === true);
        out += escaped ? `\\${char}` : char;
        previous = char;
    }
    return out;
}
/** The content of bash's `$'...'`: C escapes, octal for bytes it cannot print. */
function ansiCQuote(text, cLocale) {
    let out = '';
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        const named = ANSI_C_ESCAPES[code];
        if (named !== undefined)
            out += `\\${named}`;
        else if (code >= 0x20 && code < 0x7f)
            out += char;
        else if (code >= 0x80 && !cLocale && !BASH_UNPRINTABLE().test(char))
            out += char;
        else
            out += octalBytes(char);
    }
    return out;
}
function octalBytes(char) {
    let out = '';
    for (const byte of Buffer.from(char, 'utf8'))
        out += `\\${byte.toString(8).padStart(3, '0')}`;
    return out;
}
const XML_STYLES = [
    // Text content only: Python xml.sax.saxutils.escape, html.escape(quote=False).
    { name: 'xml-text', apostrophe: "'", quote: '"' },
    // Attribute values: Java escapeHtml4, Python saxutils.quoteattr content.
    { name: 'xml-quot', apostrophe: "'", quote: '&quot;' },
    // The runner's SecurityElement.Escape; XML 1.0 predefined entities.
    { name: 'xml-apos', apostrophe: '&apos;', quote: '&quot;' },
    // lodash, Ruby CGI, many template engines.
    { name: 'html-39', apostrophe: '&#39;', quote: '&quot;' },
    // Python html.escape, React.
    { name: 'html-x27', apostrophe: '&#x27;', quote: '&quot;' },
    // PHP htmlspecialchars with ENT_QUOTES.
    { name: 'html-039', apostrophe: '&#039;', quote: '&quot;' },
    // Go html.EscapeString and html/template.
    { name: 'html-go', apostrophe: '&#39;', quote: '&#34;' },
];
function xmlForms(text) {
    return XML_STYLES.map((style) => [style.name, xmlEscape(text, style)]);
}
function xmlEscape(text, style) {
    return text.replace(/[&<>"']/g, (c) => {
        if (c === '&')
            return '&amp;';
        if (c === '<')
            return '&lt;';
        if (c === '>')
            return '&gt;';
        return c === '"' ? style.quote : style.apostrophe;
    });
}
// ---------------------------------------------------------------------------
// Programming-language string literals, as debug output prints them.
/** Not printable for Python's str.isprintable and Go's unicode.IsPrint (space excepted). */
// Built on first use, like BASH_UNPRINTABLE.
let literalUnprintable;
const LITERAL_UNPRINTABLE = () => (literalUnprintable ??= /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u);
function literalForms(text) {
    return [
        ['python-repr', pythonRepr(text)],
        ['node-inspect', nodeInspect(text)],
        ['go-quote', goQuote(text)],
    ];
}
/** Content of Python's repr(str) (and so of print(dict)); it picks `"` when that avoids escapes. */
function pythonRepr(text) {
    const escapeApostrophe = text.includes("'") && text.includes('"');
    let out = '';
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        if (char === '\\' || (char === "'" && escapeApostrophe))
            out += `\\${char}`;
        else if (code === 0x09 || code === 0x0a || code === 0x0d)
            out += `\\${SHORT_ESCAPES[code] ?? ''}`;
        else if (code < 0x20 || code === 0x7f)
            out += `\\x${hexDigits(code, 2, false)}`;
        else if (code < 0x80 || !LITERAL_UNPRINTABLE().test(char))
            out += char;
        else
            out += codePointEscape(code, 'x', false);
    }
    return out;
}
/** Content of Node's util.inspect(string): `'`, else `"`, else a backtick, whichever avoids escapes. */
function nodeInspect(text) {
    const escapeApostrophe = text.includes("'") && text.includes('"') && text.includes('`');
    let out = '';
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        const short = code === 0x0b ? undefined : SHORT_ESCAPES[code];
        if (char === '\\' || (char === "'" && escapeApostrophe))
            out += `\\${char}`;
        else if (short !== undefined)
            out += `\\${short}`;
        else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
            out += `\\x${hexDigits(code, 2, true)}`;
        else if (code >= 0xd800 && code <= 0xdfff)
            out += `\\u${hexDigits(code, 4, false)}`;
        else
            out += char;
    }
    return out;
}
/** Content of Go's strconv.Quote / fmt %q. */
function goQuote(text) {
    let out = '';
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        const named = code === 0x27 ? undefined : ANSI_C_ESCAPES[code];
        if (char === '"' || char === '\\')
            out += `\\${char}`;
        else if (named !== undefined && code !== 0x1b)
            out += `\\${named}`;
        else if (code < 0x20 || code === 0x7f)
            out += `\\x${hexDigits(code, 2, false)}`;
        else if (code >= 0xd800 && code <= 0xdfff)
            out += '\\ufffd';
        else if (code < 0x80 || !LITERAL_UNPRINTABLE().test(char))
            out += char;
        else
            out += codePointEscape(code, 'u', false);
    }
    return out;
}
/** `\xHH` (when allowed), `\uHHHH` or `\UHHHHHHHH`, the shortest that fits. */
function codePointEscape(code, smallest, upper) {
    if (smallest === 'x' && code <= 0xff)
        return `\\x${hexDigits(code, 2, upper)}`;
    if (code <= 0xffff)
        return `\\u${hexDigits(code, 4, upper)}`;
    return `\\U${hexDigits(code, 8, upper)}`;
}
// ---------------------------------------------------------------------------
// The runner's PowerShell encoders and the raw text.
function rawForms(text) {
    return [['raw', text]];
}
/**
 * When PowerShell fails on a command holding the secret, it colours the part
 * after the last `&` (or after `&+` and one more character) separately, so
 * the secret appears in two pieces. Same split as the runner's encoders.
 */
function powershellAmpersandForms(text) {
    const plus = text.indexOf('&+');
    const last = text.lastIndexOf('&');
    if (last < 0)
        return [];
    const pre = plus >= 0 ? text.slice(0, plus + 2) : text.slice(0, last + 1);
    const post = plus >= 0 ? text.slice(plus + 3) : text.slice(last + 1);
    return [
        ['powershell-pre-ampersand', pre],
        ['powershell-post-ampersand', post],
    ];
}
/** Encoders that change every text, whatever characters it holds. */
const BYTE_FAMILIES = [rawForms, base64Forms, hexForms];
/**
 * Letters, digits and `-_.` pass unchanged through every escaper below, so a
 * plain token (most credentials) needs only BYTE_FAMILIES.
 */
const PLAIN = /^[A-Za-z0-9_.-]*$/;
const FAMILIES = [
    ...BYTE_FAMILIES,
    percentForms,
    jsonForms,
    shellForms,
    xmlForms,
    literalForms,
    powershellAmpersandForms,
];
// ---------------------------------------------------------------------------
// Small helpers.
const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';
function hexDigits(code, width, upper) {
    const digits = code.toString(16).padStart(width, '0');
    return upper ? digits.toUpperCase() : digits;
}
/** A 128-entry lookup table over ASCII, for per-byte checks without regexes. */
function asciiTable(member) {
    return Array.from({ length: 128 }, (_, code) => member(String.fromCharCode(code)));
}
/** No letter, digit or other meaningful character: only punctuation, symbols, spaces, controls. */
function isPunctuationOnly(text) {
    return !/[^\p{P}\p{S}\p{Z}\p{C}]/u.test(text);
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/masking/scanner.ts
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



/** Bytes of a possible secret after which an idle release prints `***`, not text. */
const RISKY_DEPTH = 8;
const STARS = Buffer.from('***');
const scanner_LF = Buffer.from('\n');
const scanner_CR = Buffer.from('\r');
const EMPTY = Buffer.alloc(0);
/** True for the pieces that stand for masked bytes (`***` and the kept line breaks). */
function isMaskedPiece(piece) {
    return piece === STARS || piece === scanner_LF || piece === scanner_CR;
}
/** Inserts `range` into sorted, disjoint `masks`, merging overlapping and touching ranges. */
function mergeInto(masks, range) {
    const merged = [];
    for (const m of [...masks, range].sort((a, b) => a.start - b.start)) {
        const last = merged[merged.length - 1];
        if (last !== undefined && m.start <= last.end)
            last.end = Math.max(last.end, m.end);
        else
            merged.push({ ...m });
    }
    return merged;
}
class Scanner {
    compiled;
    /** Automaton state handle (0 is the root). */
    state = 0;
    /**
     * Bytes not yet released: `held` (scanned by earlier writes, starting at
     * stream offset `heldFrom`) followed by `chunk` (the write being scanned).
     * Keeping them apart means a chunk is scanned and released in place, never
     * copied: that halves both the time and the garbage per chunk.
     */
    held = EMPTY;
    heldFrom = 0;
    chunk = EMPTY;
    /** Disjoint, sorted ranges still to be replaced, in stream offsets. */
    masks = [];
    runs = [];
    openDetectors = 0;
    /** The last thing released was `***` that a following masked byte extends. */
    starOpen = false;
    /** The byte just before `heldFrom` (-1 before any), for detectors' boundaries. */
    lastReleased = -1;
    out = [];
    /** Stream offset of the first input byte behind each queued piece. */
    outAt = [];
    /**
     * Offsets (as `outAt`) of the pieces the last write, idle or end returned:
     * `merged.ts` routes each piece back to the stream its bytes came from.
     */
    pieceOffsets = [];
    holdLimit;
    /** The decode layer's view of the stream: spans that may hold an encoded secret. */
    spans = new SpanFinder();
    constructor(compiled) {
        this.compiled = compiled;
        this.holdLimit = holdLimitFor(compiled);
    }
    /** Bytes held back right now (for tests and the idle timer). */
    get heldBytes() {
        return this.held.length;
    }
    /** Switches to a new set of secrets; held bytes are scanned again against it. */
    recompile(compiled) {
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
    write(chunk) {
        this.consume(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (this.held.length > this.holdLimit)
            this.releaseHeld();
        return this.takeOutput();
    }
    /**
     * Output went quiet: print what is held so prompts and partial lines appear.
     * If 8 or more held bytes could begin a secret, they come out as `***`; the
     * automaton keeps its place, so the rest of a slowly printed secret is still
     * recognised and masked.
     */
    idle() {
        this.releaseHeld();
        return this.takeOutput();
    }
    /** End of input: a detector run still open is decided; everything is released. */
    end() {
        const end = this.endOffset();
        this.flushSpans(end);
        for (const { run } of this.runs) {
            const range = run.finish(end);
            if (range)
                this.addMask(range.start, range.end);
        }
        this.runs = [];
        this.openDetectors = 0;
        this.release(end);
        return this.takeOutput();
    }
    consume(chunk) {
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
    onSpan = (start, end, dump) => {
        const coverage = this.compiled.coverage;
        if (coverage === undefined)
            return;
        for (const [from, to] of encodedRanges(this.slice(start, end), coverage)) {
            if (dump) {
                this.addMask(start, end);
                return;
            }
            this.addMask(start + from, start + to);
        }
    };
    /** Decides the span still open (output went quiet, or ended) as if it ended here. */
    flushSpans(end) {
        if (this.compiled.coverage !== undefined)
            this.spans.flush(end, this.onSpan);
    }
    /** The not yet released bytes in [start, end), copied only when they straddle held and chunk. */
    slice(start, end) {
        const from = Math.max(start, this.heldFrom);
        const chunkFrom = this.chunkFrom();
        if (from >= chunkFrom)
            return this.chunk.subarray(from - chunkFrom, end - chunkFrom);
        if (end <= chunkFrom)
            return this.held.subarray(from - this.heldFrom, end - this.heldFrom);
        return Buffer.concat([
            this.held.subarray(from - this.heldFrom),
            this.chunk.subarray(0, end - chunkFrom),
        ]);
    }
    chunkFrom() {
        return this.heldFrom + this.held.length;
    }
    endOffset() {
        return this.chunkFrom() + this.chunk.length;
    }
    byteAt(pos) {
        const inChunk = pos - this.chunkFrom();
        return inChunk >= 0 ? this.chunk[inChunk] : this.held[pos - this.heldFrom];
    }
    releaseHeld() {
        const end = this.endOffset();
        if (end === this.heldFrom)
            return;
        this.flushSpans(end);
        const risky = this.depthNow() >= RISKY_DEPTH || this.runs.some(({ run }) => end - run.start >= RISKY_DEPTH);
        if (risky)
            this.addMask(this.heldFrom, end);
        this.release(end);
    }
    scan(buf, base, from, to) {
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
    scanFast(buf, base, from, to) {
        const { kernel } = this.compiled.automaton;
        const hit = kernel.scan(buf, from, to, this.state);
        this.state = kernel.state;
        if (hit < 0)
            return to;
        this.onHit(base + hit);
        return hit + 1;
    }
    /** One byte, any state; open detector runs see it before any new trigger. */
    scanOne(buf, base, i) {
        const automaton = this.compiled.automaton;
        const byte = buf[i];
        const t = automaton.step(this.state, automaton.classOf[byte]);
        this.state = t >>> 1;
        this.feedRuns(byte, base + i);
        if ((t & 1) !== 0)
            this.onHit(base + i);
        return i + 1;
    }
    feedRuns(byte, pos) {
        let kept = 0;
        for (const open of this.runs) {
            const result = open.run.feed(byte, pos);
            if (result === null) {
                this.runs[kept++] = open;
                continue;
            }
            this.openDetectors &= ~(1 << open.detector);
            if (result)
                this.addMask(result.start, result.end);
        }
        this.runs.length = kept;
    }
    /** The state reached at stream offset `pos` ends a secret form, a trigger, or both. */
    onHit(pos) {
        const { out, triggerEnds, idOf } = this.compiled.automaton;
        const id = idOf(this.state);
        const length = out[id];
        if (length > 0)
            this.addMask(this.startOfLast(pos, length), pos + 1);
        for (const { detector: d, length: trigger } of triggerEnds.get(id) ?? []) {
            if ((this.openDetectors & (1 << d)) !== 0)
                continue;
            const detector = this.compiled.detectors[d];
            const start = this.startOfLast(pos, trigger);
            const run = detector.begin(start, pos + 1, this.byteBefore(start));
            if (run === undefined)
                continue;
            this.runs.push({ detector: d, run });
            this.openDetectors |= 1 << d;
        }
    }
    /**
     * The byte before stream offset `pos`: a line break counts as itself; -1 at
     * the start of the stream or when it was released long ago (after an idle
     * release), which detectors take as a boundary.
     */
    byteBefore(pos) {
        if (pos > this.heldFrom)
            return this.byteAt(pos - 1);
        return pos === this.heldFrom ? this.lastReleased : -1;
    }
    /**
     * Stream offset of the first of the last `count` non-line-break bytes ending
     * at `pos`. Before `heldFrom` when some were already released (after an idle
     * release): masks are clamped, but a detector still learns its true length.
     */
    startOfLast(pos, count) {
        let seen = 0;
        for (let k = pos; k >= this.heldFrom; k--) {
            if (isLineBreak(this.byteAt(k)))
                continue;
            if (++seen === count)
                return k;
        }
        return this.heldFrom - (count - seen);
    }
    /** Offset from which bytes must be held: the open partial match or detector run. */
    holdPoint() {
        const end = this.endOffset();
        const depth = this.depthNow();
        let point = depth === 0 ? end : this.startOfLast(end - 1, depth);
        for (const { run } of this.runs)
            point = Math.min(point, run.start);
        if (this.compiled.coverage !== undefined)
            point = Math.min(point, this.spans.openFrom());
        return Math.max(this.heldFrom, point);
    }
    /** Pattern bytes of the partial match the automaton is in. */
    depthNow() {
        const { depth, idOf } = this.compiled.automaton;
        return depth[idOf(this.state)];
    }
    addMask(start, end) {
        const from = Math.max(start, this.heldFrom);
        if (end <= from)
            return;
        const masks = this.masks;
        const last = masks[masks.length - 1];
        // Matches arrive in order of their end, so a new range almost always
        // extends the last one or follows it: keep that O(1).
        if (last === undefined || from > last.end)
            masks.push({ start: from, end });
        else if (from >= last.start)
            last.end = Math.max(last.end, end);
        else
            this.masks = mergeInto(masks, { start: from, end });
    }
    /** Releases the bytes before stream offset `point`, masked; holds the rest. */
    release(point) {
        let pos = this.heldFrom;
        let done = 0;
        for (const m of this.masks) {
            const ms = Math.max(m.start, pos);
            if (ms >= point)
                break;
            const me = Math.min(m.end, point);
            this.emitText(pos, ms);
            this.emitMasked(ms, me);
            pos = me;
            if (m.end > point)
                break;
            done++;
        }
        if (done > 0)
            this.masks.splice(0, done);
        this.emitText(pos, point);
        this.keepFrom(point);
    }
    /** The bytes from `point` on become the held bytes (a copy: small, bounded). */
    keepFrom(point) {
        if (point > this.heldFrom)
            this.lastReleased = this.byteAt(point - 1);
        const chunkFrom = this.chunkFrom();
        const end = this.endOffset();
        if (point >= end)
            this.held = EMPTY;
        else if (point >= chunkFrom)
            this.held = Buffer.from(this.chunk.subarray(point - chunkFrom));
        else
            this.held = Buffer.concat([this.held.subarray(point - this.heldFrom), this.chunk]);
        this.heldFrom = point;
        this.chunk = EMPTY;
    }
    /** Queues the bytes in [from, to) as they are, without copying them. */
    emitText(from, to) {
        if (to <= from)
            return;
        const chunkFrom = this.chunkFrom();
        if (from < chunkFrom) {
            this.out.push(this.held.subarray(from - this.heldFrom, Math.min(to, chunkFrom) - this.heldFrom));
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
    emitMasked(from, to) {
        for (let pos = from; pos < to; pos++) {
            const byte = this.byteAt(pos);
            if (isLineBreak(byte)) {
                this.out.push(byte === 10 ? scanner_LF : scanner_CR);
                this.outAt.push(pos);
                this.starOpen = false;
            }
            else if (!this.starOpen) {
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
    takeOutput() {
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
function holdLimitFor(compiled) {
    return Math.max(256 * 1024, 2 * compiled.automaton.maxPatternLength + 1024);
}

;// CONCATENATED MODULE: ./src/masking/stream.ts
/**
 * The scanner as a Node Transform, plus the one thing bytes alone cannot say:
 * time. When the wrapped command goes quiet with bytes held back (a prompt, a
 * progress line, a secret being printed one character at a time), an idle
 * timer releases them so the log keeps moving, masking them if they could
 * already be 8 or more characters of a secret.
 */


const DEFAULT_IDLE_MS = 50;
class MaskingStream extends external_node_stream_.Transform {
    current;
    idleMs;
    scanner;
    compiled;
    timer;
    /**
     * `current` returns the compiled secrets; a new object means secrets were
     * added. Nothing is compiled before the first byte arrives: building the
     * automaton (tens of ms for a JWT's forms) then overlaps the command's start.
     */
    constructor(current, idleMs = DEFAULT_IDLE_MS) {
        super();
        this.current = current;
        this.idleMs = idleMs;
    }
    _transform(chunk, encoding, done) {
        this.cancelIdle();
        const scanner = this.refresh();
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
        this.emit_(scanner.write(bytes));
        if (scanner.heldBytes > 0)
            this.armIdle();
        done();
    }
    _flush(done) {
        this.cancelIdle();
        this.emit_(this.refresh().end());
        done();
    }
    _destroy(error, done) {
        this.cancelIdle();
        done(error);
    }
    /** Picks up secrets added since the last chunk, before scanning another byte. */
    refresh() {
        const latest = this.current();
        if (this.scanner === undefined)
            this.scanner = new Scanner(latest);
        else if (latest !== this.compiled)
            this.scanner.recompile(latest);
        this.compiled = latest;
        return this.scanner;
    }
    emit_(pieces) {
        for (const piece of pieces)
            if (piece.length > 0)
                this.push(piece);
    }
    armIdle() {
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.emit_(this.refresh().idle());
        }, this.idleMs);
        this.timer.unref();
    }
    cancelIdle() {
        if (this.timer === undefined)
            return;
        clearTimeout(this.timer);
        this.timer = undefined;
    }
}

;// CONCATENATED MODULE: ./src/masking/merged.ts
/**
 * stdout and stderr masked as one log. A CI log shows both streams merged in
 * the order their bytes arrive, so a secret printed half on stdout and half
 * on stderr reads whole there; two separate maskers would each see only half
 * (at most 7 characters of which they may release). Here both streams feed one
 * scanner in arrival order, and every released piece goes back to the stream
 * its first byte came from: a `***` that covers bytes of both appears once,
 * on the stream where the secret began.
 *
 * A stream that ends while some of its bytes are still held (they could be
 * the start of a secret the other stream completes) ends once they are
 * released: by more output, the idle timer, or the other stream's end. So the
 * merged log is exactly what one masker over it would print.
 */



function mergedStreams(current, idleMs = DEFAULT_IDLE_MS) {
    const shared = new SharedScanner(current, idleMs);
    const stdout = new OriginStream(shared, 0);
    const stderr = new OriginStream(shared, 1);
    shared.outputs = [stdout, stderr];
    return { stdout, stderr };
}
class OriginStream extends external_node_stream_.Transform {
    shared;
    origin;
    constructor(shared, origin) {
        super();
        this.shared = shared;
        this.origin = origin;
    }
    _transform(chunk, encoding, done) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
        this.shared.write(this.origin, bytes);
        done();
    }
    _flush(done) {
        this.shared.endOrigin(this.origin, done);
    }
}
class SharedScanner {
    outputs;
    current;
    idleMs;
    scanner;
    compiled;
    segments = [];
    total = 0;
    ended = [false, false];
    /** End of the last byte each stream wrote, in merged offsets. */
    lastEnd = [0, 0];
    /** Flush callbacks of ended streams still waiting for their held bytes. */
    waiting = [undefined, undefined];
    timer;
    constructor(current, idleMs) {
        this.current = current;
        this.idleMs = idleMs;
    }
    write(origin, bytes) {
        if (bytes.length === 0)
            return;
        this.cancelIdle();
        const last = this.segments[this.segments.length - 1];
        this.total += bytes.length;
        this.lastEnd[origin] = this.total;
        if (last?.origin === origin)
            last.end = this.total;
        else
            this.segments.push({ end: this.total, origin });
        const scanner = this.refresh();
        this.route(scanner.write(bytes), scanner.pieceOffsets);
        if (scanner.heldBytes > 0)
            this.armIdle();
        this.finishReleased();
    }
    /** One stream ended; the last one to end ends the scanner. */
    endOrigin(origin, done) {
        this.ended[origin] = true;
        this.waiting[origin] = done;
        if (this.ended[0] && this.ended[1]) {
            this.cancelIdle();
            const scanner = this.refresh();
            this.route(scanner.end(), scanner.pieceOffsets);
        }
        this.finishReleased();
    }
    /** Ends the ended streams whose bytes have all been released. */
    finishReleased() {
        const releasedUpTo = this.total - (this.scanner?.heldBytes ?? 0);
        for (const origin of [0, 1]) {
            const done = this.waiting[origin];
            if (done === undefined || (this.lastEnd[origin] ?? 0) > releasedUpTo)
                continue;
            this.waiting[origin] = undefined;
            done();
        }
    }
    refresh() {
        const latest = this.current();
        if (this.scanner === undefined)
            this.scanner = new Scanner(latest);
        else if (latest !== this.compiled)
            this.scanner.recompile(latest);
        this.compiled = latest;
        return this.scanner;
    }
    /** Sends each piece to the stream its first byte came from; a text piece may straddle two. */
    route(pieces, offsets) {
        pieces.forEach((piece, i) => {
            const at = offsets[i] ?? 0;
            if (!isMaskedPiece(piece))
                this.pushText(piece, at);
            else {
                this.push(this.originAt(at), piece);
                this.dropBefore(at);
            }
        });
    }
    pushText(piece, at) {
        let from = 0;
        while (from < piece.length) {
            const index = this.segmentIndex(at + from);
            const segment = this.segments[index];
            const end = segment === undefined ? piece.length : Math.min(piece.length, segment.end - at);
            this.push(segment?.origin ?? 0, piece.subarray(from, end));
            from = end;
        }
        this.dropBefore(at + piece.length);
    }
    originAt(at) {
        return this.segments[this.segmentIndex(at)]?.origin ?? 0;
    }
    segmentIndex(at) {
        let i = 0;
        while (i < this.segments.length - 1 && (this.segments[i]?.end ?? 0) <= at)
            i++;
        return i;
    }
    /** Segments wholly released are forgotten, keeping the list short. */
    dropBefore(offset) {
        let drop = 0;
        while (drop < this.segments.length - 1 && (this.segments[drop]?.end ?? 0) <= offset)
            drop++;
        if (drop > 0)
            this.segments.splice(0, drop);
    }
    push(origin, piece) {
        if (piece.length > 0)
            this.outputs?.[origin].push(piece);
    }
    armIdle() {
        this.timer = setTimeout(() => {
            this.timer = undefined;
            const scanner = this.refresh();
            this.route(scanner.idle(), scanner.pieceOffsets);
            this.finishReleased();
        }, this.idleMs);
        this.timer.unref();
    }
    cancelIdle() {
        if (this.timer === undefined)
            return;
        clearTimeout(this.timer);
        this.timer = undefined;
    }
}

;// CONCATENATED MODULE: ./src/masking/masker.ts








/**
 * Windows of a secret are registered every WINDOW_STRIDE characters (the last
 * one always): stride 2 keeps any 9 consecutive characters of a secret out of
 * the output for a third fewer patterns than stride 1, which matters because
 * windows starting everywhere would fill the kernel's skip filter.
 */
const WINDOW_STRIDE = 2;
function createMasker(options = {}) {
    const detectors = options.detectors === false ? [] : DETECTORS;
    const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    const warn = options.onWarning ?? (() => undefined);
    const secrets = new Set();
    let compiled;
    const current = () => {
        compiled ??= masker_compile([...secrets], detectors);
        return compiled;
    };
    const add = (secret) => {
        if (secret.length === 0 || secrets.has(secret))
            return;
        const warning = (0,masking_length/* shortSecretWarning */.Hu)(secret);
        if (warning !== undefined)
            warn(warning);
        secrets.add(secret);
        compiled = undefined;
    };
    for (const secret of options.secrets ?? [])
        add(secret);
    return {
        add,
        stream: () => new MaskingStream(current, idleMs),
        mergedStreams: () => mergedStreams(current, idleMs),
        maskText(text) {
            const scanner = new Scanner(current());
            const pieces = [...scanner.write(Buffer.from(text)), ...scanner.end()];
            return Buffer.concat(pieces).toString();
        },
        get size() {
            return secrets.size;
        },
    };
}
function masker_compile(secrets, detectors) {
    const patterns = [];
    for (const secret of secrets) {
        for (const form of secretForms(secret))
            patterns.push({ bytes: form.bytes });
        for (const source of windowSources(secret)) {
            for (const window of secretWindows(source, WINDOW_STRIDE))
                patterns.push({ bytes: window });
        }
    }
    detectors.forEach((detector, index) => {
        for (const trigger of detector.triggers) {
            patterns.push({ bytes: Buffer.from(trigger), triggers: 1 << index });
        }
    });
    const automaton = buildAutomaton(patterns);
    // With no secret registered the decode layer has nothing to find: off.
    return {
        automaton,
        detectors,
        coverage: secrets.length > 0 ? coverageOf(automaton) : undefined,
    };
}


/***/ })

};

//# sourceMappingURL=541.index.js.map