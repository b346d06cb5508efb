// The kept model's non-tfjs parts (n-gram vectorizer, baseline and hybrid logistic regressions,
// blend weight, temperature) as one safetensors file: `text-model.safetensors` in a bundle.
// Tensors: vectorizer.idf_index (I32), vectorizer.idf_value, {ngram,hybrid}.{weights,bias} (F32);
// `__metadata__.texttune_text_model` holds the rest as JSON. Every field is checked on read:
// a lying file is refused before anything is stored.
import type { LinearModel } from '../train/logreg';
import { MODEL_KINDS, type ModelKind, type TextModel } from '../train/text-model';
import type { NgramConfig } from '../train/ngram';
import { FormatError } from './errors';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors';

const META_KEY = 'texttune_text_model';

interface TextModelMeta {
  version: 1;
  kept: ModelKind;
  blendWeight: number;
  temperature: number;
  /** Absent in files written before it existed: 1. */
  embeddingScale?: number;
  /** Absent in files written before it existed: [1, 1]. */
  partTemperatures?: [number, number];
  ngramConfig: NgramConfig | null;
  ngram: { numClasses: number; sparseDim: number; denseDim: number } | null;
  hybrid: { numClasses: number; sparseDim: number; denseDim: number } | null;
}

export function encodeTextModel(m: TextModel): Uint8Array {
  const tensors: SafetensorsTensor[] = [];
  if (m.vectorizer) {
    tensors.push({ name: 'vectorizer.idf_index', dtype: 'I32', shape: [m.vectorizer.idfIndex.length], data: m.vectorizer.idfIndex });
    tensors.push({ name: 'vectorizer.idf_value', dtype: 'F32', shape: [m.vectorizer.idfValue.length], data: m.vectorizer.idfValue });
  }
  const linear = (name: string, l: LinearModel | null) => {
    if (!l) return null;
    tensors.push({ name: `${name}.weights`, dtype: 'F32', shape: [l.sparseDim + l.denseDim, l.numClasses], data: l.weights });
    tensors.push({ name: `${name}.bias`, dtype: 'F32', shape: [l.numClasses], data: l.bias });
    return { numClasses: l.numClasses, sparseDim: l.sparseDim, denseDim: l.denseDim };
  };
  const meta: TextModelMeta = {
    version: 1,
    kept: m.kept,
    blendWeight: m.blendWeight,
    temperature: m.temperature,
    embeddingScale: m.embeddingScale,
    partTemperatures: m.partTemperatures,
    ngramConfig: m.vectorizer?.config ?? null,
    ngram: linear('ngram', m.ngram),
    hybrid: linear('hybrid', m.hybrid),
  };
  return encodeSafetensors(tensors, { [META_KEY]: JSON.stringify(meta) });
}

