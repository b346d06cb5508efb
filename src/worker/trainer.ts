// One training run: embed the dataset once (cached), split, train the head, evaluate, persist.
import { stratifiedSplit } from '../core/data/split';
import { createHead, foldTemperatureIntoHead, predictProbaAsync, trainHead } from '../core/train/head';
import { StoppedError, trainTextModels } from '../core/train/text-model';
import type { LinearModel } from '../core/train/logreg';
import type { LongTextOptions } from '../core/encoders/types';
import { headToArtifacts } from '../core/formats/tfjs-artifacts';
import { getDataset, getDatasetRows } from '../storage/datasets';
import { getEmbeddings, putEmbeddings, trainingEmbeddingsKey } from '../storage/embeddings';
import { saveRun } from '../storage/runs';
import { newId } from '../storage/db';
import { runName, trainedRun } from '../core/model/run-record';
import { checkAgainstSpec, TRAIN_SPEC } from '../core/model/specs';
import type { EncoderId, RunDetail, TrainConfig } from './protocol';
import { misclassifiedRows } from './misclassified';
import { EngineError } from './errors';
import type { EncoderStore } from './encoders';
import type { Predictor } from './predictor';
import { progressReporter, type Emit } from './progress';
import * as tf from '@tensorflow/tfjs';

const EMBED_BATCH = 32;

