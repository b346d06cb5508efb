// A single-threaded f32 matrix product in hand-written WebAssembly SIMD, for latency-bound work
// (one text as the user types; see encoders/use-lite-cpu.ts).
//
// Why our own: tfjs-backend-wasm's XNNPACK build has no fused multiply-add (WASM SIMD had none
// when it was built), so a product costs a multiply and an add per lane. Relaxed SIMD's
// f32x4.relaxed_madd compiles to one FMA on x86 (FMA3) and Arm. Measured in Chromium 156 on the
// 2-core EPYC build machine, one thread, 40 × 512 · 512 × 1536 + bias: this kernel 1.22 ms
// (51.6 GFLOP/s) with relaxed SIMD and 1.46 ms (43 GFLOP/s) without, where the encoder's eight
// XNNPACK products of a 40-token text ran at ~26 GFLOP/s. Browsers without relaxed SIMD get the
// plain-SIMD variant of the same code; without SIMD there is no kernel (null) and callers keep tfjs.
//
// Layout: C[M, N] = A[M, K] · B + bias, optionally ReLU'd. A and C are row-major with row strides
// (lda, ldc, in floats); B is packed once into panels of 8 columns, [N/8][K][8], so the inner loop
// reads B contiguously and a panel (K × 8 floats, 16 KB at K = 512) stays in L1 while every block
// of 4 rows of A passes over it. The micro-kernel keeps a 4 × 8 block of C in 8 SIMD registers.
import { ArgumentError } from '../errors';
import { op, ValType, writeModule, type FunctionDef } from './writer';

/** Rows of A (and C) per micro-kernel step: M must be a multiple. */
export const GEMM_ROWS = 4;
/** Columns per packed panel: N must be a multiple. */
export const GEMM_COLS = 8;

