// The Hugging Face format in the app: export a BERT-family run as a BertForSequenceClassification
// zip (core/formats/hf-export.ts), and import such a zip or folder as a run that predicts here.
// An imported model's encoder is cached like a Hub model under "hf-import:<sha256 of its
// model.safetensors>", with texttune.json saying how it pools; the classifier becomes a linear
// tfjs head, so prediction, bundles and re-export work as for any other run.
import * as tf from '@tensorflow/tfjs';
import { strFromU8 } from 'fflate';
import { BertEncoder } from '../core/encoders/bert';
import { exportHfClassifier, HF_IMPORT_FILES, importHfClassifier, unzipHfFolder, type LinearHead } from '../core/formats/hf-export';
import { encoderWeightsFromSafetensors } from '../core/formats/encoder-weights';
import { headToArtifacts } from '../core/formats/tfjs-artifacts';
import { checkFileSize, describeArchive, listZip, MAX_MEMBER_BYTES } from '../core/formats/zip';
import { createHead } from '../core/train/head';
import { sha256Hex } from '../core/sha256';
import { IMPORTED_CONFIG, importedRun, runSummary, unknownMetrics } from '../core/model/run-record';
import { getDatasetRows } from '../storage/datasets';
import { getModel, getRun, listRuns, saveRun } from '../storage/runs';
import { newId, type RunRecord } from '../storage/db';
import type { ExportedFile, RunSummary } from './protocol';
import { EngineError } from './errors';
import type { EncoderStore } from './encoders';
import { headTensors } from './exporter';
import { IMPORT_REVISION, TEXTTUNE_FILE, encoderSpec, importEncoderId, parseEncoderId, toRecords, type TextTuneEncoderFile } from './hub-encoders';

const slug = (s: string): string => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60) || 'model';

/** The run's head as one linear layer; an MLP head has no place in BertForSequenceClassification. */
function linearHead(run: RunRecord, model: Awaited<ReturnType<typeof getModel>>): LinearHead {
  const tensors = headTensors(model);
  const n = run.labels.length;
  const kernel = tensors.find((t) => t.shape.length === 2 && t.shape[0] === run.embeddingDim && t.shape[1] === n);
  const bias = tensors.find((t) => t.shape.length === 1 && t.shape[0] === n);
  if (tensors.length !== 2 || !kernel || !bias) {
    throw new EngineError(
      'BAD_ARGUMENT',
      `the Hugging Face format holds a linear classifier; this run's head has a ${run.config.hiddenUnits}-unit hidden layer. Train again with hidden units 0 (or fine-tune) to export it`,
    );
  }
  return { kernel: Float32Array.from(kernel.data), bias: Float32Array.from(bias.data), labels: run.labels };
}

export async function exportHfRun(runId: string, encoders: EncoderStore): Promise<ExportedFile> {
  const [run, model] = await Promise.all([getRun(runId), getModel(runId)]);
  const encoderId = parseEncoderId(run.encoderId);
  if (encoderSpec(encoderId).kind === 'use-lite') {
    throw new EngineError('BAD_ARGUMENT', 'the Hugging Face export needs a BERT-family encoder; this run used USE-lite (export it as a bundle, tfjs or safetensors instead)');
  }
  const head = linearHead(run, model);
  const overlay = model.encoderWeights ? { key: runId, hash: run.encoderHash, weights: encoderWeightsFromSafetensors(model.encoderWeights) } : null;
  const rows = run.datasetId ? await getDatasetRows(run.datasetId).catch(() => null) : null;
  const bytes = await encoders.use(encoderId, overlay, async ({ encoder, files }) => {
    if (!(encoder instanceof BertEncoder)) throw new EngineError('BAD_ARGUMENT', `the encoder "${encoderId}" is not a BERT-family model`);
    if (encoder.weightsHash !== run.encoderHash) {
      throw new EngineError('BUNDLE_MISMATCH', `this run was trained on encoder weights ${run.encoderHash.slice(0, 12)}…, but the loaded ${encoderId} has ${encoder.weightsHash.slice(0, 12)}…`);
    }
    const tokenizer = files.find((f) => f.path === 'tokenizer.json');
    return exportHfClassifier({
      encoder,
      head,
      ...(tokenizer ? { tokenizerJson: JSON.parse(strFromU8(new Uint8Array(tokenizer.bytes))) } : {}),
      ...(rows ? { trainingData: { texts: rows.texts, labels: rows.labels } } : {}),
    });
  });
  return { fileName: `${slug(run.name)}-hf.zip`, mime: 'application/zip', bytes };
}

/** Path → bytes of a dropped folder (its top directory stripped) or of a zip (one file). */
async function readFiles(files: { path: string; file: Blob }[]): Promise<Record<string, Uint8Array>> {
  if (files.length === 0) throw new EngineError('BAD_ARGUMENT', 'import: no files were given');
  const read = async (b: Blob) => new Uint8Array(await b.arrayBuffer());
  try {
    if (files.length === 1 && !files[0]!.path.endsWith('config.json')) {
      checkFileSize(files[0]!.file.size, files[0]!.path);
      return flatten(unzipHfFolder(await read(files[0]!.file)));
    }
    // A dropped folder: only the files we use are read, each within the per-file cap.
    const out: Record<string, Uint8Array> = {};
    for (const f of files) {
      if (!HF_IMPORT_FILES.includes(f.path.split('/').pop()!)) continue;
      checkFileSize(f.file.size, f.path, MAX_MEMBER_BYTES);
      out[f.path] = await read(f.file);
    }
    return flatten(out);
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('BUNDLE_INVALID', `${files.length === 1 ? files[0]!.path : 'import'}: ${(err as Error).message}`);
  }
}

