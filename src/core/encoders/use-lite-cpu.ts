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
import { bestGemmVariant, GEMM_COLS, GEMM_ROWS, WasmGemm, type GemmVariant } from '../wasm/gemm';

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
  /** The small parameters (layer norms, biases); the kernels are packed in the kernel's memory. */
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

/** Rows a window takes in a chunk: its tokens, padded to a whole panel of keys. */
export const windowRows = (tokens: number) => roundUp(tokens, GEMM_COLS);

/**
 * Rows of one embedWindows call (windows stacked, each padded to a multiple of 8): the dense
 * products run on all of them at once, so short windows share each pass over the weights.
 * 512 rows hold four full 128-token windows; the largest buffer is then 3 MB.
 */
export const CPU_CHUNK_ROWS = 512;

export class UseLiteCpu {
  private readonly layers: PackedLayer[];
  private readonly tanhKernel: number;
  private readonly tanhBias: number;
  readonly maxRows: number;
  /** Windows per embedWindows call. */
  readonly maxWindows: number;
  /** Scratch for one chunk of rows; the pooled buffers hold one row per window. */
  private readonly buf: Record<'x' | 'normed' | 'qkv' | 'merged' | 'y' | 'inner' | 'scores' | 'keys' | 'values' | 'keyBias' | 'pooledIn' | 'pooledOut' | 'tanhIn' | 'tanhOut', number>;

  private readonly w: UseLiteCpuWeights;

  private constructor(
    w: UseLiteCpuWeights,
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
    // The kernels now live packed in the kernel's memory: drop the CPU copies (~20 MB).
    const none = new Float32Array(0);
    for (const L of this.layers) L.src = { ...L.src, qkvKernel: none, outKernel: none, residualKernel: null, ffn1Kernel: none, ffn2Kernel: none };
    this.w = { ...w, tanhKernel: none, layers: [] };
    const longest = windowRows(maxSeqLength);
    this.maxRows = Math.max(CPU_CHUNK_ROWS, longest);
    const rows = this.maxRows;
    // One pooled row per window: as many windows as full 8-row windows fit (an empty window takes
    // no rows, so the window count is limited separately), in whole blocks of GEMM_ROWS.
    this.maxWindows = roundUp(rows / GEMM_COLS, GEMM_ROWS);
    const pooledRows = this.maxWindows;
    const widest = Math.max(w.embDim, hidden);
    const maxHeadDim = Math.max(...w.layers.map((l) => l.headDim));
    this.buf = {
      x: g.alloc(rows * widest),
      normed: g.alloc(rows * widest),
      qkv: g.alloc(rows * 3 * widest),
      merged: g.alloc(rows * widest),
      y: g.alloc(rows * hidden),
      inner: g.alloc(rows * ffnWidth),
      scores: g.alloc(longest * longest),
      keys: g.alloc(maxHeadDim * longest),
      values: g.alloc(longest * maxHeadDim),
      keyBias: g.alloc(longest),
      pooledIn: g.alloc(pooledRows * ffnWidth),
      pooledOut: g.alloc(pooledRows * hidden),
      tanhIn: g.alloc(pooledRows * hidden),
      tanhOut: g.alloc(pooledRows * dim),
    };
  }

  /** Whether these shapes fit the kernel (widths multiples of 8); otherwise callers keep tfjs. */
  static fits(w: UseLiteCpuWeights): boolean {
    const m = (n: number) => n % GEMM_COLS === 0;
    return m(w.embDim) && m(w.hidden) && m(w.ffnWidth) && m(w.dim) && w.layers.every((l) => m(l.headDim));
  }

  /** Packs the weights into a new kernel memory; null where the browser has no WASM SIMD or the shapes do not fit. */
  static async create(w: UseLiteCpuWeights, variant: GemmVariant | null = bestGemmVariant()): Promise<UseLiteCpu | null> {
    if (!UseLiteCpu.fits(w)) return null;
    const weights = w.layers.reduce((s, l) => s + l.qkvKernel.length + l.outKernel.length + (l.residualKernel?.length ?? 0) + l.ffn1Kernel.length + l.ffn2Kernel.length, w.tanhKernel.length);
    const g = await WasmGemm.create(weights * 4 + (16 << 20), Math.max(w.ffnWidth, w.hidden, w.dim, windowRows(w.maxSeqLength)), variant);
    return g ? new UseLiteCpu(w, g) : null;
  }

  get variant(): string {
    return this.g.variant;
  }

  /**
   * Consecutive windows cut into the [start, end) ranges embedWindows takes: as many as fit its rows
   * and window count, and at least one each.
   */
  groups(windows: readonly (readonly number[])[]): [number, number][] {
    const out: [number, number][] = [];
    let start = 0;
    let rows = 0;
    windows.forEach((ids, i) => {
      const need = windowRows(ids.length);
      if (i > start && (i - start >= this.maxWindows || rows + need > this.maxRows)) {
        out.push([start, i]);
        start = i;
        rows = 0;
      }
      rows += need;
    });
    if (start < windows.length) out.push([start, windows.length]);
    return out;
  }

  /** The unit-length embedding of one window of token ids (at most maxSeqLength; none: the empty text's). */
  embed(ids: readonly number[]): Float32Array {
    return this.embedWindows([ids]);
  }