const bad = (msg: string): never => {
  throw new FormatError('invalid-model', `text model: ${msg}`);
};
const finiteIn = (v: unknown, lo: number, hi: number, what: string): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : bad(`${what} must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
const int = (v: unknown, lo: number, hi: number, what: string): number => (Number.isInteger(v) ? finiteIn(v, lo, hi, what) : bad(`${what} must be an integer, got ${JSON.stringify(v)}`));

/** Reads and checks a text-model file for a model with `numClasses` labels and `embeddingDim`-wide embeddings. */
export function decodeTextModel(bytes: Uint8Array, numClasses: number, embeddingDim: number): TextModel {
  const file = decodeSafetensors(bytes);
  let meta: TextModelMeta;
  try {
    meta = JSON.parse(file.metadata[META_KEY] ?? 'null') as TextModelMeta;
  } catch {
    return bad('its metadata is not JSON');
  }
  if (!meta || typeof meta !== 'object' || meta.version !== 1) bad('missing or unsupported metadata (version 1 expected)');
  if (!MODEL_KINDS.includes(meta.kept)) bad(`unknown kept model ${JSON.stringify(meta.kept)}`);
  const tensor = (name: string) => file.tensors.find((t) => t.name === name) ?? null;
  let vectorizer: TextModel['vectorizer'] = null;
  if (meta.ngramConfig) {
    const c = meta.ngramConfig;
    const orders = (o: unknown, what: string): [number, number] =>
      Array.isArray(o) && o.length === 2 ? [int(o[0], 0, 8, what), int(o[1], 0, 8, what)] : bad(`${what} must be [min, max]`);
    const buckets = int(c.buckets, 16, 1 << 24, 'ngramConfig.buckets');
    if ((buckets & (buckets - 1)) !== 0) bad('ngramConfig.buckets must be a power of two');
    const config: NgramConfig = {
      wordNgrams: orders(c.wordNgrams, 'ngramConfig.wordNgrams'),
      charNgrams: orders(c.charNgrams, 'ngramConfig.charNgrams'),
      buckets,
      maxChars: int(c.maxChars, 1, 10_000_000, 'ngramConfig.maxChars'),
    };
    const idx = tensor('vectorizer.idf_index');
    const val = tensor('vectorizer.idf_value');
    if (!idx || !val || idx.dtype !== 'I32' || val.dtype !== 'F32' || idx.data.length !== val.data.length) bad('the vectorizer tensors are missing or do not match');
    const idfIndex = idx!.data as Int32Array;
    for (let i = 0; i < idfIndex.length; i++) {
      if (!(idfIndex[i]! >= 0 && idfIndex[i]! < buckets) || (i > 0 && idfIndex[i]! <= idfIndex[i - 1]!)) bad('vectorizer.idf_index must be ascending bucket numbers');
    }
    const idfValue = val!.data as Float32Array;
    if (!idfValue.every((v) => Number.isFinite(v) && v > 0)) bad('vectorizer.idf_value must be positive finite numbers');
    vectorizer = { config, idfIndex, idfValue };
  }
  const linear = (name: 'ngram' | 'hybrid', shape: TextModelMeta['ngram'], wantDense: number): LinearModel | null => {
    if (!shape) return null;
    if (!vectorizer) bad(`${name} needs the vectorizer`);
    const k = int(shape.numClasses, 2, 100_000, `${name}.numClasses`);
    if (k !== numClasses) bad(`${name} has ${k} classes, the model has ${numClasses} labels`);
    if (shape.sparseDim !== vectorizer!.idfIndex.length) bad(`${name} is ${shape.sparseDim} n-gram columns wide, the vectorizer gives ${vectorizer!.idfIndex.length}`);
    if (shape.denseDim !== wantDense) bad(`${name} expects ${shape.denseDim}-wide embeddings, expected ${wantDense}`);
    const w = tensor(`${name}.weights`);
    const b = tensor(`${name}.bias`);
    if (!w || !b || w.dtype !== 'F32' || b.dtype !== 'F32') bad(`${name}.weights / ${name}.bias are missing`);
    if (w!.data.length !== (shape.sparseDim + shape.denseDim) * k || b!.data.length !== k) bad(`${name} weights have the wrong size`);
    const weights = w!.data as Float32Array;
    const bias = b!.data as Float32Array;
    if (!weights.every(Number.isFinite) || !bias.every(Number.isFinite)) bad(`${name} has NaN or infinite weights`);
    return { numClasses: k, sparseDim: shape.sparseDim, denseDim: shape.denseDim, weights, bias };
  };
  const model: TextModel = {
    kept: meta.kept,
    vectorizer,
    ngram: linear('ngram', meta.ngram, 0),
    hybrid: linear('hybrid', meta.hybrid, embeddingDim),
    blendWeight: finiteIn(meta.blendWeight, 0, 1, 'blendWeight'),
    temperature: finiteIn(meta.temperature, 0.01, 100, 'temperature'),
    embeddingScale: meta.embeddingScale === undefined ? 1 : finiteIn(meta.embeddingScale, 0.01, 100, 'embeddingScale'),
    partTemperatures:
      meta.partTemperatures === undefined
        ? [1, 1]
        : Array.isArray(meta.partTemperatures) && meta.partTemperatures.length === 2
          ? [finiteIn(meta.partTemperatures[0], 0.01, 100, 'partTemperatures[0]'), finiteIn(meta.partTemperatures[1], 0.01, 100, 'partTemperatures[1]')]
          : bad('partTemperatures must be [encoder, baseline]'),
  };
  if ((model.kept === 'baseline' || model.kept === 'blend') && !model.ngram) bad(`a ${model.kept} model needs its n-gram model`);
  if (model.kept === 'hybrid' && !model.hybrid) bad('a hybrid model needs its hybrid weights');
  return model;
}
