// Reading zip archives we did not write (imported bundles and Hugging Face folders) without
// trusting them: fflate's unzipSync inflates every member before anything can be checked, so a
// 1 MB zip bomb became 1 GiB in memory. Here the central directory is read first, the member
// count and every declared size are checked against the caps, and then only the members the
// caller asked for are inflated, as a stream with a running cap: a member that inflates to more
// (or less) than its header declares is refused the moment it does.
//
// Caps (README "Choices and limits"): MAX_ZIP_MEMBERS entries, MAX_MEMBER_BYTES per member,
// MAX_TOTAL_BYTES for the members read. Stored and deflated members only; no zip64 (archives
// over 4 GB are far over the caps anyway).
import { Inflate, strFromU8 } from 'fflate';
import { FormatError } from './errors';

export const MAX_ZIP_MEMBERS = 1_000;
/** 1 GiB: a BERT-base model.safetensors is 440 MB; BERT-large (1.34 GB) does not fit a tab anyway. */
export const MAX_MEMBER_BYTES = 1024 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 1.25 * 1024 * 1024 * 1024;
/** A zip file larger than this is not even read into memory. */
export const MAX_ZIP_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** Refuses, before reading it, a file too large to open in a tab. */
export function checkFileSize(size: number, name: string, limit = MAX_ZIP_FILE_BYTES): void {
  if (size > limit) throw new FormatError('invalid-model', `${name} is ${mb(size)}; the limit is ${mb(limit)}`);
}

export interface ZipLimits {
  maxMembers: number;
  maxMemberBytes: number;
  maxTotalBytes: number;
}

export interface ZipEntry {
  name: string;
  compression: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  offset: number;
}

const DEFAULT_LIMITS: ZipLimits = { maxMembers: MAX_ZIP_MEMBERS, maxMemberBytes: MAX_MEMBER_BYTES, maxTotalBytes: MAX_TOTAL_BYTES };
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * What an archive handed to the wrong importer is, from its member names, as a sentence that
 * says where it goes ('' when it is none of ours): a Hugging Face zip given to the bundle import
 * said only "no manifest.json", and a bundle given to the Hugging Face import "found no files".
 */
export function describeArchive(names: string[]): string {
  const has = (file: string): boolean => names.some((n) => n === file || n.endsWith(`/${file}`));
  if (has('manifest.json') && has('texttune.json')) return ' It is a TextTune bundle: import it under "Import a bundle".';
  if (has('config.json') || has('model.safetensors')) return ' It looks like a Hugging Face model: import it under "Import a Hugging Face classifier".';
  if (has('model.json') && has('weights.bin')) {
    return " It is a TensorFlow.js export (the classifier head alone), which cannot be imported back: import the model's .texttune.zip bundle instead.";
  }
  return '';
}

/** The central directory, checked against the member-count cap. Inflates nothing. */
export function listZip(bytes: Uint8Array, where: string, maxMembers = MAX_ZIP_MEMBERS): ZipEntry[] {
  const fail = (msg: string): never => {
    throw new FormatError('invalid-model', `${where}: the file is not a readable zip (${msg})`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let e = bytes.length - 22; e >= 0 && bytes.length - e <= 65557; e--) {
    if (view.getUint32(e, true) === 0x06054b50) {
      eocd = e;
      break;
    }
  }
  if (eocd < 0) fail('no end-of-central-directory record');
  const count = view.getUint16(eocd + 10, true);
  let pos = view.getUint32(eocd + 16, true);
  if (count === 0xffff || pos === 0xffffffff) fail('zip64 archives are not supported');
  if (count > maxMembers) {
    throw new FormatError('invalid-model', `${where}: the zip has ${count} members; the limit is ${maxMembers}`);
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (pos + 46 > bytes.length || view.getUint32(pos, true) !== 0x02014b50) fail(`central directory entry ${i} is damaged`);
    const flags = view.getUint16(pos + 8, true);
    const nameLength = view.getUint16(pos + 28, true);
    const nameBytes = bytes.subarray(pos + 46, pos + 46 + nameLength);
    entries.push({
      // Bit 11: UTF-8 names; otherwise CP437, read as Latin-1 like fflate does.
      name: strFromU8(nameBytes, !(flags & 0x800)),
      compression: view.getUint16(pos + 10, true),
      compressedSize: view.getUint32(pos + 20, true),
      size: view.getUint32(pos + 24, true),
      offset: view.getUint32(pos + 42, true),
    });
    pos += 46 + nameLength + view.getUint16(pos + 30, true) + view.getUint16(pos + 32, true);
  }
  return entries;
}

/**
 * The members `accept` picks (default: all), path → bytes, after the caps are checked on the
 * declared sizes. Throws FormatError('invalid-model') naming the member and the limit.
 */
export function readZip(bytes: Uint8Array, where: string, accept: (name: string) => boolean = () => true, limits: Partial<ZipLimits> = {}): Record<string, Uint8Array> {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const entries = listZip(bytes, where, lim.maxMembers).filter((e) => !e.name.endsWith('/') && accept(e.name));
  let total = 0;
  for (const e of entries) {
    if (e.size > lim.maxMemberBytes) {
      throw new FormatError('invalid-model', `${where}: ${e.name} would unpack to ${mb(e.size)}; the limit per file is ${mb(lim.maxMemberBytes)}`);
    }
    total += e.size;
  }
  if (total > lim.maxTotalBytes) {
    throw new FormatError('invalid-model', `${where}: the files would unpack to ${mb(total)} in all; the limit is ${mb(lim.maxTotalBytes)}`);
  }
  const out: Record<string, Uint8Array> = {};
  for (const e of entries) out[e.name] = inflateMember(bytes, e, where);
  return out;
}

function inflateMember(bytes: Uint8Array, e: ZipEntry, where: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (e.offset + 30 > bytes.length || view.getUint32(e.offset, true) !== 0x04034b50) {
    throw new FormatError('invalid-model', `${where}: ${e.name}: the local header is damaged`);
  }
  const start = e.offset + 30 + view.getUint16(e.offset + 26, true) + view.getUint16(e.offset + 28, true);
  if (start + e.compressedSize > bytes.length) throw new FormatError('invalid-model', `${where}: ${e.name} runs past the end of the file`);
  const data = bytes.subarray(start, start + e.compressedSize);
  const lying = (): never => {
    throw new FormatError('invalid-model', `${where}: ${e.name} unpacks to more or fewer bytes than the ${e.size} its header declares; the zip is damaged or crafted`);
  };
  if (e.compression === 0) {
    if (e.compressedSize !== e.size) lying();
    return data.slice();
  }
  if (e.compression !== 8) throw new FormatError('invalid-model', `${where}: ${e.name} uses compression method ${e.compression}; only stored and deflated files are read`);
  const out = new Uint8Array(e.size);
  let written = 0;
  let ended = false;
  const inflate = new Inflate((chunk, final) => {
    if (written + chunk.length > e.size) lying();
    out.set(chunk, written);
    written += chunk.length;
    if (final) ended = true;
  });
  // Deflate expands at most ~1,032×, so a 4 KB push yields at most ~4 MB before the cap is checked.
  const STEP = 1 << 12;
  try {
    for (let p = 0; p < data.length || p === 0; p += STEP) inflate.push(data.subarray(p, p + STEP), p + STEP >= data.length);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError('invalid-model', `${where}: ${e.name} cannot be unpacked (${(err as Error).message})`);
  }
  if (!ended || written !== e.size) lying();
  return out;
}