  /**
   * The unit-length embeddings [windows, dim] of windows of token ids (each at most maxSeqLength
   * ids), at most maxWindows of them, whose rows (windowRows of each) add up to at most maxRows. An empty window pools to
   * zero before the tanh layer, as forward() pools a text with no tokens.
   */
  embedWindows(windows: readonly (readonly number[])[]): Float32Array {
    const { w, g, buf } = this;
    const { embDim, hidden, ffnWidth } = w;
    const starts: number[] = [];
    let rows = 0;
    for (const ids of windows) {
      if (ids.length > w.maxSeqLength) throw new RangeError(`a window holds at most ${w.maxSeqLength} tokens; got ${ids.length}`);
      starts.push(rows);
      rows += windowRows(ids.length);
    }
    if (rows > this.maxRows) throw new RangeError(`these windows take ${rows} rows; at most ${this.maxRows} per call`);
    if (windows.length > this.maxWindows) throw new RangeError(`${windows.length} windows; at most ${this.maxWindows} per call`);
    const f = g.f32;
    const n = windows.length;

    // x = e + (e + timing), rows past each text zero (they stay finite through every layer and are
    // masked as keys and left out of the pooling).
    const x0 = buf.x / 4;
    f.fill(0, x0, x0 + rows * embDim);
    windows.forEach((ids, i) => {
      for (let t = 0; t < ids.length; t++) {
        const e = ids[t]! * embDim;
        const o = x0 + (starts[i]! + t) * embDim;
        const p = t * embDim;
        for (let d = 0; d < embDim; d++) {
          const v = w.embeddings[e + d]!;
          f[o + d] = v + Math.fround(v + w.timingTable[p + d]!);
        }
      }
    });

    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const L = this.layers[l]!;
      const width = L.width;
      layerNorm(f, buf.x / 4, buf.normed / 4, rows, width, L.src.ln1Scale, L.src.ln1Bias, w.epsilon);
      g.gemm(buf.normed, width, L.qkvKernel, width, buf.qkv, 3 * width, rows, 3 * width, L.qkvBias);
      windows.forEach((ids, i) => ids.length > 0 && this.attention(L, starts[i]!, ids.length));
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
      const pooledRows = roundUp(n, GEMM_ROWS);
      windows.forEach((ids, i) => sumRows(f, buf.inner / 4 + starts[i]! * ffnWidth, ids.length, ffnWidth, buf.pooledIn / 4 + i * ffnWidth));
      g.gemm(buf.pooledIn, ffnWidth, L.ffn2Kernel, ffnWidth, buf.pooledOut, hidden, pooledRows, hidden);
      const b2 = L.src.ffn2Bias;
      windows.forEach((ids, i) => {
        const T = ids.length;
        const po = buf.pooledOut / 4 + i * hidden;
        const ti = buf.tanhIn / 4 + i * hidden;
        sumRows(f, buf.y / 4 + starts[i]! * hidden, T, hidden, ti); // Σ_t y_t, row by row (contiguous)
        const inv = 1 / Math.max(T, 1);
        for (let d = 0; d < hidden; d++) f[ti + d] = (f[po + d]! + T * b2[d]! + f[ti + d]!) * inv;
      });
      g.gemm(buf.tanhIn, hidden, this.tanhKernel, hidden, buf.tanhOut, w.dim, pooledRows, w.dim, this.tanhBias);
    }
    const out = new Float32Array(n * w.dim);
    for (let i = 0; i < n; i++) {
      const to = buf.tanhOut / 4 + i * w.dim;
      const o = i * w.dim;
      let sq = 0;
      for (let d = 0; d < w.dim; d++) {
        const v = Math.tanh(f[to + d]!);
        out[o + d] = v;
        sq += v * v;
      }
      const inv = 1 / Math.sqrt(Math.max(sq, w.l2Epsilon));
      for (let d = 0; d < w.dim; d++) out[o + d]! *= inv;
    }
    return out;
  }

  /** Multi-head attention of one window (rows start … start + windowRows(T)) from buf.qkv into buf.merged. */
  private attention(L: PackedLayer, start: number, T: number): void {
    const { g, buf } = this;
    const f = g.f32;
    const width = L.width;
    const { heads, headDim, queryScale } = L.src;
    const rows = windowRows(T);
    const kb = buf.keyBias / 4;
    for (let j = 0; j < rows; j++) f[kb + j] = j < T ? 0 : this.w.paddingBias;
    const qkv = buf.qkv + start * 3 * width * 4;
    const merged = buf.merged + start * width * 4;
    for (let h = 0; h < heads; h++) {
      // scores = q · (scale·k)ᵀ + key bias; softmax by row; merged[:, head] = p · v
      g.packTransposedInto(buf.keys, qkv, headDim, rows, 3 * width, width + h * headDim, queryScale);
      g.gemm(qkv + h * headDim * 4, 3 * width, buf.keys, headDim, buf.scores, rows, rows, rows, buf.keyBias);
      softmaxRows(f, buf.scores / 4, rows, rows);
      g.packInto(buf.values, qkv, rows, headDim, 3 * width, 2 * width + h * headDim);
      g.gemm(buf.scores, rows, buf.values, rows, merged + h * headDim * 4, width, rows, headDim);
    }
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
