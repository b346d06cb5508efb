// The head as standard tfjs Layers artifacts (model.json + weights.bin), the format
// tf.loadLayersModel reads from any URL, so an exported head works outside TextTune.
import * as tf from '@tensorflow/tfjs';
import { FormatError } from './errors';

export interface HeadArtifacts {
  /** model.json: {format, generatedBy, convertedBy, modelTopology, weightsManifest}. */
  modelJson: object;
  weightsBin: Uint8Array;
}

export const WEIGHTS_FILE = 'weights.bin';

export async function headToArtifacts(model: tf.LayersModel): Promise<HeadArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    captured = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = captured as tf.io.ModelArtifacts | null;
  if (!a || !a.modelTopology || !a.weightSpecs) throw new FormatError('invalid-model', 'headToArtifacts: model.save produced no topology or weight specs');
  const parts = a.weightData === undefined ? [] : Array.isArray(a.weightData) ? a.weightData : [a.weightData];
  const weightsBin = concat(parts.map((p) => new Uint8Array(p)));
  const modelJson = {
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs }],
  };
  return { modelJson, weightsBin };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

export async function artifactsToHead(modelJson: object, weightsBin: Uint8Array): Promise<tf.LayersModel> {
  const json = modelJson as { modelTopology?: unknown; weightsManifest?: unknown };
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new FormatError('invalid-model', 'artifactsToHead: modelJson.modelTopology is missing; this is not a tfjs Layers model.json');
  }
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig | undefined;
  if (!Array.isArray(manifest) || !manifest.every((g) => Array.isArray(g?.weights))) {
    throw new FormatError('invalid-model', `artifactsToHead: modelJson.weightsManifest must be an array of {paths, weights}, got ${JSON.stringify(manifest)?.slice(0, 80)}`);
  }
  const weightSpecs = manifest.flatMap((g) => g.weights);
  let expected = 0;
  for (const s of weightSpecs) {
    // Quantized weights change the byte count; a head is never quantized, so refuse rather than misread.
    const bytes = DTYPE_BYTES[s.dtype];
    if (bytes === undefined || s.quantization) throw new FormatError('invalid-model', `artifactsToHead: weight "${s.name}" has unsupported dtype/quantization ${s.dtype}`);
    expected += bytes * s.shape.reduce((x, y) => x * y, 1);
  }
  if (expected !== weightsBin.length) {
    throw new FormatError('invalid-model', `artifactsToHead: the weights manifest needs ${expected} bytes, weights.bin has ${weightsBin.length}`);
  }
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology as object,
    weightSpecs,
    weightData: weightsBin.slice().buffer,
  }));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
