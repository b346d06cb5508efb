// Fine-tuning in the worker: a measured time estimate, the run itself (a checkpoint per epoch in
// IndexedDB), resume from the last checkpoint after a reload or crash, and the finished run
// saved like a head-only one (run record + linear head + fine-tuned encoder layers).
import * as tf from '@tensorflow/tfjs';
import { padBatch } from '../core/tokenizers/batch';
import { FineTuner } from '../core/train/finetune';
import { fineTune, type FineTuneEpochLog, type FineTuneResult } from '../core/train/finetune-run';
import { createHead, foldTemperatureIntoHead, predictProbaAsync } from '../core/train/head';
import { trainTextModels } from '../core/train/text-model';
import { contrastiveSteps, contrastiveTune, type ContrastiveResult } from '../core/train/contrastive';
import { estimateFineTuneSeconds, medianLengthBatch } from '../core/train/estimate';
import { encoderWeightsToSafetensors } from '../core/formats/encoder-weights';
import { headToArtifacts } from '../core/formats/tfjs-artifacts';
import type { TextEncoder } from '../core/encoders/types';
import { newId, type FineTuneJobRecord } from '../storage/db';
import { runName, trainedRun } from '../core/model/run-record';
import { deleteFineTuneJob, finishFineTuneJob, getFineTuneJob, listFineTuneJobs, putFineTuneJob } from '../storage/finetunes';
import type { EncoderId, EngineEvent, EpochLog, FineTuneEstimate, FineTuneJob, FineTuneSettings, RunDetail, TrainConfig } from './protocol';
import { EngineError } from './errors';
import { CodedError } from '../core/errors';
import type { EncoderStore } from './encoders';
import { unfrozenWeightNames } from './encoder-weights';
import { tunedWeightsHash } from '../core/encoders/params';
import type { TextEncoder as TunableEncoder } from '../core/encoders/types';
import type { Predictor } from './predictor';
import { asEncoderId } from './predictor';
import { misclassifiedRows } from './misclassified';
import type { Emit } from './progress';
import { checkSettings, clampLayers, contrastiveConfig, prepareData, runConfig, startingHead, type PreparedData } from './finetune-setup';
import { compareWithFrozen } from './fewshot';
import { getRun } from '../storage/runs';
import { yieldToEvents } from '../core/yield';

const EMBED_BATCH = 32;

export function toEpochLog(log: FineTuneEpochLog): EpochLog {
  // Fine-tuning measures no training accuracy (it would cost a second pass): NaN, not a made-up number.
  return {
    epoch: log.epoch,
    trainLoss: log.trainLoss,
    trainAcc: NaN,
    valLoss: log.valLoss,
    valAcc: log.valAcc,
    valMacroF1: log.valMacroF1,
    seconds: log.seconds,
    numTensors: log.numTensors,
    encoderLearningRate: log.encoderLearningRate,
  };
}

/**
 * One owner per fine-tuning job across tabs: a Web Lock named after the job is held for as long as
 * the job runs. Claim flags alone lived per worker, so two tabs could both resume one job, both
 * write checkpoints and both save a run, and a Discard in one was undone by the other's next
 * checkpoint. The browser releases a lock when its tab closes or crashes, so a dead tab never
 * blocks a resume. Where there is no LockManager (Node tests) there is only one "tab".
 */
const lockName = (jobId: string) => `texttune:finetune:${jobId}`;

function lockManager(): LockManager | null {
  return (globalThis.navigator as Navigator | undefined)?.locks ?? null;
}

export const RUNNING_ELSEWHERE =
  'this fine-tuning run is running in another tab or window of TextTune; stop it there (or close that tab) first';

/** Runs `fn` holding the job's lock; BUSY at once when another tab holds it. */
export async function withJobLock<T>(jobId: string, fn: () => Promise<T>, locks: LockManager | null = lockManager()): Promise<T> {
  if (!locks) return fn();
  let held = false;
  const result = await locks.request(lockName(jobId), { ifAvailable: true }, async (lock) => {
    if (!lock) return undefined;
    held = true;
    return fn();
  });
  if (!held) throw new EngineError('BUSY', RUNNING_ELSEWHERE);
  return result as T;
}

