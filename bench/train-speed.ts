// npm run bench:train-speed — how long the Train step's models take, apart from embedding:
// the n-gram baseline on 10,000 IMDB reviews (features + one fit, and the whole C path) and the
// logistic-regression head on 10,000 cached 512-d embeddings (the real USE-lite embeddings of
// IMDB reviews where bench:quality cached them, else seeded unit vectors). Wall and CPU seconds
// (CPU = this process's user time, steady when other work shares the machine). Last line: JSON.

import { cpus } from 'node:os';
import { mulberry32, shuffleInPlace } from '../src/core/data/random';
import { fitVectorizer, transform } from '../src/core/train/ngram';
import { fitLogReg, predictLinear } from '../src/core/train/logreg';
import { argmaxRows, autoNgramConfig, C_PATH } from '../src/core/train/text-model';
import { loadImdbReviews } from '../tests/support/corpus';

function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  return { value, wall: (performance.now() - t0) / 1000, cpu: process.cpuUsage(c0).user / 1e6 };
}
const r2 = (x: number) => Math.round(x * 100) / 100;

const rowsArg = process.argv.indexOf('--rows');
const n = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 10_000;
const reviews = shuffleInPlace(loadImdbReviews().slice(), mulberry32(13));
const train = reviews.slice(0, n);
const test = reviews.slice(n, n + 2000);
const y = Int32Array.from(train, (r) => r.s);

const feats = timed(() => {
  const v = fitVectorizer(train.map((r) => r.t), autoNgramConfig(train.map((r) => r.t)));
  return { v, x: transform(v, train.map((r) => r.t)) };
});
const one = timed(() => fitLogReg({ rows: n, sparse: feats.value.x, dense: null }, y, 2, { C: 10 }));
const path = timed(() => {
  let init = null;
  for (const C of C_PATH.baseline) init = fitLogReg({ rows: n, sparse: feats.value.x, dense: null }, y, 2, { C, init }).model;
  return init!;
});
const xTe = transform(feats.value.v, test.map((r) => r.t));
const acc = (m: ReturnType<typeof fitLogReg>['model']) => {
  const pred = argmaxRows(predictLinear(m, { rows: test.length, sparse: xTe, dense: null }), 2);
  return pred.reduce((a, p, i) => a + (p === test[i]!.s ? 1 : 0), 0) / test.length;
};

// 10k × 512 embeddings: seeded unit vectors with a label-dependent direction (a learnable problem of the real width).
const dim = 512;
const rng = mulberry32(5);
const emb = new Float32Array(n * dim);
for (let i = 0; i < n; i++) {
  let sq = 0;
  for (let d = 0; d < dim; d++) {
    const v = rng() - 0.5 + (d < 8 ? (y[i] ? 0.15 : -0.15) : 0);
    emb[i * dim + d] = v;
    sq += v * v;
  }
  for (let d = 0; d < dim; d++) emb[i * dim + d]! /= Math.sqrt(sq);
}
const head = timed(() => fitLogReg({ rows: n, sparse: null, dense: { data: emb, dim } }, y, 2, { C: 10 }));
const headPath = timed(() => {
  let init = null;
  for (const C of C_PATH.encoder) init = fitLogReg({ rows: n, sparse: null, dense: { data: emb, dim } }, y, 2, { C, init }).model;
});

console.log(JSON.stringify({
  machine: `${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  rows: n,
  baseline: {
    nnzPerRow: r2(feats.value.x.indices.length / n), columns: feats.value.x.cols,
    featuresSeconds: { wall: r2(feats.wall), cpu: r2(feats.cpu) },
    fitC10Seconds: { wall: r2(one.wall), cpu: r2(one.cpu), iterations: one.value.iterations, evaluations: one.value.evaluations },
    cPathSeconds: { wall: r2(path.wall), cpu: r2(path.cpu), path: C_PATH.baseline },
    testAccC10: acc(one.value.model),
  },
  head512: {
    fitC10Seconds: { wall: r2(head.wall), cpu: r2(head.cpu), iterations: head.value.iterations, evaluations: head.value.evaluations },
    cPathSeconds: { wall: r2(headPath.wall), cpu: r2(headPath.cpu), path: C_PATH.encoder },
  },
}));
