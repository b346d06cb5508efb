// Export a stored run (tfjs Layers zip, single-file bundle, safetensors) and import bundles.
import { MAX_WINDOW_OVERLAP } from '../core/tokenizers/batch';
import { zipSync, strToU8 } from 'fflate';
import { encodeSafetensors, type SafetensorsTensor } from '../core/formats/safetensors';
import { artifactsToHead, checkHeadArtifacts, WEIGHTS_FILE } from '../core/formats/tfjs-artifacts';
import { checkFileSize } from '../core/formats/zip';
import { BUNDLE_EXTENSION, BUNDLE_FORMAT, BUNDLE_VERSION, readBundle, writeBundle, type BundleMetadata } from '../core/formats/bundle';
import { getModel, getRun, saveRun } from '../storage/runs';
import { newId, type ModelRecord, type RunRecord } from '../storage/db';
import { encoderWeightsFromSafetensors } from '../core/formats/encoder-weights';
import { decodeTextModel, encodeTextModel } from '../core/formats/text-model-file';
import type { TextModel } from '../core/train/text-model';
import { IMPORTED_CONFIG, importedRun, runSummary } from '../core/model/run-record';
import type { Comparison, EpochLog, ExportFormat, LongTextOptions, ExportedFile, FineTuneInfo, RunMetrics, RunSummary, TrainConfig } from './protocol';
import { EngineError, assertNever } from './errors';
import type { EncoderStore } from './encoders';
import { asEncoderId } from './predictor';
import { encoderSpec } from './hub-encoders';
import { findPreset } from '../core/encoders/registry';
import type { EncoderOverlay } from './encoder-weights';

/**
 * metadata.json of the tfjs export and texttune.json of the bundle: the bundle's required
 * fields plus what the app shows about a run (full metrics, history, names).
 */
export type ModelMetadata = BundleMetadata & {
  name: string;
  embeddingDim: number;
  metrics: RunMetrics;
  history: EpochLog[];
  bestEpoch: number;
  epochsRun: number;
  datasetName: string;
  backend: string;
  /** Set when the bundle carries fine-tuned encoder layers (encoder.weightsHash is then the tuned encoder's). */
  fineTune: FineTuneInfo | null;
  /** The candidates compared on validation and which one is the model (null: the head alone). */
  comparison: Comparison | null;
  /** How texts are embedded: windows per long text (null: the first window only). */
  longText: LongTextOptions | null;
};

/** Names an encoder's tokenizer (TextEncoder.tokenizerName), loading the encoder if need be. */
export type TokenizerLookup = (encoderId: string) => Promise<string>;

/**
 * The run's tokenizer as its encoder named it when the run was made. Runs stored before that
 * was recorded ask the encoder itself; "unknown" only when it cannot be loaded.
 */
export async function runTokenizer(run: RunRecord, lookup?: TokenizerLookup): Promise<string> {
  if (run.tokenizer) return run.tokenizer;
  return (await lookup?.(run.encoderId).catch(() => undefined)) ?? 'unknown';
}

export function runMetadata(run: RunRecord, tokenizer: string = run.tokenizer ?? 'unknown'): ModelMetadata {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    labels: run.labels,
    encoder: { id: run.encoderId, weightsHash: run.encoderHash, maxSeqLength: run.maxSeqLength, tokenizer },
    hyperParameters: { ...run.config },
    metrics: run.metrics,
    ...(run.datasetId ? { datasetId: run.datasetId } : {}),
    createdAt: new Date(run.createdAt).toISOString(),
    name: run.name,
    embeddingDim: run.embeddingDim,
    history: run.history,
    bestEpoch: run.bestEpoch,
    epochsRun: run.epochsRun,
    datasetName: run.datasetName,
    backend: run.backend,
    fineTune: run.fineTune ?? null,
    comparison: run.comparison ?? null,
    longText: run.longText ?? null,
  };
}

