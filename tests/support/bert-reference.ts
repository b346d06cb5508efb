// An independent BERT forward pass in float64 plain JS (loops, no tfjs), written from the
// transformers BertModel source: one text at a time, unpadded, so it also checks that padding and
// the attention mask change nothing in the tfjs version. Slow; for tiny models only.

export interface ReferenceBertConfig {
  hidden: number;
  layers: number;
  heads: number;
  layerNormEps: number;
  pooling: 'mean' | 'cls';
  normalize: boolean;
}

type Weights = ReadonlyMap<string, ArrayLike<number>>;

function w(weights: Weights, name: string): ArrayLike<number> {
  const t = weights.get(name) ?? weights.get(`bert.${name}`);
  if (!t) throw new Error(`reference BERT: weight ${name} missing`);
  return t;
}

/** y[t] = x[t] · Wᵀ + b for a Linear with weight [out, in]. */
function linear(x: Float64Array[], weight: ArrayLike<number>, bias: ArrayLike<number>, out: number): Float64Array[] {
  return x.map((row) => {
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = bias[o];
      for (let i = 0; i < row.length; i++) s += row[i] * weight[o * row.length + i];
      y[o] = s;
    }
    return y;
  });
}

function layerNorm(x: Float64Array[], gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): Float64Array[] {
  return x.map((row) => {
    let mean = 0;
    for (const v of row) mean += v;
    mean /= row.length;
    let variance = 0;
    for (const v of row) variance += (v - mean) ** 2;
    variance /= row.length;
    const inv = 1 / Math.sqrt(variance + eps);
    return row.map((v, i) => (v - mean) * inv * gamma[i] + beta[i]);
  });
}

/** erf to ~1e-15: Taylor series near 0, a continued fraction for erfc in the tails. */
export function erf64(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated backwards.
  let f = ax;
  for (let k = 80; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

const gelu = (x: number): number => 0.5 * x * (1 + erf64(x / Math.SQRT2));

function add(a: Float64Array[], b: Float64Array[]): Float64Array[] {
  return a.map((row, t) => row.map((v, i) => v + b[t][i]));
}

/** The sentence embedding of one unpadded id sequence. */
export function referenceBertEmbed(weights: Weights, cfg: ReferenceBertConfig, ids: readonly number[]): Float64Array {
  const h = cfg.hidden;
  const word = w(weights, 'embeddings.word_embeddings.weight');
  const pos = w(weights, 'embeddings.position_embeddings.weight');
  const type = w(weights, 'embeddings.token_type_embeddings.weight');
  let x: Float64Array[] = ids.map((id, t) => {
    const row = new Float64Array(h);
    for (let i = 0; i < h; i++) row[i] = word[id * h + i] + pos[t * h + i] + type[i];
    return row;
  });
  x = layerNorm(x, w(weights, 'embeddings.LayerNorm.weight'), w(weights, 'embeddings.LayerNorm.bias'), cfg.layerNormEps);
  const headDim = h / cfg.heads;
  for (let l = 0; l < cfg.layers; l++) {
    const p = (name: string) => w(weights, `encoder.layer.${l}.${name}`);
    const q = linear(x, p('attention.self.query.weight'), p('attention.self.query.bias'), h);
    const k = linear(x, p('attention.self.key.weight'), p('attention.self.key.bias'), h);
    const v = linear(x, p('attention.self.value.weight'), p('attention.self.value.bias'), h);
    const context = x.map(() => new Float64Array(h));
    for (let head = 0; head < cfg.heads; head++) {
      const off = head * headDim;
      for (let t = 0; t < x.length; t++) {
        const scores = x.map((_, s) => {
          let dot = 0;
          for (let d = 0; d < headDim; d++) dot += q[t][off + d] * k[s][off + d];
          return dot / Math.sqrt(headDim);
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, b) => a + b, 0);
        for (let s = 0; s < x.length; s++) {
          for (let d = 0; d < headDim; d++) context[t][off + d] += (exps[s] / total) * v[s][off + d];
        }
      }
    }
    const attended = linear(context, p('attention.output.dense.weight'), p('attention.output.dense.bias'), h);
    const y = layerNorm(add(attended, x), p('attention.output.LayerNorm.weight'), p('attention.output.LayerNorm.bias'), cfg.layerNormEps);
    const inner = linear(y, p('intermediate.dense.weight'), p('intermediate.dense.bias'), p('intermediate.dense.bias').length).map((r) => r.map(gelu));
    const out = linear(inner, p('output.dense.weight'), p('output.dense.bias'), h);
    x = layerNorm(add(out, y), p('output.LayerNorm.weight'), p('output.LayerNorm.bias'), cfg.layerNormEps);
  }
  const pooled = new Float64Array(h);
  if (cfg.pooling === 'cls') pooled.set(x[0]);
  else for (const row of x) for (let i = 0; i < h; i++) pooled[i] += row[i] / x.length;
  if (cfg.normalize) {
    const norm = Math.max(Math.hypot(...pooled), 1e-12);
    for (let i = 0; i < h; i++) pooled[i] /= norm;
  }
  return pooled;
}

/** BertForSequenceClassification's logits: classifier(tanh(pooler(h[CLS]))) — used to check exports. */
export function referencePoolerOutput(weights: Weights, cfg: ReferenceBertConfig, ids: readonly number[]): Float64Array {
  const cls = referenceBertEmbed(weights, { ...cfg, pooling: 'cls', normalize: false }, ids);
  const [y] = linear([cls], w(weights, 'pooler.dense.weight'), w(weights, 'pooler.dense.bias'), cfg.hidden);
  return y.map(Math.tanh);
}