function gather(x: Float32Array, dim: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** Refuses a config the Train form would refuse (core/model/specs.ts): a SettingsError naming the field and the value. */
/** Refuses a config the Train form would refuse (core/model/specs.ts): a SettingsError naming the field and the value. */
export function checkConfig(c: TrainConfig): void {
  checkAgainstSpec(TRAIN_SPEC, c);
}

export class Trainer {
  private running = false;
  private stopRequested = false;

  constructor(
    private readonly encoders: EncoderStore,
    private readonly predictor: Predictor,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  stop(): void {
    if (this.running) this.stopRequested = true;
  }

  /** emit: this run's progress, epochs and warnings (the request's events). */
  async run(datasetId: string, encoderId: EncoderId, config: TrainConfig, emit: Emit): Promise<RunDetail> {
    if (this.running) throw new EngineError('BUSY', 'a training run is already in progress; stop it first');
    checkConfig(config);
    this.running = true;
    this.stopRequested = false;
    try {
      return await this.train(datasetId, encoderId, config, emit);
    } finally {
      this.running = false;
      this.stopRequested = false;
    }
  }

  private async train(datasetId: string, encoderId: EncoderId, config: TrainConfig, emit: Emit): Promise<RunDetail> {
    const [meta, rows] = await Promise.all([getDataset(datasetId), getDatasetRows(datasetId)]);
    const n = rows.texts.length;
    emit({ type: 'progress', task: 'load-encoder', done: 0, total: 1, etaSeconds: null, detail: encoderId });
    // Pristine weights: a fine-tuned run's must never reach (or be cached as) frozen embeddings.
    const longText: LongTextOptions = config.maxWindows > 1 ? { policy: 'chunk', maxWindows: config.maxWindows, ...(config.windowOverlap ? { overlap: config.windowOverlap } : {}) } : { policy: 'truncate', maxWindows: 1 };
    const { info, dim, maxSeqLength, weightsHash, vectors } = await this.encoders.use(encoderId, null, async ({ encoder, info }) => {
      const dim = encoder.dim;
      // The cache key carries the weights' hash and the window policy: embeddings are only valid for what made them.
      const key = trainingEmbeddingsKey(datasetId, encoderId, encoder.weightsHash, longText.policy === 'chunk' ? longText.maxWindows : 1, longText.overlap ?? 0);
      let vectors = (await getEmbeddings(key))?.vectors;
      if (!vectors || vectors.length !== n * dim) {
        const report = progressReporter(emit, 'embed');
        report(0, n);
        vectors = await this.encoders.embeddings.embed(encoder, rows.texts, {
          batchSize: EMBED_BATCH,
          longText,
          // A whole dataset: spread over the parallel workers when there are some (embed-pool.ts).
          parallel: true,
          onProgress: (done, total) => {
            if (this.stopRequested) throw new EngineError('CANCELLED', 'stopped while embedding, before any training: nothing was saved');
            report(done, total);
          },
        });
        const record = { key, datasetId, dim, count: n, vectors, createdAt: Date.now() };
        await cacheBestEffort(() => putEmbeddings(record), emit);
      }
      return { info, dim, maxSeqLength: encoder.maxSeqLength, weightsHash: encoder.weightsHash, vectors };
    });
    emit({ type: 'progress', task: 'embed', done: n, total: n, etaSeconds: 0, detail: 'cached' });

    const labelIndex = new Map(meta.labels.map((l, i) => [l, i]));
    const y = Int32Array.from(rows.labels, (l) => labelIndex.get(l) ?? -1);
    if (y.some((v) => v < 0)) throw new EngineError('DATASET_INVALID', `dataset "${meta.name}" has a row whose label is not in its label list`);
    const split = stratifiedSplit(y, config.valFraction, config.seed);
    const k = meta.labels.length;
    const data = {
      trainX: gather(vectors, dim, split.train),
      trainY: Int32Array.from(split.train, (i) => y[i]!),
      valX: gather(vectors, dim, split.val),
      valY: Int32Array.from(split.val, (i) => y[i]!),
      dim,
      numClasses: k,
    };
    if (data.valY.length === 0) throw new EngineError('DATASET_INVALID', `dataset "${meta.name}" is too small to hold out validation rows: add rows (at least 2 per label)`);

    // The encoder model: a converged logistic regression (hiddenUnits 0, trained with the other
    // candidates below), or a hidden-layer head trained epoch by epoch as before.
    let hidden: Awaited<ReturnType<typeof trainHead>> | null = null;
    if (config.hiddenUnits > 0) {
      const report = progressReporter(emit, 'train');
      report(0, config.epochs);
      hidden = await trainHead(data, config, {
        onEpoch: (log) => {
          emit({ type: 'epoch', log, totalEpochs: config.epochs });
          report(log.epoch, config.epochs);
        },
        shouldStop: () => this.stopRequested,
      });
    }
    let model: tf.LayersModel | null = hidden?.model ?? null;
    try {
      const t0 = performance.now();
      // Progress by logistic-regression fits (they are most of the time: minutes with 150 labels), not
      // by stage: the first stage alone (every C path) was the whole bar's wait.
      const fits = progressReporter(emit, 'train');
      const result = trainTextModels(
        {
          trainTexts: split.train.map((i) => rows.texts[i]!),
          valTexts: split.val.map((i) => rows.texts[i]!),
          trainY: data.trainY,
          valY: data.valY,
          numClasses: k,
          trainEmb: data.trainX,
          valEmb: data.valX,
          dim,
          encoderValProbs: hidden ? await predictProbaAsync(hidden.model, data.valX, dim) : null,
          classWeights: config.classWeights,
          ...(config.keepEncoder ? { keep: 'encoder' as const } : {}),
        },
        {
          onFit: (done, total) => fits(done, total, 'fits'),
          // A Stop during the hidden head's epochs already chose its best epoch: the comparison (seconds) still runs.
          shouldStop: () => this.stopRequested && !hidden,
        },
      );
      if (!model) model = linearHead(result.encoderHead!, dim, k, config.seed);
      const seconds = (performance.now() - t0) / 1000;
      const kept = result.comparison.candidates.find((c) => c.kind === result.comparison.kept)!;
      emit({ type: 'progress', task: 'save', done: 0, total: 1, etaSeconds: null, detail: null });
      const misclassified = misclassifiedRows(result.valProbs, data.valY, split.val, rows, meta.labels);
      // When the encoder model is kept, its temperature goes into the head: the tfjs, safetensors and
      // Hugging Face exports, which carry only the head, then predict exactly what the app predicts.
      const textModel = result.model.kept === 'encoder' ? { ...result.model, temperature: 1 } : result.model;
      if (result.model.kept === 'encoder') foldTemperatureIntoHead(model, result.model.temperature);
      const artifacts = await headToArtifacts(model);
      const id = newId('run');
      const createdAt = Date.now();
      const history = hidden?.history ?? [
        // One line for the converged logistic regression: its validation scores (training scores are not tracked by L-BFGS).
        { epoch: 1, trainLoss: NaN, trainAcc: NaN, valLoss: kept.valLoss, valAcc: kept.metrics.accuracy, valMacroF1: kept.metrics.macroF1, seconds },
      ];
      const run = trainedRun({
        id,
        name: runName(meta.name, createdAt),
        createdAt,
        dataset: { id: datasetId, name: meta.name },
        encoder: { encoderId: info.id, encoderHash: weightsHash, embeddingDim: dim, maxSeqLength, tokenizer: info.tokenizer },
        labels: meta.labels,
        config,
        metrics: kept.metrics,
        bestEpoch: hidden?.bestEpoch ?? 1,
        stoppedEarly: hidden?.stoppedEarly ?? false,
        stoppedByUser: hidden?.stoppedByUser ?? false,
        backend: tf.getBackend(),
        history,
        misclassified,
        comparison: result.comparison,
        longText,
      });
      await saveRun(run, { runId: id, modelJson: artifacts.modelJson, weightsBin: artifacts.weightsBin, encoderWeights: null, textModel });
      this.predictor.adopt(id, { model, labels: meta.labels, encoderId, encoderHash: weightsHash, overlay: null, textModel, longText });
      model = null;
      emit({ type: 'progress', task: 'save', done: 1, total: 1, etaSeconds: null, detail: null });
      return run;
    } catch (err) {
      if (err instanceof StoppedError) throw new EngineError('CANCELLED', 'stopped before the models were compared: nothing was saved');
      throw err;
    } finally {
      model?.dispose();
    }
  }
}

/**
 * The embedding cache is an optimisation: when writing it fails (storage quota), the run goes on
 * with the vectors in memory and says so, instead of failing after the whole embedding pass.
 */
export async function cacheBestEffort(write: () => Promise<void>, emit: Emit): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    const why = (err as { code?: string }).code === 'QUOTA_EXCEEDED' || (err as Error)?.name === 'QuotaExceededError' ? 'storage is full' : (err as Error)?.message ?? String(err);
    emit({ type: 'log', level: 'warn', message: `The embeddings were not cached (${why}); training goes on, and the next run on this dataset embeds it again.` });
    return false;
  }
}

/** A tfjs head (dense → softmax, as createHead builds) holding a logistic regression's weights. */
function linearHead(lr: LinearModel, dim: number, k: number, seed: number): tf.LayersModel {
  const head = createHead({ inputDim: dim, numClasses: k, hiddenUnits: 0, dropout: 0, seed });
  const [kernel, bias] = [tf.tensor2d(lr.weights, [dim, k]), tf.tensor1d(lr.bias)];
  try {
    head.getLayer('logits').setWeights([kernel, bias]);
  } finally {
    tf.dispose([kernel, bias]);
  }
  return head;
}