/** The fine-tuned encoder layers inside the tfjs zip (names as in the encoder's files). */
export const ENCODER_WEIGHTS_FILE = 'encoder-weights.safetensors';

const slug = (s: string): string => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60) || 'model';

/** The head weights by name, read straight from the tfjs weights manifest (no tfjs needed). */
export function headTensors(model: ModelRecord): SafetensorsTensor[] {
  type Spec = { name: string; shape: number[]; dtype: string };
  const specs = (model.modelJson as { weightsManifest: { weights: Spec[] }[] }).weightsManifest.flatMap((g) => g.weights);
  const out: SafetensorsTensor[] = [];
  let offset = model.weightsBin.byteOffset;
  for (const s of specs) {
    const count = s.shape.reduce((a, b) => a * b, 1);
    if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new EngineError('INTERNAL', `head weight ${s.name} has dtype ${s.dtype}`);
    const bytes = model.weightsBin.buffer.slice(offset, offset + count * 4) as ArrayBuffer;
    out.push({ name: s.name, shape: s.shape, dtype: s.dtype === 'float32' ? 'F32' : 'I32', data: s.dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes) });
    offset += count * 4;
  }
  return out;
}

export async function exportRun(runId: string, format: ExportFormat, tokenizerOf?: TokenizerLookup): Promise<ExportedFile> {
  const [run, model] = await Promise.all([getRun(runId), getModel(runId)]);
  return await exportFiles(run, model, format, await runTokenizer(run, tokenizerOf));
}

/** The exported file of a run and its stored head (no storage access: tests call it directly). */
export async function exportFiles(run: RunRecord, model: ModelRecord, format: ExportFormat, tokenizer?: string): Promise<ExportedFile> {
  const metadata = runMetadata(run, tokenizer);
  const base = slug(run.name);
  switch (format) {
    case 'tfjs-zip': {
      const bytes = zipSync({
        'model.json': strToU8(JSON.stringify(model.modelJson)),
        [WEIGHTS_FILE]: model.weightsBin,
        'metadata.json': strToU8(JSON.stringify(metadata, null, 2)),
        // The head alone would predict wrongly without the encoder layers it was tuned with.
        ...(model.encoderWeights ? { [ENCODER_WEIGHTS_FILE]: model.encoderWeights } : {}),
      });
      return { fileName: `${base}-tfjs.zip`, mime: 'application/zip', bytes };
    }
    case 'bundle': {
      const bytes = await writeBundle({
        metadata,
        head: { modelJson: model.modelJson, weightsBin: model.weightsBin },
        ...(model.encoderWeights ? { encoderWeights: model.encoderWeights } : {}),
        ...(model.textModel ? { textModel: encodeTextModel(model.textModel) } : {}),
      });
      return { fileName: `${base}${BUNDLE_EXTENSION}`, mime: 'application/zip', bytes };
    }
    case 'safetensors': {
      const head = headTensors(model);
      // Fine-tuned encoder layers go beside the head under their names in the encoder's files.
      const encoder: SafetensorsTensor[] = model.encoderWeights
        ? encoderWeightsFromSafetensors(model.encoderWeights).map((w) => ({ name: w.name, dtype: 'F32' as const, shape: w.shape, data: w.data }))
        : [];
      const meta: Record<string, string> = {
        format: 'pt',
        texttune: JSON.stringify({
          labels: run.labels,
          encoder: metadata.encoder,
          head: head.map((t) => t.name),
          encoderTensors: encoder.map((t) => t.name),
          ...(run.fineTune ? { baseEncoderWeightsHash: run.fineTune.baseEncoderHash } : {}),
        }),
      };
      return { fileName: `${base}.safetensors`, mime: 'application/octet-stream', bytes: encodeSafetensors([...head, ...encoder], meta) };
    }
    default:
      return assertNever(format, 'export format');
  }
}

