/**
 * A minimal WebAssembly assembler: the opcodes and encodings the masking
 * kernels (`kernel.ts`, `span-kernel.ts`) are written in. Nothing here runs
 * anything; the kernels assemble their modules from these on first use.
 */

/** The part of the WebAssembly JS API used here (Node has it; TS's ES libs do not declare it). */
export interface WasmApi {
  Memory: new (limits: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

export function webAssembly(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

export const I32 = 0x7f;
// prettier-ignore
export const op = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c,
  brIf: 0x0d, return: 0x0f, call: 0x10, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, globalSet: 0x24,
  i32Load: 0x28, i32Load8u: 0x2d, i32Load16u: 0x2f, i32Store: 0x36, i32Const: 0x41,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a,
  i32LeU: 0x4d, i32GeS: 0x4e, i32GeU: 0x4f,
  i32Clz: 0x67, i32Ctz: 0x68, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73,
  i32Shl: 0x74, i32ShrU: 0x76, void: 0x40,
} as const;

export const V128 = 0x7b;
/** SIMD instructions: the 0xfd prefix, then their number. */
// prettier-ignore
export const simdOp = {
  load: 0x00, const: 0x0c, swizzle: 0x0e, splat: 0x0f, eq: 0x23, leU: 0x2a,
  not: 0x4d, and: 0x4e, or: 0x50, bitmask: 0x64, shrU: 0x6d,
} as const;

/** One SIMD instruction (`load` takes a memory argument: use `v128Load`). */
export const simd = (code: number): number[] => [0xfd, ...unsignedLeb(code)];
export const v128Load = (offset: number): number[] => [
  ...simd(simdOp.load),
  0,
  ...unsignedLeb(offset),
];
/** A v128 constant of 16 bytes. */
export const v128 = (bytes: readonly number[]): number[] => [...simd(simdOp.const), ...bytes];

export function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const vec = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
export const name = (text: string): number[] => [...unsignedLeb(text.length), ...Buffer.from(text)];
export const section = (id: number, body: number[]): number[] => [
  id,
  ...unsignedLeb(body.length),
  ...body,
];
export const get = (local: number): number[] => [op.localGet, local];
export const set = (local: number): number[] => [op.localSet, local];
export const konst = (value: number): number[] => [op.i32Const, ...signedLeb(value)];
export const load8 = (offset: number): number[] => [op.i32Load8u, 0, ...unsignedLeb(offset)];
export const load16 = (offset: number): number[] => [op.i32Load16u, 0, ...unsignedLeb(offset)];
export const load32 = (offset: number, alignLog2: number): number[] => [
  op.i32Load,
  alignLog2,
  ...unsignedLeb(offset),
];
export const store32 = (offset: number): number[] => [op.i32Store, 2, ...unsignedLeb(offset)];
export const inc = (local: number): number[] => [
  ...get(local),
  ...konst(1),
  op.i32Add,
  ...set(local),
];
