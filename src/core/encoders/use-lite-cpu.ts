// USE-lite's forward pass for one window of tokens at a time, on the CPU in our own WebAssembly
// matrix kernel (core/wasm/gemm.ts) with the small element-wise steps in JavaScript: the
// playground's path. The same arithmetic as UseLiteEncoder.forward (see use-lite.ts for the
// architecture), checked against it in tests/unit/use-lite-cpu.test.ts.
//
// Why: a 30-word text is ~155 M multiply-adds; tfjs-backend-wasm's XNNPACK products run at
// ~26 GFLOP/s on one core here, and on several threads a prediction after a typing pause pays for
// waking the idle cores at every kernel (28 ms p50 after 250 ms idle vs 9.7 ms back to back on 2
// threads). This path is one thread, no tfjs dispatch, and fused multiply-adds where the browser
// has relaxed SIMD. It holds a second copy of the weights (~20 MB packed + the 8 MB embedding
// table), made once per set of weights.
import { GEMM_COLS, GEMM_ROWS, WasmGemm } from '../wasm/gemm';

export interface UseLiteCpuLayer {
  heads: number;
  headDim: number;
  queryScale: number;
  ln1Scale: Float32Array;
  ln1Bias: Float32Array;
  qkvKernel: Float32Array;
  qkvBias: Float32Array;
  outKernel: Float32Array;
  outBias: Float32Array;
  residualKernel: Float32Array | null;
  residualBias: Float32Array | null;
  ln2Scale: Float32Array;
  ln2Bias: Float32Array;
  ffn1Kernel: Float32Array;
  ffn1Bias: Float32Array;
  ffn2Kernel: Float32Array;
  ffn2Bias: Float32Array;
}

/** Current weight values (CPU copies) and constants of a UseLiteEncoder. */
export interface UseLiteCpuWeights {
  embeddings: Float32Array;
  embDim: number;
  hidden: number;
  ffnWidth: number;
  dim: number;
  maxSeqLength: number;
  /** [maxSeqLength, embDim] */
  timingTable: Float32Array;
  layers: UseLiteCpuLayer[];
  tanhKernel: Float32Array;
  tanhBias: Float32Array;
  epsilon: number;
  paddingBias: number;
  l2Epsilon: number;
}

interface PackedLayer {
  src: UseLiteCpuLayer;
  width: number;
  qkvKernel: number;
  qkvBias: number;
  outKernel: number;
  outBias: number;
  residualKernel: number;
  residualBias: number;
  ffn1Kernel: number;
  ffn1Bias: number;
  ffn2Kernel: number;
  ffn2Bias: number;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

export class UseLiteCpu {
  private readonly layers: PackedLayer[];
  private readonly tanhKernel: number;
  private readonly tanhBias: number;
  /** Scratch, sized for the longest window (rows padded to a multiple of 8). */
  private readonly buf: Record<'x' | 'normed' | 'qkv' | 'merged' | 'y' | 'inner' | 'scores' | 'keys' | 'values' | 'keyBias' | 'pooledIn' | 'pooledOut' | 'tanhIn' | 'tanhOut', number>;

  private constructor(
    private readonly w: UseLiteCpuWeights,
    private readonly g: WasmGemm,
  ) {
    const { hidden, ffnWidth, dim, maxSeqLength } = w;
    this.layers = w.layers.map((l, i) => {
      const width = i === 0 ? w.embDim : hidden;
      return {
        src: l,
        width,
        qkvKernel: g.packB(l.qkvKernel, width, 3 * width),
        qkvBias: g.put(l.qkvBias),
        outKernel: g.packB(l.outKernel, width, hidden),
        outBias: g.put(l.outBias),
        residualKernel: l.residualKernel ? g.packB(l.residualKernel, width, hidden) : 0,
        residualBias: l.residualBias ? g.put(l.residualBias) : 0,
        ffn1Kernel: g.packB(l.ffn1Kernel, hidden, ffnWidth),
        ffn1Bias: g.put(l.ffn1Bias),
        ffn2Kernel: g.packB(l.ffn2Kernel, ffnWidth, hidden),
        ffn2Bias: g.put(l.ffn2Bias),
      };
    });
    this.tanhKernel = g.packB(w.tanhKernel, hidden, dim);
    this.tanhBias = g.put(w.tanhBias);
    const rows = roundUp(maxSeqLength, GEMM_COLS);
    const widest = Math.max(w.embDim, hidden);
    const maxHeadDim = Math.max(...w.layers.map((l) => l.headDim));
    this.buf = {
      x: g.alloc(rows * widest),
      normed: g.alloc(rows * widest),
      qkv: g.alloc(rows * 3 * widest),
      merged: g.alloc(rows * widest),
      y: g.alloc(rows * hidden),
      inner: g.alloc(rows * ffnWidth),
      scores: g.alloc(rows * rows),
      keys: g.alloc(maxHeadDim * rows),
      values: g.alloc(rows * maxHeadDim),
      keyBias: g.alloc(rows),
      // One-row products (the pooled text) run as GEMM_ROWS rows; rows after the first stay zero.
      pooledIn: g.alloc(GEMM_ROWS * ffnWidth),
      pooledOut: g.alloc(GEMM_ROWS * hidden),
      tanhIn: g.alloc(GEMM_ROWS * hidden),
      tanhOut: g.alloc(GEMM_ROWS * dim),
    };
  }