/** Fills what an imported bundle may lack (older or foreign exports) with neutral values. */
function importedMetrics(md: BundleMetadata, k: number): RunMetrics {
  const m = md.metrics as Partial<RunMetrics> | null;
  return {
    accuracy: m?.accuracy ?? NaN,
    macroF1: m?.macroF1 ?? NaN,
    perClass: Array.isArray(m?.perClass) && m.perClass.length === k ? m.perClass : [],
    confusion: Array.isArray(m?.confusion) && m.confusion.length === k ? m.confusion : [],
  };
}

function importedLongText(v: unknown): LongTextOptions | null {
  if (!v || typeof v !== 'object') return null;
  const { policy, maxWindows, overlap } = v as Partial<LongTextOptions>;
  if ((policy !== 'chunk' && policy !== 'truncate') || !Number.isInteger(maxWindows) || maxWindows! < 1 || maxWindows! > 64) return null;
  if (overlap !== undefined && !(typeof overlap === 'number' && overlap >= 0 && overlap <= MAX_WINDOW_OVERLAP)) return null;
  return { policy, maxWindows: maxWindows!, ...(overlap ? { overlap } : {}) };
}

/**
 * Why a file given to "Import bundle" could not be read, in the user's words: the reader's name
 * ("readBundle: ") is for logs, and "no end-of-central-directory record" means "not a zip" (a CSV,
 * a .safetensors export picked by mistake).
 */
export function bundleReadError(fileName: string, message: string): string {
  const why = message.replace(/^readBundle: /, '');
  if (/not a readable zip \(no end-of-central-directory record\)/.test(why)) {
    return `${fileName} is not a valid TextTune bundle: it is not a zip file. A bundle is the .texttune.zip file that Export → “Download bundle” saves.`;
  }
  return `${fileName} is not a valid TextTune bundle: ${why}`;
}

/**
 * Reads and checks everything (container, metadata, encoder match, head weights and shape)
 * before writing anything: a damaged or mismatched file changes nothing.
 */