/** Strips one top-level folder ("my-model/config.json" → "config.json"). */
function flatten(files: Record<string, Uint8Array>): Record<string, Uint8Array> {
  if (files['config.json']) return files;
  const top = Object.keys(files).find((p) => p.endsWith('/config.json') && p.split('/').length === 2);
  if (!top) return files;
  const dir = top.slice(0, -'config.json'.length);
  return Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith(dir)).map(([p, b]) => [p.slice(dir.length), b]));
}

const KEEP = HF_IMPORT_FILES;

export async function importHfModel(name: string, given: { path: string; file: Blob }[], encoders: EncoderStore): Promise<RunSummary> {
  const files = await readFiles(given);
  const weights = files['model.safetensors'];
  if (!weights) {
    // Only the Hugging Face files are read: name what the zip is instead of "found no files".
    const zip = given.length === 1 ? given[0]! : null;
    const names = zip ? listZip(new Uint8Array(await zip.file.arrayBuffer()), zip.path).map((e) => e.name) : given.map((g) => g.path);
    const found = Object.keys(files).join(', ') || 'none of config.json, model.safetensors, tokenizer.json, vocab.txt';
    throw new EngineError('BUNDLE_INVALID', `import: model.safetensors is missing; found ${found}.${describeArchive(names)}`);
  }
  const id = importEncoderId(await sha256Hex(weights));
  let imported: Awaited<ReturnType<typeof importHfClassifier>>;
  try {
    imported = await importHfClassifier(files, { id });
  } catch (err) {
    throw new EngineError('BUNDLE_INVALID', `${name}: ${(err as Error).message}`);
  }
  const { encoder, head } = imported;
  let artifacts: Awaited<ReturnType<typeof headToArtifacts>>;
  try {
    artifacts = await linearArtifacts(encoder.dim, head);
  } catch (err) {
    encoder.dispose();
    throw err;
  }
  const ours: TextTuneEncoderFile = { pooling: encoder.pooling, maxSeqLength: encoder.maxSeqLength };
  const kept: Record<string, Uint8Array> = { [TEXTTUNE_FILE]: new TextEncoder().encode(JSON.stringify(ours)) };
  for (const p of KEEP) if (files[p]) kept[p] = files[p];
  const sha: Record<string, string> = {};
  for (const [p, b] of Object.entries(kept)) sha[p] = await sha256Hex(b);
  const weightsHash = encoder.weightsHash;
  const loaded = await encoders.adopt(id, encoder, toRecords(id, IMPORT_REVISION, kept, sha));
  if (loaded.info.weightsHash !== weightsHash) throw new EngineError('INTERNAL', `the stored encoder "${id}" has other weights than the imported file`);
  const runId = newId('run');
  const run = importedRun({
    id: runId,
    name,
    createdAt: Date.now(),
    datasetName: '(imported)',
    encoder: { encoderId: id, encoderHash: weightsHash, embeddingDim: encoder.dim, maxSeqLength: encoder.maxSeqLength, tokenizer: encoder.tokenizerName },
    labels: head.labels,
    config: { ...IMPORTED_CONFIG },
    metrics: unknownMetrics(),
    bestEpoch: 0,
    backend: tf.getBackend(),
    history: [],
  });
  try {
    await saveRun(run, { runId, modelJson: artifacts.modelJson, weightsBin: artifacts.weightsBin, encoderWeights: null });
  } catch (err) {
    // The encoder files went in first (their own transaction): without the run they would be
    // orphans nothing can delete. Remove them unless another run of the same model uses them.
    await dropUnusedImportedEncoder(id, encoders).catch(() => undefined);
    throw err;
  }
  return runSummary(run);
}

/** The classifier as the app's linear tfjs head (softmax over x·W + b, as BertForSequenceClassification's logits). */
async function linearArtifacts(dim: number, head: LinearHead): Promise<Awaited<ReturnType<typeof headToArtifacts>>> {
  const n = head.labels.length;
  const model = createHead({ inputDim: dim, numClasses: n, hiddenUnits: 0, dropout: 0, seed: 0 });
  const weights = [tf.tensor2d(head.kernel, [dim, n]), tf.tensor1d(head.bias)];
  try {
    model.getLayer('logits').setWeights(weights);
    return await headToArtifacts(model);
  } finally {
    tf.dispose(weights);
    model.dispose();
  }
}

/** After a run is deleted: an imported model's encoder files go with its last run. */
export async function dropUnusedImportedEncoder(encoderId: string, encoders: EncoderStore): Promise<void> {
  const id = parseEncoderId(encoderId);
  if (encoderSpec(id).kind !== 'import') return;
  if ((await listRuns()).some((r) => r.encoderId === id)) return;
  await encoders.forget(id, true);
}
