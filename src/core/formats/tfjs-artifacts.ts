// The head as standard tfjs Layers artifacts (model.json + weights.bin), the format
// tf.loadLayersModel reads from any URL, so an exported head works outside TextTune.
import * as tf from '@tensorflow/tfjs';
import { FormatError } from './errors';
import { assertFiniteWeights } from './safetensors';
import { disposeVariablesSince, variableNames } from '../tfjs-internals';

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

/**
 * Everything about model.json + weights.bin that can be checked without tfjs: the weights
 * manifest against the bytes, the topology against the manifest (checkTopology), and every float
 * finite. Returns what tfjs needs; artifactsToHead calls it, and imports call it before anything else.
 */
export function checkHeadArtifacts(modelJson: object, weightsBin: Uint8Array): { topology: object; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
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
    if (bytes === undefined || s.quantization || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new FormatError('invalid-model', `artifactsToHead: weight "${s.name}" has unsupported dtype/quantization/shape ${s.dtype} ${JSON.stringify(s.shape)}`);
    }
    expected += bytes * s.shape.reduce((x, y) => x * y, 1);
  }
  if (expected !== weightsBin.length) {
    throw new FormatError('invalid-model', `artifactsToHead: the weights manifest needs ${expected} bytes, weights.bin has ${weightsBin.length}`);
  }
  checkTopology(json.modelTopology, weightSpecs);
  const weightData = weightsBin.slice().buffer;
  let offset = 0;
  for (const s of weightSpecs) {
    const n = s.shape.reduce((x, y) => x * y, 1);
    if (s.dtype === 'float32') assertFiniteWeights([{ name: s.name, data: new Float32Array(weightData, offset, n) }], 'artifactsToHead');
    offset += n * DTYPE_BYTES[s.dtype]!;
  }
  return { topology: json.modelTopology as object, weightSpecs, weightData };
}

export async function artifactsToHead(modelJson: object, weightsBin: Uint8Array): Promise<tf.LayersModel> {
  const { topology, weightSpecs, weightData } = checkHeadArtifacts(modelJson, weightsBin);
  // checkTopology makes tfjs allocate exactly the weights listed; should loading still fail,
  // dispose whatever variables it created, so a refused file leaks nothing.
  const before = variableNames();
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData }));
  } catch (err) {
    disposeVariablesSince(before);
    throw new FormatError('invalid-model', `artifactsToHead: tfjs could not build the head (${(err as Error).message})`);
  }
}

/** Layers a TextTune head is made of; anything else in an imported model.json is refused. */
const HEAD_LAYERS = new Set(['Dense', 'Dropout', 'Activation', 'InputLayer']);
/** A head larger than this (parameters) is refused: 1024-d embeddings × a 4,096-unit hidden layer is 4.2 M. */
export const MAX_HEAD_PARAMS = 16 * 1024 * 1024;

/**
 * tfjs allocates every layer as the topology declares it before it reads weights.bin, so a
 * model.json declaring a Dense layer far larger than its weights allocated gigabytes, failed and
 * leaked them. Here each Dense layer must match its kernel/bias specs exactly, chained from the
 * declared input width, before tfjs sees the file.
 */
function checkTopology(topology: unknown, specs: tf.io.WeightsManifestEntry[]): void {
  const fail = (msg: string): never => {
    throw new FormatError('invalid-model', `artifactsToHead: model.json ${msg}`);
  };
  const t = topology as { class_name?: unknown; config?: { layers?: unknown } | unknown[] };
  const layers = (Array.isArray(t.config) ? t.config : (t.config as { layers?: unknown } | undefined)?.layers) as unknown;
  if (t.class_name !== 'Sequential' || !Array.isArray(layers) || layers.length === 0) fail(`modelTopology must be a Sequential model with layers; got class_name ${JSON.stringify(t.class_name)}`);
  const byName = new Map(specs.map((s) => [s.name, s]));
  let width: number | null = null;
  let params = 0;
  for (const raw of layers as { class_name?: unknown; config?: Record<string, unknown> }[]) {
    const kind = String(raw?.class_name);
    const c = raw?.config ?? {};
    if (!HEAD_LAYERS.has(kind)) fail(`has a ${kind.slice(0, 40)} layer; a head has only ${[...HEAD_LAYERS].join(', ')} layers`);
    const input = (c.batch_input_shape ?? c.batchInputShape) as unknown;
    if (Array.isArray(input)) {
      const declared = input[input.length - 1];
      if (!Number.isInteger(declared) || declared < 1) fail(`layer "${String(c.name)}" declares input shape ${JSON.stringify(input)}`);
      width = declared as number;
    }
    if (kind !== 'Dense') continue;
    const units = c.units;
    const kernel = byName.get(`${String(c.name)}/kernel`);
    if (!Number.isInteger(units) || (units as number) < 1) fail(`Dense layer "${String(c.name)}" has units ${JSON.stringify(units)}`);
    if (!kernel || kernel.shape.length !== 2 || kernel.shape[1] !== units || (width !== null && kernel.shape[0] !== width)) {
      fail(`Dense layer "${String(c.name)}" declares ${width ?? '?'} → ${String(units)} units but its weights are ${kernel ? `[${kernel.shape}]` : 'missing'}; the file was edited or damaged`);
    }
    const bias = byName.get(`${String(c.name)}/bias`);
    if (c.use_bias !== false && (!bias || bias.shape.length !== 1 || bias.shape[0] !== units)) fail(`Dense layer "${String(c.name)}" needs a bias of [${String(units)}]; found ${bias ? `[${bias.shape}]` : 'none'}`);
    params += kernel!.shape[0]! * (units as number);
    if (params > MAX_HEAD_PARAMS) fail(`declares more than ${MAX_HEAD_PARAMS.toLocaleString('en')} parameters; a classification head is far smaller`);
    width = units as number;
  }
  if (width === null) fail('declares no input shape');
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