/** Jobs whose lock some tab holds (this one included). */
export async function jobsRunningAnywhere(locks: LockManager | null = lockManager()): Promise<Set<string>> {
  if (!locks) return new Set();
  const { held = [] } = await locks.query();
  return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith('texttune:finetune:')).map((n) => n.slice('texttune:finetune:'.length)));
}

export class FineTuneJobs {
  /** The job running here and the events of the request that runs it (start or resume). */
  private current: { jobId: string; stopRequested: boolean; emit: Emit } | null = null;
  /** The time estimate in progress (its real steps take seconds each): Stop ends it between steps. */
  private estimating: { stopRequested: boolean } | null = null;

  constructor(
    private readonly encoders: EncoderStore,
    private readonly predictor: Predictor,
  ) {}

  /** The running job's events go to the request that started or resumed it. */
  private emit(event: EngineEvent): void {
    this.current?.emit(event);
  }

  get busy(): boolean {
    return this.current !== null;
  }

  /** Stops the running job (after its step, keeping the best epoch) and a time estimate in progress. */
  stop(): void {
    if (this.current) this.current.stopRequested = true;
    if (this.estimating) this.estimating.stopRequested = true;
  }

  async list(): Promise<FineTuneJob[]> {
    const elsewhere = await jobsRunningAnywhere().catch(() => new Set<string>());
    return (await listFineTuneJobs()).map((j) => ({
      id: j.id,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      datasetId: j.datasetId,
      datasetName: j.datasetName,
      encoderId: j.encoderId,
      settings: j.settings,
      headInit: j.headInit,
      epochsDone: j.checkpoint?.epoch ?? 0,
      ...(j.settings.method === 'contrastive' ? { steps: { done: j.contrastive?.step ?? 0, total: j.contrastive?.totalSteps ?? 0 } } : {}),
      history: (j.checkpoint?.history ?? []).map(toEpochLog),
      peakBytes: j.peakBytes,
      running: this.current?.jobId === j.id,
      runningElsewhere: this.current?.jobId !== j.id && elsewhere.has(j.id),
      error: j.error,
    }));
  }

  async discard(jobId: string): Promise<void> {
    if (this.current?.jobId === jobId) throw new EngineError('BUSY', 'this fine-tuning run is running; stop it first');
    await withJobLock(jobId, () => deleteFineTuneJob(jobId));
  }

  /**
   * Times real steps on a median-length batch on the running backend; no weight is left changed.
   * `stoppable` (the Estimate time request): stop() ends it between steps with CANCELLED. Not the
   * timing inside a fine-tune's backend choice, whose measurements are remembered per device.
   */
  async estimate(datasetId: string, encoderId: EncoderId, asked: FineTuneSettings, emit: Emit, stoppable = false): Promise<FineTuneEstimate> {
    // Registered before the first await, so a Stop that arrives while the encoder loads counts.
    const estimating = { stopRequested: false };
    if (stoppable) this.estimating = estimating;
    try {
      const encoder = await this.tunable(encoderId, emit);
      const settings = clampLayers(asked, encoder.numLayers);
      checkSettings(settings, encoder.numLayers);
      const { data } = await prepareData(datasetId, settings);
      const names = unfrozenWeightNames(encoder, settings.unfreezeLayers);
      return await this.timeSteps(encoderId, encoder, settings, data, names, estimating, emit);
    } finally {
      if (this.estimating === estimating) this.estimating = null;
    }
  }

