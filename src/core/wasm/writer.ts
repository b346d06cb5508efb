// A minimal WebAssembly binary writer: just what the hand-written kernels in this folder need
// (one imported memory, functions of i32 parameters, no results). Writing the few hundred bytes
// of a kernel here keeps the build free of a WAT toolchain and lets the same source emit a
// relaxed-SIMD and a plain-SIMD variant.

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128. */
export function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const ValType = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

const simd = (opcode: number): number[] => [0xfd, ...u32(opcode)];
/** memarg: alignment exponent, then offset. */
const mem = (align: number, offset: number): number[] => [align, ...u32(offset)];

/** Instructions as byte sequences (https://webassembly.github.io/spec/core/binary/instructions.html). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...u32(depth)],
  brIf: (depth: number) => [0x0d, ...u32(depth)],
  get: (local: number) => [0x20, ...u32(local)],
  set: (local: number) => [0x21, ...u32(local)],
  tee: (local: number) => [0x22, ...u32(local)],
  i32: (n: number) => [0x41, ...s32(n)],
  i32Eqz: [0x45],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  v128Load: (offset = 0) => [...simd(0x00), ...mem(4, offset)],
  v128Load32Splat: (offset = 0) => [...simd(0x09), ...mem(2, offset)],
  v128Store: (offset = 0) => [...simd(0x0b), ...mem(4, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f32x4Max: simd(0xe9),
  /** Relaxed SIMD: a·b + c, fused where the CPU has FMA (x86 FMA3, Arm NEON). */
  f32x4RelaxedMadd: simd(0x105),
};

export interface FunctionDef {
  name: string;
  params: ValType[];
  locals: ValType[];
  body: number[];
}

function vector(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/** A module importing `env.memory` and exporting `functions` (each with no result). */
export function writeModule(functions: FunctionDef[]): Uint8Array<ArrayBuffer> {
  const types = section(1, vector(functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0])));
  const imports = section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, ...u32(1)]]));
  const declared = section(3, vector(functions.map((_, i) => u32(i))));
  const exports = section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...u32(i)])));
  const code = section(
    10,
    vector(
      functions.map((f) => {
        const body = [...vector(f.locals.map((t) => [1, t])), ...f.body, ...op.end];
        return [...u32(body.length), ...body];
      }),
    ),
  );
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...declared, ...exports, ...code]);
}