function gemmFunction(fma: boolean): FunctionDef {
  const P = { a: 0, lda: 1, bp: 2, K: 3, c: 4, ldc: 5, M: 6, N: 7, bias: 8, relu: 9 };
  let next = 10;
  const local = () => next++;
  const jb = local(), i = local(), k = local(), pb = local(), panel = local(), pc = local(), aStride = local(), cStride = local();
  const pa = Array.from({ length: GEMM_ROWS }, local);
  const b0 = local(), b1 = local(), x = local();
  const acc = Array.from({ length: GEMM_ROWS * 2 }, local);
  const locals: ValType[] = [...new Array<ValType>(8 + GEMM_ROWS).fill(ValType.i32), ...new Array<ValType>(3 + GEMM_ROWS * 2).fill(ValType.v128)];

  const body: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) body.push(...p);
  };
  emit(op.get(P.lda), op.i32(2), op.i32Shl, op.set(aStride), op.get(P.ldc), op.i32(2), op.i32Shl, op.set(cStride));
  // for (jb = 0; jb < N; jb += 8): one panel of B, i.e. 8 columns of C
  emit(op.i32(0), op.set(jb), op.block, op.loop, op.get(jb), op.get(P.N), op.i32GeU, op.brIf(1));
  emit(op.get(P.bp), op.get(jb), op.get(P.K), op.i32Mul, op.i32(2), op.i32Shl, op.i32Add, op.set(panel));
  // for (i = 0; i < M; i += 4): one 4 × 8 block of C
  emit(op.i32(0), op.set(i), op.block, op.loop, op.get(i), op.get(P.M), op.i32GeU, op.brIf(1));
  emit(op.get(P.a), op.get(i), op.get(aStride), op.i32Mul, op.i32Add, op.set(pa[0]!));
  for (let r = 1; r < GEMM_ROWS; r++) emit(op.get(pa[r - 1]!), op.get(aStride), op.i32Add, op.set(pa[r]!));
  // The accumulators start at the bias.
  emit(op.get(P.bias), op.get(jb), op.i32(2), op.i32Shl, op.i32Add, op.tee(pb), op.v128Load(0), op.set(b0), op.get(pb), op.v128Load(16), op.set(b1));
  for (let r = 0; r < GEMM_ROWS; r++) emit(op.get(b0), op.set(acc[2 * r]!), op.get(b1), op.set(acc[2 * r + 1]!));
  // for (k = K; k > 0; k--): C[i..i+4, jb..jb+8] += A[i..i+4, k] ⊗ B[k, jb..jb+8]
  emit(op.get(panel), op.set(pb), op.get(P.K), op.set(k), op.block, op.loop, op.get(k), op.i32Eqz, op.brIf(1));
  emit(op.get(pb), op.v128Load(0), op.set(b0), op.get(pb), op.v128Load(16), op.set(b1));
  for (let r = 0; r < GEMM_ROWS; r++) {
    emit(op.get(pa[r]!), op.v128Load32Splat(0), op.set(x));
    for (const [half, b] of [[0, b0], [1, b1]] as const) {
      const a = acc[2 * r + half]!;
      if (fma) emit(op.get(x), op.get(b), op.get(a), op.f32x4RelaxedMadd, op.set(a));
      else emit(op.get(a), op.get(x), op.get(b), op.f32x4Mul, op.f32x4Add, op.set(a));
    }
    emit(op.get(pa[r]!), op.i32(4), op.i32Add, op.set(pa[r]!));
  }
  emit(op.get(pb), op.i32(32), op.i32Add, op.set(pb), op.get(k), op.i32(1), op.i32Sub, op.set(k), op.br(0), op.end, op.end);
  emit(op.get(P.relu), op.if);
  for (const a of acc) emit(op.get(a), op.v128Zero, op.f32x4Max, op.set(a));
  emit(op.end);
  emit(op.get(P.c), op.get(i), op.get(cStride), op.i32Mul, op.i32Add, op.get(jb), op.i32(2), op.i32Shl, op.i32Add, op.set(pc));
  for (let r = 0; r < GEMM_ROWS; r++) {
    emit(op.get(pc), op.get(acc[2 * r]!), op.v128Store(0), op.get(pc), op.get(acc[2 * r + 1]!), op.v128Store(16));
    if (r < GEMM_ROWS - 1) emit(op.get(pc), op.get(cStride), op.i32Add, op.set(pc));
  }
  emit(op.get(i), op.i32(GEMM_ROWS), op.i32Add, op.set(i), op.br(0), op.end, op.end);
  emit(op.get(jb), op.i32(GEMM_COLS), op.i32Add, op.set(jb), op.br(0), op.end, op.end);
  return { name: 'gemm', params: new Array<ValType>(10).fill(ValType.i32), locals, body };
}

export type GemmVariant = 'relaxed-simd' | 'simd';

/** The module's bytes for a variant (exported for tests). */
export function gemmModuleBytes(variant: GemmVariant): Uint8Array<ArrayBuffer> {
  return writeModule([gemmFunction(variant === 'relaxed-simd')]);
}

/** The best variant this engine validates, or null (no WASM SIMD). */
export function bestGemmVariant(): GemmVariant | null {
  if (typeof WebAssembly === 'undefined') return null;
  for (const v of ['relaxed-simd', 'simd'] as const) if (WebAssembly.validate(gemmModuleBytes(v))) return v;
  return null;
}

type GemmFn = (a: number, lda: number, bp: number, k: number, c: number, ldc: number, m: number, n: number, bias: number, relu: number) => void;

/**
 * A WebAssembly memory with the kernel and a bump allocator. Addresses are byte offsets into
 * `memory`; `f32` is a view over all of it (renewed when the memory grows).
 */
export class WasmGemm {
  f32: Float32Array;
  private top = 64; // address 0 stays unused, so a zero address is never a real buffer
  private readonly zeros: number;

  private constructor(
    readonly variant: GemmVariant,
    private readonly memory: WebAssembly.Memory,
    private readonly fn: GemmFn,
    private readonly maxZeroBias: number,
  ) {
    this.f32 = new Float32Array(memory.buffer);
    this.zeros = this.alloc(maxZeroBias);
  }

