// A trained model as one file (.texttune.zip): metadata, the head's tfjs artifacts
// and optionally the fine-tuned encoder variables, with a SHA-256 manifest so a
// damaged or edited download is refused instead of predicting nonsense.
import { zipSync, type Zippable } from 'fflate';
import { BundleError } from './errors';
import { sha256Hex } from '../sha256';
import type { HeadArtifacts } from './tfjs-artifacts';
import { describeArchive, listZip, readZip } from './zip';
import { bundleMetadataRecord } from './records';

export const BUNDLE_EXTENSION = '.texttune.zip';
export const BUNDLE_FORMAT = 'texttune-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleMetadata {
  format: 'texttune-bundle';
  version: 1;
  /** Class names; index = output unit of the head. */
  labels: string[];
  encoder: { id: string; weightsHash: string; maxSeqLength: number; tokenizer: string };
  hyperParameters: Record<string, unknown>;
  metrics: { accuracy: number; macroF1: number } | null;
  datasetId?: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface BundleManifest {
  format: 'texttune-bundle';
  version: 1;
  files: Record<string, { sha256: string; size: number }>;
}

export interface BundleInput {
  metadata: BundleMetadata;
  head: HeadArtifacts;
  /** safetensors bytes of the fine-tuned encoder variables. */
  encoderWeights?: Uint8Array;
  /** The kept model's n-gram / hybrid / blend parts (text-model-file.ts); absent: the head alone is the model. */
  textModel?: Uint8Array;
}

export interface BundleContents extends BundleInput {
  manifest: BundleManifest;
}

export const MEMBERS = {
  manifest: 'manifest.json',
  metadata: 'texttune.json',
  modelJson: 'model/model.json',
  weights: 'model/weights.bin',
  encoder: 'encoder/weights.safetensors',
  textModel: 'model/text-model.safetensors',
} as const;

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value, null, 2));

export async function writeBundle(input: BundleInput): Promise<Uint8Array> {
  checkMetadata(input.metadata, 'writeBundle');
  const files: Record<string, Uint8Array> = {
    [MEMBERS.metadata]: json(input.metadata),
    [MEMBERS.modelJson]: json(input.head.modelJson),
    [MEMBERS.weights]: input.head.weightsBin,
  };
  if (input.encoderWeights) files[MEMBERS.encoder] = input.encoderWeights;
  if (input.textModel) files[MEMBERS.textModel] = input.textModel;
  const manifest: BundleManifest = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, files: {} };
  for (const [path, bytes] of Object.entries(files)) manifest.files[path] = { sha256: await sha256Hex(bytes), size: bytes.length };

  const created = new Date(input.metadata.createdAt);
  // Zip timestamps start in 1980; the creation time makes the archive listing meaningful and the output reproducible.
  const mtime = Number.isNaN(created.getTime()) || created.getFullYear() < 1980 ? new Date(1980, 0, 1) : created;
  const zippable: Zippable = { [MEMBERS.manifest]: [json(manifest), { level: 6 }] };
  for (const [path, bytes] of Object.entries(files)) {
    // Float weights barely compress; storing them keeps export fast.
    zippable[path] = [bytes, { level: path.endsWith('.json') ? 6 : 0 }];
  }
  return zipSync(zippable, { mtime });
}

/** Members other than these are never decompressed (a re-zipped bundle may carry OS clutter). */
const KNOWN = new Set<string>(Object.values(MEMBERS));

export async function readBundle(bytes: Uint8Array): Promise<BundleContents> {
  let files: Record<string, Uint8Array>;
  try {
    // Sizes and member count are checked before anything is inflated (zip.ts).
    files = readZip(bytes, 'readBundle', (name) => KNOWN.has(name));
  } catch (err) {
    throw new BundleError('damaged-zip', (err as Error).message);
  }
  if (!files[MEMBERS.manifest]) {
    const names = listZip(bytes, 'readBundle').map((e) => e.name);
    throw new BundleError('wrong-format', `readBundle: the archive has no ${MEMBERS.manifest}; it is not a TextTune bundle.${describeArchive(names)}`);
  }
  const manifest = parseJson(files, MEMBERS.manifest) as BundleManifest;
  if (manifest?.format !== BUNDLE_FORMAT) {
    throw new BundleError('wrong-format', `readBundle: ${MEMBERS.manifest} has format ${JSON.stringify(manifest?.format)}, expected "${BUNDLE_FORMAT}"`);
  }
  if (manifest.version !== BUNDLE_VERSION) {
    throw new BundleError('unsupported-version', `readBundle: bundle version ${JSON.stringify(manifest.version)} is not supported (this app reads version ${BUNDLE_VERSION})`);
  }
  if (typeof manifest.files !== 'object' || manifest.files === null) {
    throw new BundleError('wrong-format', `readBundle: ${MEMBERS.manifest} has no "files" table`);
  }
  for (const required of [MEMBERS.metadata, MEMBERS.modelJson, MEMBERS.weights]) {
    if (!manifest.files[required]) throw new BundleError('missing-member', `readBundle: the manifest does not list ${required}`);
  }
  for (const [path, entry] of Object.entries(manifest.files)) {
    const member = files[path];
    if (!member) throw new BundleError('missing-member', `readBundle: ${path} is listed in the manifest but missing from the archive`);
    const actual = await sha256Hex(member);
    if (actual !== entry.sha256 || member.length !== entry.size) {
      throw new BundleError('checksum-mismatch', `readBundle: ${path} is damaged or was modified (sha256 ${actual.slice(0, 12)}…, ${member.length} bytes; manifest says ${String(entry.sha256).slice(0, 12)}…, ${entry.size} bytes)`);
    }
  }
  const raw = parseJson(files, MEMBERS.metadata) as BundleMetadata;
  checkFormat(raw);
  let metadata: BundleMetadata;
  try {
    // Field by field (records.ts): a lying texttune.json is refused here, before anything is stored.
    metadata = bundleMetadataRecord(raw, MEMBERS.metadata) as unknown as BundleMetadata;
  } catch (err) {
    throw new BundleError('invalid-metadata', `readBundle: ${(err as Error).message}`);
  }
  const contents: BundleContents = {
    metadata,
    head: { modelJson: parseJson(files, MEMBERS.modelJson) as object, weightsBin: files[MEMBERS.weights]! },
    manifest,
  };
  // Only trust the encoder weights if the manifest vouches for them.
  if (manifest.files[MEMBERS.encoder]) contents.encoderWeights = files[MEMBERS.encoder]!;
  if (manifest.files[MEMBERS.textModel]) contents.textModel = files[MEMBERS.textModel]!;
  return contents;
}