  private timeSteps(
    encoderId: EncoderId,
    encoder: Awaited<ReturnType<FineTuneJobs['tunable']>>,
    settings: FineTuneSettings,
    data: Awaited<ReturnType<typeof prepareData>>['data'],
    names: string[],
    estimating: { stopRequested: boolean },
    emit: Emit,
  ): Promise<FineTuneEstimate> {
    return this.encoders.use(encoderId, null, async () => {
      const report = async (done: number) => {
        await yieldToEvents(); // lets a Stop message in between the steps (core/yield.ts)
        if (estimating.stopRequested) throw new EngineError('CANCELLED', 'the time estimate was stopped; nothing was changed');
        emit({ type: 'progress', task: 'estimate', done, total: 4, etaSeconds: null, detail: null });
      };
      const ids = data.trainTexts.map((t) => encoder.encodeIds(t));
      // A contrastive step runs both texts of batchSize pairs: timed as a step on twice the rows.
      const contrastive = settings.method === 'contrastive' ? contrastiveSteps(data.trainY, contrastiveConfig(settings)) : null;
      const stepRows = contrastive ? 2 * settings.batchSize : settings.batchSize;
      const rows = medianLengthBatch(ids.map((x) => x.length), stepRows);
      const padded = padBatch(rows.map((r) => ids[r]!), encoder.maxSeqLength);
      const batch = { ...padded, labels: Int32Array.from(rows, (r) => data.trainY[r]!) };
      const tuner = new FineTuner(encoder, data.numClasses, runConfig(settings));
      let stepSeconds: number;
      let evalBatchSeconds: number;
      try {
        await report(0);
        // The first call compiles kernels (WebGPU shaders): a real run pays that once, not per step.
        await tuner.step(batch);
        await report(1);
        let t0 = performance.now();
        await tuner.step(batch);
        await tuner.step(batch);
        stepSeconds = (performance.now() - t0) / 2000;
        // A contrastive step on a dataset with fewer rows than its 2 × batch texts was timed on all the rows: scaled up to a full step.
        if (contrastive && padded.batch < stepRows) stepSeconds *= stepRows / padded.batch;
        await report(2);
        await tuner.predict(padded.ids, padded.mask, padded.batch, padded.seqLength);
        await report(3);
        t0 = performance.now();
        await tuner.predict(padded.ids, padded.mask, padded.batch, padded.seqLength);
        evalBatchSeconds = (performance.now() - t0) / 1000;
        await report(4);
      } finally {
        tuner.dispose();
      }
      const shape = contrastive
        // Its steps, then one embedding pass over every row (train + validation) for the logistic regression.
        ? { trainRows: contrastive.totalSteps * padded.batch, valRows: data.trainTexts.length + data.valTexts.length, batchSize: padded.batch, epochs: 1 }
        : { trainRows: data.trainTexts.length, valRows: data.valTexts.length, batchSize: settings.batchSize, epochs: settings.epochs };
      const est = estimateFineTuneSeconds({ stepSeconds, evalBatchSeconds }, shape);
      return {
        backend: tf.getBackend(),
        stepSeconds,
        evalBatchSeconds,
        batchSize: padded.batch,
        seqLength: padded.seqLength,
        stepsPerEpoch: contrastive ? contrastive.totalSteps / settings.epochs : est.stepsPerEpoch,
        epochs: settings.epochs,
        totalSeconds: est.totalSeconds,
      };
    }, { names, what: 'the encoder is being timed for a fine-tuning estimate' });
  }

  async start(datasetId: string, encoderId: EncoderId, settings: FineTuneSettings, headRunId: string | null, emit: Emit): Promise<RunDetail> {
    const jobId = newId('ft');
    this.claim(jobId, emit);
    try {
      return await withJobLock(jobId, () => this.startLocked(datasetId, encoderId, settings, headRunId));
    } finally {
      this.current = null;
    }
  }

