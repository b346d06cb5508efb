// Reading a BERT-family config.json and the sentence-transformers pooling files into typed values.
// BERT, MiniLM, bge and e5 all use transformers' BertModel, so one reader covers them.
import { WeightsError } from './weights';

/** What the encoder needs from config.json (transformers' BertConfig). */
export interface BertConfig {
  /** Rows of embeddings.word_embeddings. */
  vocabSize: number;
  /** Width of every token vector (and of the sentence embedding). */
  hidden: number;
  /** Number of post-LN transformer layers. */
  layers: number;
  /** Attention heads per layer; hidden must divide evenly. */
  heads: number;
  /** Width of the feed-forward layer. */
  intermediate: number;
  /** Rows of embeddings.position_embeddings: the longest input the model can take. */
  maxPositions: number;
  /** Rows of embeddings.token_type_embeddings (we always use type 0). */
  typeVocabSize: number;
  layerNormEps: number;
  /** 'gelu' = exact erf form (transformers' "gelu"); 'gelu_tanh' = the tanh approximation ("gelu_new"). */
  activation: 'gelu' | 'gelu_tanh' | 'relu';
}

/**
 * How token vectors become one sentence vector.
 * 'mean': average over the attention mask (sentence-transformers' default, ours too);
 * 'cls': the [CLS] token's vector (bge); 'pooler': tanh(dense([CLS])), what
 * BertForSequenceClassification feeds its classifier.
 */
export type BertPoolingMode = 'mean' | 'cls' | 'pooler';

export interface BertPooling {
  mode: BertPoolingMode;
  /** L2-normalise the sentence vector (sentence-transformers' Normalize module). */
  normalize: boolean;
}

export const DEFAULT_POOLING: BertPooling = { mode: 'mean', normalize: false };

/** model_type values whose checkpoints are transformers' BertModel under another name. */
export const BERT_MODEL_TYPES = ['bert'];

const ACTIVATIONS: Record<string, BertConfig['activation']> = { gelu: 'gelu', gelu_new: 'gelu_tanh', gelu_pytorch_tanh: 'gelu_tanh', relu: 'relu' };

export function parseBertConfig(raw: unknown): BertConfig {
  if (typeof raw !== 'object' || raw === null) throw new WeightsError('bad-config', `config.json must be a JSON object; received ${typeof raw}`);
  const c = raw as Record<string, unknown>;
  // Some old checkpoints (e.g. prajjwal1/bert-tiny) have no model_type; their keys are BertConfig's.
  const type = c.model_type ?? 'bert';
  if (typeof type !== 'string' || !BERT_MODEL_TYPES.includes(type)) {
    throw new WeightsError('unknown-architecture', `config.json model_type is ${JSON.stringify(type)}; supported: ${BERT_MODEL_TYPES.join(', ')}`);
  }
  const int = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new WeightsError('bad-config', `config.json ${key} must be a positive integer; received ${JSON.stringify(v)}`);
    return v;
  };
  const actName = (c.hidden_act ?? 'gelu') as string;
  const activation = ACTIVATIONS[actName];
  if (!activation) throw new WeightsError('bad-config', `config.json hidden_act ${JSON.stringify(actName)} is not supported; expected one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  const positionType = c.position_embedding_type ?? 'absolute';
  if (positionType !== 'absolute') throw new WeightsError('bad-config', `config.json position_embedding_type ${JSON.stringify(positionType)} is not supported; expected "absolute"`);
  const config: BertConfig = {
    vocabSize: int('vocab_size'),
    hidden: int('hidden_size'),
    layers: int('num_hidden_layers'),
    heads: int('num_attention_heads'),
    intermediate: int('intermediate_size'),
    maxPositions: int('max_position_embeddings', 512),
    typeVocabSize: int('type_vocab_size', 2),
    layerNormEps: typeof c.layer_norm_eps === 'number' ? c.layer_norm_eps : 1e-12,
    activation,
  };
  if (config.hidden % config.heads !== 0) {
    throw new WeightsError('bad-config', `config.json hidden_size ${config.hidden} is not divisible by num_attention_heads ${config.heads}`);
  }
  return config;
}

/**
 * Pooling from sentence-transformers' modules.json and 1_Pooling/config.json; without them
 * (a plain BERT checkpoint) the default, mean without normalisation.
 */
export function poolingFromSentenceTransformers(modules: unknown, poolingConfig: unknown): BertPooling {
  if (!Array.isArray(modules)) return { ...DEFAULT_POOLING };
  const types = modules.map((m) => String((m as { type?: unknown }).type ?? ''));
  const normalize = types.some((t) => t.endsWith('.Normalize'));
  const p = (poolingConfig ?? {}) as Record<string, unknown>;
  const modes = Object.keys(p).filter((k) => k.startsWith('pooling_mode_') && p[k] === true);
  if (modes.length === 0 || (modes.length === 1 && modes[0] === 'pooling_mode_mean_tokens')) return { mode: 'mean', normalize };
  if (modes.length === 1 && modes[0] === 'pooling_mode_cls_token') return { mode: 'cls', normalize };
  throw new WeightsError('unsupported-pooling', `1_Pooling/config.json asks for ${modes.join(' + ')}; only pooling_mode_mean_tokens or pooling_mode_cls_token are supported`);
}