function parseJson(files: Record<string, Uint8Array>, path: string): unknown {
  const member = files[path];
  if (!member) throw new BundleError(path === MEMBERS.manifest ? 'wrong-format' : 'missing-member', `readBundle: the archive has no ${path}${path === MEMBERS.manifest ? '; it is not a TextTune bundle' : ''}`);
  try {
    return JSON.parse(new TextDecoder().decode(member));
  } catch (err) {
    throw new BundleError(path === MEMBERS.manifest ? 'wrong-format' : 'invalid-metadata', `readBundle: ${path} is not valid JSON (${(err as Error).message})`);
  }
}

function checkFormat(m: BundleMetadata): void {
  if (typeof m !== 'object' || m === null) throw new BundleError('invalid-metadata', `readBundle: metadata must be an object, got ${JSON.stringify(m)}`);
  if (m.format !== BUNDLE_FORMAT) throw new BundleError('wrong-format', `readBundle: ${MEMBERS.metadata} has format ${JSON.stringify(m.format)}, expected "${BUNDLE_FORMAT}"`);
  if (m.version !== BUNDLE_VERSION) throw new BundleError('unsupported-version', `readBundle: metadata version ${JSON.stringify(m.version)} is not supported (this app reads version ${BUNDLE_VERSION})`);
}

function checkMetadata(m: BundleMetadata, where: string): void {
  const fail = (msg: string): never => {
    throw new BundleError(where === 'writeBundle' ? 'invalid-argument' : 'invalid-metadata', `${where}: metadata ${msg}`);
  };
  if (typeof m !== 'object' || m === null) fail(`must be an object, got ${JSON.stringify(m)}`);
  if (m.format !== BUNDLE_FORMAT) {
    if (where === 'readBundle') throw new BundleError('wrong-format', `readBundle: ${MEMBERS.metadata} has format ${JSON.stringify(m.format)}, expected "${BUNDLE_FORMAT}"`);
    fail(`.format must be "${BUNDLE_FORMAT}", got ${JSON.stringify(m.format)}`);
  }
  if (m.version !== BUNDLE_VERSION) {
    if (where === 'readBundle') throw new BundleError('unsupported-version', `readBundle: metadata version ${JSON.stringify(m.version)} is not supported (this app reads version ${BUNDLE_VERSION})`);
    fail(`.version must be ${BUNDLE_VERSION}, got ${JSON.stringify(m.version)}`);
  }
  if (!Array.isArray(m.labels) || m.labels.length < 2 || !m.labels.every((l) => typeof l === 'string')) fail(`.labels must be an array of ≥ 2 strings, got ${JSON.stringify(m.labels)?.slice(0, 80)}`);
  const e = m.encoder;
  if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.weightsHash !== 'string' || typeof e.tokenizer !== 'string' || !Number.isInteger(e.maxSeqLength)) {
    fail(`.encoder must be {id, weightsHash, maxSeqLength, tokenizer}, got ${JSON.stringify(e)?.slice(0, 120)}`);
  }
  if (typeof m.hyperParameters !== 'object' || m.hyperParameters === null) fail(`.hyperParameters must be an object, got ${JSON.stringify(m.hyperParameters)}`);
  if (m.metrics !== null && (typeof m.metrics !== 'object' || typeof m.metrics.accuracy !== 'number' || typeof m.metrics.macroF1 !== 'number')) {
    fail(`.metrics must be null or {accuracy, macroF1}, got ${JSON.stringify(m.metrics)}`);
  }
  if (typeof m.createdAt !== 'string') fail(`.createdAt must be an ISO date string, got ${JSON.stringify(m.createdAt)}`);
}