  private async startLocked(datasetId: string, encoderId: EncoderId, asked: FineTuneSettings, headRunId: string | null): Promise<RunDetail> {
    const encoder = await this.tunable(encoderId, this.current!.emit);
    const settings = clampLayers(asked, encoder.numLayers);
    checkSettings(settings, encoder.numLayers);
    const prepared = await prepareData(datasetId, settings);
    const baseEncoderHash = (await this.encoders.get(encoderId)).info.weightsHash;
    const contrastive = settings.method === 'contrastive';
    // A contrastive run fits its own head on the tuned embeddings; the Train run is what it is compared with.
    const start = contrastive
      ? { init: { kind: 'fresh' as const, reason: 'contrastive tuning fits a logistic regression on the tuned embeddings' }, head: null }
      : await startingHead(headRunId, { encoderId, encoderHash: baseEncoderHash, labels: prepared.meta.labels, dim: encoder.dim });
    const now = Date.now();
    const job: FineTuneJobRecord = {
      id: this.current!.jobId,
      createdAt: now,
      updatedAt: now,
      datasetId,
      datasetName: prepared.meta.name,
      encoderId,
      baseEncoderHash,
      labels: prepared.meta.labels,
      settings,
      headInit: start.init,
      initialHead: start.head,
      checkpoint: null,
      ...(contrastive ? { contrastive: null, frozenRunId: headRunId } : {}),
      peakBytes: 0,
      resumed: 0,
      error: null,
    };
    await putFineTuneJob(job);
    try {
      return await this.execute(job, prepared);
    } catch (err) {
      // Refused before training began (e.g. BUSY): nothing to resume, so leave nothing behind.
      if (job.checkpoint === null && !job.contrastive && job.error === null) await deleteFineTuneJob(job.id).catch(() => undefined);
      throw err;
    }
  }

  async resume(jobId: string, emit: Emit): Promise<RunDetail> {
    this.claim(jobId, emit);
    try {
      return await withJobLock(jobId, async () => {
        // Read under the lock: the record is the one the last owner left.
        const job = await getFineTuneJob(jobId);
        job.resumed += 1;
        const prepared = await prepareData(job.datasetId, job.settings, job.labels);
        return this.execute(job, prepared);
      });
    } finally {
      this.current = null;
    }
  }

  private claim(jobId: string, emit: Emit): void {
    if (this.current) throw new EngineError('BUSY', 'a fine-tuning run is already in progress; stop it first');
    this.current = { jobId, stopRequested: false, emit };
  }

  private async tunable(encoderId: EncoderId, emit: Emit): Promise<TunableEncoder> {
    emit({ type: 'progress', task: 'load-encoder', done: 0, total: 1, etaSeconds: null, detail: encoderId });
    return (await this.encoders.get(encoderId)).encoder;
  }

  private async execute(job: FineTuneJobRecord, prepared: PreparedData): Promise<RunDetail> {
    const encoderId = asEncoderId(job.encoderId);
    const encoder = await this.tunable(encoderId, this.current!.emit);
    const names = unfrozenWeightNames(encoder, job.settings.unfreezeLayers);
    const current = this.current!;
    let peak = job.peakBytes;
    const sample = () => {
      peak = Math.max(peak, tf.memory().numBytes);
    };
    return this.encoders.use(encoderId, null, async () => {
      if (encoder.weightsHash !== job.baseEncoderHash) {
        throw new EngineError('BUNDLE_MISMATCH', `this run started from ${job.encoderId} weights ${job.baseEncoderHash.slice(0, 12)}…, but the loaded encoder has ${encoder.weightsHash.slice(0, 12)}…`);
      }
      const progress = stepProgress(current.emit);
      if (job.settings.method === 'contrastive') {
        let tuned: ContrastiveResult;
        try {
          tuned = await contrastiveTune(encoder, { texts: prepared.data.trainTexts, y: prepared.data.trainY }, contrastiveConfig(job.settings), {
            onStep: (step, total) => {
              sample();
              progress(step, total);
            },
            onCheckpoint: async (checkpoint) => {
              job.contrastive = checkpoint;
              job.peakBytes = peak;
              job.updatedAt = Date.now();
              job.error = null;
              await putFineTuneJob(job);
              this.emit({ type: 'checkpoint', jobId: job.id, epoch: 0, step: checkpoint.step });
            },
            shouldStop: () => current.stopRequested,
          }, job.contrastive ?? undefined);
        } catch (err) {
          job.error = err instanceof Error ? err.message : String(err);
          job.peakBytes = peak;
          await putFineTuneJob(job).catch(() => undefined);
          throw err;
        }
        if (tuned.stopReason === 'non-finite-loss') {
          job.error = tuned.message;
          await putFineTuneJob(job).catch(() => undefined);
          throw new EngineError('NON_FINITE_LOSS', `${tuned.message}. Try a lower learning rate or a smaller clip norm.`);
        }
        sample();
        job.peakBytes = peak;
        return this.saveContrastive(job, prepared, encoder, tuned, names);
      }
      let result: FineTuneResult;
      try {
        result = await fineTune(
          encoder,
          prepared.data,
          runConfig(job.settings),
          {
            onStep: (step, total) => {
              sample();
              progress(step, total);
            },
            onEpoch: (log) => {
              sample();
              this.emit({ type: 'epoch', log: toEpochLog(log), totalEpochs: job.settings.epochs });
            },
            onCheckpoint: async (checkpoint) => {
              job.checkpoint = checkpoint;
              job.peakBytes = peak;
              job.updatedAt = Date.now();
              job.error = null;
              await putFineTuneJob(job);
              this.emit({ type: 'checkpoint', jobId: job.id, epoch: checkpoint.epoch });
            },
            shouldStop: () => current.stopRequested,
          },
          job.checkpoint ?? undefined,
          job.checkpoint ? undefined : (job.initialHead ?? undefined),
        );
      } catch (err) {
        // The last good checkpoint stays; the job remembers why it stopped.
        const message = err instanceof Error ? err.message : String(err);
        job.error = message;
        job.peakBytes = peak;
        await putFineTuneJob(job).catch(() => undefined);
        if (err instanceof CodedError && err.engineCode === 'NON_FINITE_LOSS') throw new EngineError('NON_FINITE_LOSS', `${message}. Try a lower learning rate or a smaller clip norm.`);
        throw err;
      }
      sample();
      job.peakBytes = peak;
      return this.save(job, prepared, encoder, result, names);
    }, { names, what: 'the encoder is being fine-tuned' });
  }