  /** Compiles the kernel (null without WASM SIMD). `zeroBias`: the widest N run without a bias. */
  static async create(initialBytes: number, zeroBias = 4096, variant: GemmVariant | null = bestGemmVariant()): Promise<WasmGemm | null> {
    if (!variant) return null;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((initialBytes + zeroBias * 4 + 1024) / 65536) });
    const { instance } = await WebAssembly.instantiate(gemmModuleBytes(variant), { env: { memory } });
    return new WasmGemm(variant, memory, instance.exports.gemm as GemmFn, zeroBias);
  }

  /** `floats` zeroed floats, 16-byte aligned; returns the address. */
  alloc(floats: number): number {
    const address = this.top;
    this.top = (address + floats * 4 + 15) & ~15;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) {
      this.memory.grow(Math.ceil(need / 65536));
      this.f32 = new Float32Array(this.memory.buffer);
    }
    return address;
  }

  /** Copies `data` (row-major [rows, cols]) into memory and returns its address. */
  put(data: Float32Array): number {
    const address = this.alloc(data.length);
    this.f32.set(data, address / 4);
    return address;
  }

  /** Packs a row-major weight W [K, N] into the panel layout; returns its address. */
  packB(w: Float32Array, K: number, N: number): number {
    if (N % GEMM_COLS !== 0 || w.length !== K * N) throw new ArgumentError(`packB needs N a multiple of ${GEMM_COLS} and ${K}×${N} values; got N ${N}, ${w.length} values`);
    const address = this.alloc(K * N);
    this.packInto(address, w, K, N, N, 0);
    return address;
  }

  /**
   * Packs columns [col0, col0 + N) of a row-major matrix with row stride `ld` (floats) and K rows,
   * read from memory at `src` (an address) or from `w`, into the panel layout at `dst`.
   */
  packInto(dst: number, w: Float32Array | number, K: number, N: number, ld: number, col0: number): void {
    const out = this.f32;
    const src = typeof w === 'number' ? out : w;
    const base = typeof w === 'number' ? w / 4 : 0;
    let o = dst / 4;
    for (let jb = 0; jb < N; jb += GEMM_COLS) {
      for (let k = 0; k < K; k++) {
        const row = base + k * ld + col0 + jb;
        for (let j = 0; j < GEMM_COLS; j++) out[o++] = src[row + j]!;
      }
    }
  }

  /**
   * Packs `scale` × the transpose of rows [0, N) × columns [col0, col0 + K) of a row-major matrix
   * in memory at `src` (row stride `ld`): B = scale·Xᵀ (attention's keys).
   */
  packTransposedInto(dst: number, src: number, K: number, N: number, ld: number, col0: number, scale = 1): void {
    const f = this.f32;
    const base = src / 4 + col0;
    let o = dst / 4;
    for (let jb = 0; jb < N; jb += GEMM_COLS) {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < GEMM_COLS; j++) f[o++] = f[base + (jb + j) * ld + k]! * scale;
      }
    }
  }

  /** C = A·B (+ bias) (ReLU), addresses as above; M a multiple of 4, N of 8. bias 0: none. */
  gemm(a: number, lda: number, bPacked: number, K: number, c: number, ldc: number, M: number, N: number, bias = 0, relu = false): void {
    if (M % GEMM_ROWS !== 0 || N % GEMM_COLS !== 0) throw new ArgumentError(`gemm needs M a multiple of ${GEMM_ROWS} and N of ${GEMM_COLS}; got M ${M}, N ${N}`);
    if (bias === 0 && N > this.maxZeroBias) throw new ArgumentError(`gemm without a bias supports N up to ${this.maxZeroBias}; got N ${N}`);
    this.fn(a, lda, bPacked, K, c, ldc, M, N, bias === 0 ? this.zeros : bias, relu ? 1 : 0);
  }
}