export async function importBundle(file: Blob, fileName: string, encoders: EncoderStore, allowDownload = false): Promise<RunSummary> {
  let bundle: Awaited<ReturnType<typeof readBundle>>;
  try {
    checkFileSize(file.size, fileName);
    bundle = await readBundle(new Uint8Array(await file.arrayBuffer()));
  } catch (err) {
    throw new EngineError('BUNDLE_INVALID', bundleReadError(fileName, (err as Error).message));
  }
  try {
    // The head's topology and weights first: a crafted bundle is refused before any encoder loads.
    checkHeadArtifacts(bundle.head.modelJson, bundle.head.weightsBin);
  } catch (err) {
    throw new EngineError('BUNDLE_INVALID', `${fileName}: the head weights cannot be loaded: ${(err as Error).message}`);
  }
  const md = bundle.metadata as Partial<ModelMetadata> & BundleMetadata;
  const encoderId = asEncoderId(md.encoder.id);
  // A bundle names its encoder; one from the Hub that is not here yet would be downloaded from
  // huggingface.co just by opening a file: ask first.
  const spec = encoderSpec(encoderId);
  if (spec.kind === 'hub' && !allowDownload && !(await encoders.present(encoderId))) {
    const preset = findPreset(spec.ref.repo);
    throw new EngineError(
      'CONFIRM_DOWNLOAD',
      `${fileName} was trained on the Hugging Face model ${spec.ref.repo}@${spec.ref.revision}, which is not in this browser yet. ` +
        `Importing it downloads that model from huggingface.co${preset ? ` (${preset.sizeMB.toFixed(0)} MB, ${preset.license})` : ''}. Download it and import?`,
    );
  }
  let overlay: EncoderOverlay | null = null;
  if (bundle.encoderWeights) {
    try {
      overlay = { key: `import:${md.encoder.weightsHash}`, hash: md.encoder.weightsHash, weights: encoderWeightsFromSafetensors(bundle.encoderWeights) };
    } catch (err) {
      throw new EngineError('BUNDLE_INVALID', `${fileName}: the fine-tuned encoder weights cannot be read: ${(err as Error).message}`);
    }
  }
  // With fine-tuned layers, applying them to this app's encoder must reproduce the recorded hash
  // (checked by the overlay itself): proof that base weights and layers both match.
  const { dim, tokenizer } = await encoders.use(encoderId, overlay, async ({ encoder }) => {
    if (encoder.weightsHash !== md.encoder.weightsHash) {
      throw new EngineError(
        'BUNDLE_MISMATCH',
        `${fileName} was trained on ${md.encoder.id} weights ${md.encoder.weightsHash.slice(0, 12)}…, but this app's ${encoderId} has ${encoder.weightsHash.slice(0, 12)}…; its predictions would be wrong, so it was not imported`,
      );
    }
    // This app's encoder names its tokenizer (older bundles may say "unknown").
    return { dim: encoder.dim, tokenizer: encoder.tokenizerName };
  });
  let head;
  try {
    head = await artifactsToHead(bundle.head.modelJson, bundle.head.weightsBin);
  } catch (err) {
    throw new EngineError('BUNDLE_INVALID', `${fileName}: the head weights cannot be loaded: ${(err as Error).message}`);
  }
  try {
    const inDim = head.inputs[0]!.shape[1];
    const outDim = head.outputs[0]!.shape[1];
    if (inDim !== dim) throw new EngineError('BUNDLE_MISMATCH', `${fileName}: the head expects ${inDim}-d embeddings, the encoder gives ${dim}-d`);
    if (outDim !== md.labels.length) throw new EngineError('BUNDLE_INVALID', `${fileName}: the head has ${outDim} outputs but the metadata lists ${md.labels.length} labels`);
  } finally {
    head.dispose();
  }
  let textModel: TextModel | null = null;
  if (bundle.textModel) {
    try {
      textModel = decodeTextModel(bundle.textModel, md.labels.length, dim);
    } catch (err) {
      throw new EngineError('BUNDLE_INVALID', `${fileName}: the n-gram part of the model cannot be read: ${(err as Error).message}`);
    }
  }
  const longText = importedLongText(md.longText);
  const comparison = textModel && md.comparison && typeof md.comparison === 'object' && md.comparison.kept === textModel.kept && Array.isArray(md.comparison.candidates) ? md.comparison : null;
  const id = newId('run');
  const run = importedRun({
    id,
    name: importedRunName(typeof md.name === 'string' && md.name ? md.name : fileName),
    createdAt: Date.now(),
    datasetName: typeof md.datasetName === 'string' ? md.datasetName : '(imported)',
    encoder: { encoderId, encoderHash: md.encoder.weightsHash, embeddingDim: dim, maxSeqLength: md.encoder.maxSeqLength, tokenizer },
    labels: md.labels,
    config: { ...IMPORTED_CONFIG, ...(md.hyperParameters as Partial<TrainConfig>) },
    metrics: importedMetrics(md, md.labels.length),
    bestEpoch: Number(md.bestEpoch ?? 0),
    epochsRun: Number(md.epochsRun ?? 0),
    backend: typeof md.backend === 'string' ? md.backend : 'unknown',
    history: Array.isArray(md.history) ? md.history : [],
    fineTune: md.fineTune && bundle.encoderWeights ? md.fineTune : undefined,
    comparison: comparison ?? undefined,
    longText: longText ?? undefined,
  });
  await saveRun(run, { runId: id, modelJson: bundle.head.modelJson, weightsBin: bundle.head.weightsBin, encoderWeights: bundle.encoderWeights ?? null, textModel });
  return runSummary(run);
}

/** An imported run's name says so: next to the run it was exported from, the two were indistinguishable in every list. */
export function importedRunName(name: string): string {
  return /\(imported\)$/.test(name) ? name : `${name} (imported)`;
}