  /**
   * A contrastive run: the logistic regression (and the n-gram baseline beside it) on the tuned
   * embeddings of the same split, then compared with the frozen Train run's kept model on the same
   * validation rows; the run is saved either way, and says which one the app keeps.
   */
  private async saveContrastive(job: FineTuneJobRecord, prepared: PreparedData, encoder: TunableEncoder, tuned: ContrastiveResult, names: string[]): Promise<RunDetail> {
    this.emit({ type: 'progress', task: 'save', done: 0, total: 1, etaSeconds: null, detail: null });
    const { meta, rows, split, data } = prepared;
    const weightsHash = await tunedWeightsHash(job.baseEncoderHash, tuned.encoderWeights);
    encoder.weightsHash = weightsHash;
    const trainX = await encoder.embedTexts(data.trainTexts, { batchSize: EMBED_BATCH });
    const valX = await encoder.embedTexts(data.valTexts, { batchSize: EMBED_BATCH });
    const s = job.settings;
    const compared = trainTextModels({
      trainTexts: data.trainTexts, valTexts: data.valTexts, trainY: data.trainY, valY: data.valY, numClasses: data.numClasses,
      trainEmb: trainX, valEmb: valX, dim: encoder.dim, classWeights: s.classWeights, only: ['baseline', 'encoder'], keep: 'encoder',
    });
    const lr = compared.encoderHead!;
    const model = linearHead(encoder, { kernel: lr.weights, bias: lr.bias }, data.numClasses, s.seed);
    try {
      const kept = compared.comparison.candidates.find((c) => c.kind === 'encoder')!;
      const frozenRun = job.frozenRunId ? await getRun(job.frozenRunId).catch(() => null) : null;
      const fewShot = compareWithFrozen(frozenRun, { datasetId: job.datasetId, valFraction: s.valFraction, seed: s.seed }, kept, tuned);
      const misclassified = misclassifiedRows(compared.valProbs, data.valY, split.val, rows, meta.labels);
      foldTemperatureIntoHead(model, compared.model.temperature);
      const textModel = { ...compared.model, temperature: 1 };
      const artifacts = await headToArtifacts(model);
      const encoderWeights = encoderWeightsToSafetensors(tuned.encoderWeights, {
        texttune: JSON.stringify({ encoder: job.encoderId, baseWeightsHash: job.baseEncoderHash, weightsHash }),
      });
      const config: TrainConfig = {
        valFraction: s.valFraction, seed: s.seed, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.encoderLearningRate,
        hiddenUnits: 0, dropout: 0, classWeights: s.classWeights, patience: 0, maxWindows: 1, windowOverlap: 0,
      };
      const meanLoss = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
      const run = trainedRun({
        ...tunedRunIdentity(job, meta, encoder, weightsHash, 'contrastive (few-shot)'),
        config,
        metrics: kept.metrics,
        comparison: compared.comparison,
        bestEpoch: 1,
        epochsRun: s.epochs,
        stoppedByUser: tuned.stopReason === 'user',
        backend: tf.getBackend(),
        // One line: the pair loss of the last steps, and the head's validation scores.
        history: [{ epoch: 1, trainLoss: meanLoss(tuned.losses.slice(-Math.max(1, Math.ceil(tuned.losses.length / 10)))), trainAcc: NaN, valLoss: kept.valLoss, valAcc: kept.metrics.accuracy, valMacroF1: kept.metrics.macroF1, seconds: tuned.seconds }],
        misclassified,
        fineTune: {
          settings: s,
          baseEncoderHash: job.baseEncoderHash,
          headInit: job.headInit,
          stopReason: tuned.stopReason,
          message: tuned.message,
          peakBytes: job.peakBytes,
          encoderWeightNames: tuned.encoderWeights.map((w) => w.name),
          resumed: job.resumed,
          fewShot,
        },
      });
      return await this.store(job, run, { modelJson: artifacts.modelJson, weightsBin: artifacts.weightsBin, encoderWeights, textModel }, model, tuned.encoderWeights, names);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  /** Both kinds of tuned run end alike: stored with the job closed in one step, then kept warm for prediction. */
  private async store(
    job: FineTuneJobRecord,
    run: RunDetail,
    stored: Omit<Parameters<typeof finishFineTuneJob>[2], 'runId'>,
    model: tf.LayersModel,
    tunedWeights: FineTuneResult['encoderWeights'],
    names: string[],
  ): Promise<RunDetail> {
    await finishFineTuneJob(job.id, run, { runId: run.id, ...stored });
    const overlay = { key: run.id, hash: run.encoderHash, weights: tunedWeights };
    this.predictor.adopt(run.id, { model, labels: run.labels, encoderId: asEncoderId(job.encoderId), encoderHash: run.encoderHash, overlay, textModel: stored.textModel ?? null, longText: undefined });
    this.emit({ type: 'progress', task: 'save', done: 1, total: 1, etaSeconds: null, detail: names.length ? `${names.length} encoder weights` : null });
    return run;
  }

  private async save(job: FineTuneJobRecord, prepared: PreparedData, encoder: TunableEncoder, result: FineTuneResult, names: string[]): Promise<RunDetail> {
    this.emit({ type: 'progress', task: 'save', done: 0, total: 1, etaSeconds: null, detail: null });
    const { meta, rows, split, data } = prepared;
    const weightsHash = await tunedWeightsHash(job.baseEncoderHash, result.encoderWeights);
    encoder.weightsHash = weightsHash;
    const model = linearHead(encoder, result.head, data.numClasses, job.settings.seed);
    try {
      const valX = await encoder.embedTexts(data.valTexts, { batchSize: EMBED_BATCH });
      // "Keep the encoder model" on the Train run whose head this one starts from carries over.
      const headRun = job.headInit.kind === 'head-run' ? await getRun(job.headInit.runId).catch(() => null) : null;
      // The fine-tuned encoder competes with the n-gram baseline and their blend on the same validation rows.
      const compared = trainTextModels({
        trainTexts: data.trainTexts, valTexts: data.valTexts, trainY: data.trainY, valY: data.valY, numClasses: data.numClasses,
        trainEmb: null, valEmb: null, dim: encoder.dim, encoderValProbs: await predictProbaAsync(model, valX, encoder.dim), classWeights: job.settings.classWeights,
        // Kept as in Train: the best on validation. A fine-tuned encoder that loses to the n-grams (few
        // rows, long texts it reads only the first window of) must not become the model the user gets;
        // it stays in the run, shown beside them, and its head-only exports still carry it.
        ...(headRun?.config.keepEncoder ? { keep: 'encoder' as const } : {}),
      });
      const kept = compared.comparison.candidates.find((c) => c.kind === compared.comparison.kept)!;
      const misclassified = misclassifiedRows(compared.valProbs, data.valY, split.val, rows, meta.labels);
      // When the fine-tuned encoder is kept, its temperature goes into the head (see trainer.ts).
      const encoderKept = compared.model.kept === 'encoder';
      if (encoderKept) foldTemperatureIntoHead(model, compared.model.temperature);
      const textModel = encoderKept ? { ...compared.model, temperature: 1 } : compared.model;
      const artifacts = await headToArtifacts(model);
      const encoderWeights = encoderWeightsToSafetensors(result.encoderWeights, {
        texttune: JSON.stringify({ encoder: job.encoderId, baseWeightsHash: job.baseEncoderHash, weightsHash }),
      });
      const s = job.settings;
      const config: TrainConfig = {
        valFraction: s.valFraction, seed: s.seed, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.headLearningRate,
        hiddenUnits: 0, dropout: 0, classWeights: s.classWeights, patience: s.patience, maxWindows: 1, windowOverlap: 0,
      };
      const run = trainedRun({
        ...tunedRunIdentity(job, meta, encoder, weightsHash, `fine-tuned top ${s.unfreezeLayers}`),
        config,
        metrics: kept.metrics,
        comparison: compared.comparison,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stopReason === 'early-stopping',
        stoppedByUser: result.stopReason === 'user',
        backend: tf.getBackend(),
        history: result.history.map(toEpochLog),
        misclassified,
        fineTune: {
          settings: s,
          baseEncoderHash: job.baseEncoderHash,
          headInit: job.headInit,
          stopReason: result.stopReason,
          message: result.message,
          peakBytes: job.peakBytes,
          encoderWeightNames: result.encoderWeights.map((w) => w.name),
          resumed: job.resumed,
        },
      });
      return await this.store(job, run, { modelJson: artifacts.modelJson, weightsBin: artifacts.weightsBin, encoderWeights, textModel }, model, result.encoderWeights, names);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }
}

/** What names a tuned run and ties it to its dataset and tuned encoder (both kinds of tuning). */
function tunedRunIdentity(job: FineTuneJobRecord, meta: { name: string; labels: string[] }, encoder: TextEncoder, weightsHash: string, what: string) {
  const createdAt = Date.now();
  return {
    id: newId('run'),
    name: runName(meta.name, createdAt, what),
    createdAt,
    dataset: { id: job.datasetId, name: meta.name },
    encoder: { encoderId: job.encoderId, encoderHash: weightsHash, embeddingDim: encoder.dim, maxSeqLength: encoder.maxSeqLength, tokenizer: encoder.tokenizerName },
    labels: meta.labels,
  };
}

/** The fine-tuned head as a tfjs Layers linear model, so prediction and export code stays the same. */
function linearHead(encoder: TextEncoder, head: { kernel: Float32Array; bias: Float32Array }, numClasses: number, seed: number): tf.LayersModel {
  const model = createHead({ inputDim: encoder.dim, numClasses, hiddenUnits: 0, dropout: 0, seed });
  const weights = [tf.tensor2d(head.kernel, [encoder.dim, numClasses]), tf.tensor1d(head.bias)];
  try {
    model.getLayer('logits').setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
  return model;
}

/** Step progress with an ETA from this session's pace (a resumed run starts mid-way). */
function stepProgress(emit: Emit): (step: number, total: number) => void {
  let first: { step: number; at: number } | null = null;
  let last = Number.NEGATIVE_INFINITY;
  return (step, total) => {
    const now = performance.now();
    first ??= { step: step - 1, at: now };
    if (step < total && now - last < 100) return;
    last = now;
    const done = step - first.step;
    const elapsed = (now - first.at) / 1000;
    const etaSeconds = done > 1 && elapsed > 0.5 ? (elapsed / (done - 1)) * (total - step) : null;
    emit({ type: 'progress', task: 'finetune', done: step, total, etaSeconds, detail: null });
  };
}