  /** Whether these shapes fit the kernel (widths multiples of 8); otherwise callers keep tfjs. */
  static fits(w: UseLiteCpuWeights): boolean {
    const m = (n: number) => n % GEMM_COLS === 0;
    return m(w.embDim) && m(w.hidden) && m(w.ffnWidth) && m(w.dim) && w.layers.every((l) => m(l.headDim));
  }

  /** Packs the weights into a new kernel memory; null where the browser has no WASM SIMD or the shapes do not fit. */
  static async create(w: UseLiteCpuWeights): Promise<UseLiteCpu | null> {
    if (!UseLiteCpu.fits(w)) return null;
    const weights = w.layers.reduce((s, l) => s + l.qkvKernel.length + l.outKernel.length + (l.residualKernel?.length ?? 0) + l.ffn1Kernel.length + l.ffn2Kernel.length, w.tanhKernel.length);
    const g = await WasmGemm.create(weights * 4 + (8 << 20), Math.max(w.ffnWidth, w.hidden, w.dim, w.maxSeqLength + GEMM_COLS));
    return g ? new UseLiteCpu(w, g) : null;
  }

  get variant(): string {
    return this.g.variant;
  }

  /** The unit-length embedding of one window of token ids (1..maxSeqLength of them). */
  embed(ids: readonly number[]): Float32Array {
    const { w, g, buf } = this;
    const T = ids.length;
    if (T < 1 || T > w.maxSeqLength) throw new RangeError(`a window holds 1..${w.maxSeqLength} tokens; got ${T}`);
    const rows = roundUp(T, GEMM_COLS);
    const f = g.f32;
    const { embDim, hidden, ffnWidth } = w;

    // x = e + (e + timing), rows past the text zero (they stay finite through every layer and are
    // masked as keys and left out of the pooling).
    const x0 = buf.x / 4;
    f.fill(0, x0, x0 + rows * embDim);
    for (let t = 0; t < T; t++) {
      const e = ids[t]! * embDim;
      const p = t * embDim;
      for (let d = 0; d < embDim; d++) {
        const v = w.embeddings[e + d]!;
        f[x0 + p + d] = v + Math.fround(v + w.timingTable[p + d]!);
      }
    }
    const kb = buf.keyBias / 4;
    for (let j = 0; j < rows; j++) f[kb + j] = j < T ? 0 : w.paddingBias;

    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const L = this.layers[l]!;
      const width = L.width;
      const { heads, headDim, queryScale } = L.src;
      layerNorm(f, buf.x / 4, buf.normed / 4, rows, width, L.src.ln1Scale, L.src.ln1Bias, w.epsilon);
      g.gemm(buf.normed, width, L.qkvKernel, width, buf.qkv, 3 * width, rows, 3 * width, L.qkvBias);
      for (let h = 0; h < heads; h++) {
        // scores = q · (scale·k)ᵀ + key bias; softmax by row; merged[:, head] = p · v
        g.packTransposedInto(buf.keys, buf.qkv, headDim, rows, 3 * width, width + h * headDim, queryScale);
        g.gemm(buf.qkv + h * headDim * 4, 3 * width, buf.keys, headDim, buf.scores, rows, rows, rows, buf.keyBias);
        softmaxRows(f, buf.scores / 4, rows, rows);
        g.packInto(buf.values, buf.qkv, rows, headDim, 3 * width, 2 * width + h * headDim);
        g.gemm(buf.scores, rows, buf.values, rows, buf.merged + h * headDim * 4, width, rows, headDim);
      }
      // y = merged·Wo + bo + residual(x)
      g.gemm(buf.merged, width, L.outKernel, width, buf.y, hidden, rows, hidden, L.outBias);
      if (L.residualKernel !== 0) {
        g.gemm(buf.x, width, L.residualKernel, width, buf.normed, hidden, rows, hidden, L.residualBias);
        addInto(f, buf.y / 4, buf.normed / 4, rows * hidden);
      } else {
        addInto(f, buf.y / 4, buf.x / 4, rows * hidden);
      }
      layerNorm(f, buf.y / 4, buf.normed / 4, rows, hidden, L.src.ln2Scale, L.src.ln2Bias, w.epsilon);
      g.gemm(buf.normed, hidden, L.ffn1Kernel, hidden, buf.inner, ffnWidth, rows, ffnWidth, L.ffn1Bias, true);
      if (l < last) {
        g.gemm(buf.inner, ffnWidth, L.ffn2Kernel, ffnWidth, buf.x, hidden, rows, hidden, L.ffn2Bias);
        addInto(f, buf.x / 4, buf.y / 4, rows * hidden);
        continue;
      }
      // The last layer fused with the mean pooling (as lastLayerPooled): Σ_t(h_t·W + b) = (Σ_t h_t)·W + T·b.
      sumRows(f, buf.inner / 4, T, ffnWidth, buf.pooledIn / 4);
      g.gemm(buf.pooledIn, ffnWidth, L.ffn2Kernel, ffnWidth, buf.pooledOut, hidden, GEMM_ROWS, hidden);
      const po = buf.pooledOut / 4;
      const ti = buf.tanhIn / 4;
      const b2 = L.src.ffn2Bias;
      const y = buf.y / 4;
      for (let d = 0; d < hidden; d++) {
        let sy = 0;
        for (let t = 0; t < T; t++) sy += f[y + t * hidden + d]!;
        f[ti + d] = (f[po + d]! + T * b2[d]! + sy) / T;
      }
    }
    g.gemm(buf.tanhIn, hidden, this.tanhKernel, hidden, buf.tanhOut, w.dim, GEMM_ROWS, w.dim, this.tanhBias);
    const out = new Float32Array(w.dim);
    const to = buf.tanhOut / 4;
    let sq = 0;
    for (let d = 0; d < w.dim; d++) {
      const v = Math.tanh(f[to + d]!);
      out[d] = v;
      sq += v * v;
    }
    const inv = 1 / Math.sqrt(Math.max(sq, w.l2Epsilon));
    for (let d = 0; d < w.dim; d++) out[d]! *= inv;
    return out;
  }
}

