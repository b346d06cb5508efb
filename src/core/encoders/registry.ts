// The encoders a user can pick: the embedded USE-lite plus a short curated list of BERT-family
// models on the Hugging Face Hub (as data, so the picker can show size, parameters and license
// before anything is downloaded), and the parser for the free "owner/name[@revision]" field.
import type { BertPooling } from './bert-config';
import { CodedError } from '../errors';
// USE_LITE_ID of use-lite.ts, written out: importing that module would pull tfjs into the UI
// thread, which reads this table to show the picker (a unit test keeps the two equal).
const USE_LITE_ID = 'use-lite';

export interface EncoderPreset {
  /** 'use-lite', or the Hub repo id. */
  id: string;
  source: 'embedded' | 'hub';
  /** Hub repo and revision (hub presets only). */
  repo?: string;
  revision?: string;
  label: string;
  description: string;
  /** Download size of the weights file, MB (10⁶ bytes), float32. */
  sizeMB: number;
  parameters: number;
  /** SPDX identifier from the model card. */
  license: string;
  dim: number;
  layers: number;
  /** Tokens per text the model was trained with (sentence-transformers max_seq_length where set). */
  maxSeqLength: number;
  /** What the model's sentence-transformers config says; null for USE-lite (its own pooling). */
  pooling: BertPooling | null;
  language: string;
}

// Sizes and counts from the model cards / file listings (model.safetensors, float32).
// prajjwal1/bert-tiny and the Google small BERTs predate safetensors; where a repo lacks
// model.safetensors the loader says so and lists its files (hf-hub.ts, code 'no-safetensors').
export const ENCODER_PRESETS: readonly EncoderPreset[] = Object.freeze([
  {
    id: USE_LITE_ID, source: 'embedded', label: 'Universal Sentence Encoder lite (built in)',
    description: 'Ships with the app; works offline from the first visit.',
    sizeMB: 27.9, parameters: 6_975_914, license: 'Apache-2.0', dim: 512, layers: 2, maxSeqLength: 128, pooling: null, language: 'en',
  },
  {
    id: 'sentence-transformers/all-MiniLM-L6-v2', source: 'hub', repo: 'sentence-transformers/all-MiniLM-L6-v2', revision: 'main',
    label: 'all-MiniLM-L6-v2', description: 'The most used sentence encoder: fast, good general quality.',
    sizeMB: 90.9, parameters: 22_713_216, license: 'Apache-2.0', dim: 384, layers: 6, maxSeqLength: 256,
    pooling: { mode: 'mean', normalize: true }, language: 'en',
  },
  {
    id: 'BAAI/bge-small-en-v1.5', source: 'hub', repo: 'BAAI/bge-small-en-v1.5', revision: 'main',
    label: 'bge-small-en v1.5', description: 'Strong small retrieval/classification encoder; 12 layers, slower.',
    sizeMB: 133.4, parameters: 33_360_000, license: 'MIT', dim: 384, layers: 12, maxSeqLength: 512,
    pooling: { mode: 'cls', normalize: true }, language: 'en',
  },
  {
    id: 'prajjwal1/bert-tiny', source: 'hub', repo: 'prajjwal1/bert-tiny', revision: 'main',
    label: 'BERT tiny (2 layers, 128 wide)', description: 'Tiny and very fast; weak until fine-tuned.',
    sizeMB: 17.5, parameters: 4_385_920, license: 'MIT', dim: 128, layers: 2, maxSeqLength: 512,
    pooling: { mode: 'mean', normalize: false }, language: 'en',
  },
  {
    id: 'google/bert_uncased_L-2_H-128_A-2', source: 'hub', repo: 'google/bert_uncased_L-2_H-128_A-2', revision: 'main',
    label: 'Google BERT L-2 H-128', description: "Google's smallest BERT (Turc et al. 2019); fine-tune it.",
    sizeMB: 17.5, parameters: 4_385_920, license: 'Apache-2.0', dim: 128, layers: 2, maxSeqLength: 512,
    pooling: { mode: 'mean', normalize: false }, language: 'en',
  },
]);

export function findPreset(id: string): EncoderPreset | undefined {
  return ENCODER_PRESETS.find((p) => p.id === id);
}

export interface HubModelRef {
  owner: string;
  name: string;
  /** "owner/name" */
  repo: string;
  /** Branch, tag or commit; "main" when not given. */
  revision: string;
}

export class ModelRefError extends CodedError<'empty' | 'bad-format' | 'bad-name' | 'bad-revision'> {
  constructor(code: ModelRefError['code'], message: string) {
    // A model name the user typed: theirs to correct.
    super('ModelRefError', code, message, 'BAD_ARGUMENT');
  }
}

// The Hub's rules: letters, digits, '-', '_', '.'; no leading/trailing '-' or '.', no '--' or '..'; ≤ 96 chars.
const PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;
const REVISION = /^[A-Za-z0-9._/-]{1,255}$/;

/**
 * Parses "owner/name", "owner/name@revision", or a pasted Hub URL
 * (https://huggingface.co/owner/name[/tree/revision]). Whitespace around it is ignored.
 */
export function parseModelRef(input: string): HubModelRef {
  let text = (input ?? '').trim();
  if (text === '') throw new ModelRefError('empty', 'model: enter a Hub model id such as "sentence-transformers/all-MiniLM-L6-v2"');
  const url = /^(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co|hf\.co)\/([^/]+)\/([^/?#]+)(?:\/tree\/([^?#]+))?\/?(?:[?#].*)?$/.exec(text);
  if (url) text = `${url[1]}/${url[2]}${url[3] ? `@${decodeURIComponent(url[3])}` : ''}`;
  const at = text.indexOf('@');
  const repoPart = at < 0 ? text : text.slice(0, at);
  const revision = at < 0 ? 'main' : text.slice(at + 1);
  const parts = repoPart.split('/');
  if (parts.length !== 2) {
    throw new ModelRefError('bad-format', `model: expected "owner/name" or "owner/name@revision"; received ${JSON.stringify(input)}`);
  }
  const [owner, name] = parts;
  for (const [what, part] of [['owner', owner], ['name', name]] as const) {
    if (!PART.test(part) || part.includes('--') || part.includes('..')) {
      throw new ModelRefError('bad-name', `model: the ${what} ${JSON.stringify(part)} is not a valid Hub name (letters, digits, "-", "_", "."; at most 96 characters)`);
    }
  }
  if (!REVISION.test(revision) || revision.includes('..') || revision.startsWith('/') || revision.endsWith('/')) {
    throw new ModelRefError('bad-revision', `model: the revision ${JSON.stringify(revision)} is not a valid branch, tag or commit`);
  }
  return { owner, name, repo: `${owner}/${name}`, revision };
}

/** The TextEncoder id of a Hub encoder (cache key together with the weights' sha256). */
export function hubEncoderId(ref: HubModelRef): string {
  return `hf:${ref.repo}@${ref.revision}`;
}