/** γ·(x − μ)/√(σ² + ε) + β over each row of x [rows, width] (float offsets into f). */
function layerNorm(f: Float32Array, x: number, out: number, rows: number, width: number, gamma: Float32Array, beta: Float32Array, epsilon: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    let mean = 0;
    for (let d = 0; d < width; d++) mean += f[x + o + d]!;
    mean /= width;
    let variance = 0;
    for (let d = 0; d < width; d++) {
      const c = f[x + o + d]! - mean;
      variance += c * c;
    }
    const inv = 1 / Math.sqrt(variance / width + epsilon);
    for (let d = 0; d < width; d++) f[out + o + d] = (f[x + o + d]! - mean) * inv * gamma[d]! + beta[d]!;
  }
}

function softmaxRows(f: Float32Array, s: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = s + r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, f[o + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(f[o + j]! - max);
      f[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) f[o + j]! *= inv;
  }
}

function addInto(f: Float32Array, dst: number, src: number, n: number): void {
  for (let i = 0; i < n; i++) f[dst + i]! += f[src + i]!;
}

/** out[0, :] = Σ of the first `rows` rows of x [*, width]. */
function sumRows(f: Float32Array, x: number, rows: number, width: number, out: number): void {
  f.fill(0, out, out + width);
  for (let t = 0; t < rows; t++) {
    const o = x + t * width;
    for (let d = 0; d < width; d++) f[out + d]! += f[o + d]!;
  }
}
