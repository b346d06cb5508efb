// safetensors (https://github.com/huggingface/safetensors): 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets}, __metadata__},
// then one byte buffer. Offsets are relative to the buffer, which must be covered
// exactly (no gaps, no overlaps) — the reference implementation rejects anything else.
import { FormatError } from './errors';
import { bfloat16ToFloat32, float16ToFloat32 } from './half';

export type EncodableDtype = 'F32' | 'I32' | 'F16';
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface SafetensorsTensor {
  name: string;
  dtype: EncodableDtype;
  shape: number[];
  /** F32 → Float32Array, I32 → Int32Array, F16 → Uint16Array of half-float bits (see half.ts). */
  data: Float32Array | Int32Array | Uint16Array;
}

export interface DecodedTensor {
  name: string;
  /** The dtype stored in the file; floats decode to Float32Array, integers and BOOL to Int32Array. */
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface DecodedSafetensors {
  /** In file (offset) order. */
  tensors: DecodedTensor[];
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const ARRAY_OF: Record<EncodableDtype, typeof Float32Array | typeof Int32Array | typeof Uint16Array> = { F32: Float32Array, I32: Int32Array, F16: Uint16Array };
/** The reference implementation refuses headers above 100 MB; so do we (a damaged length field would otherwise allocate gigabytes). */
const MAX_HEADER_BYTES = 100_000_000;

export function encodeSafetensors(tensors: SafetensorsTensor[], metadata?: Record<string, string>): Uint8Array {
  const seen = new Set<string>();
  for (const t of tensors) checkEncodable(t, seen);
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new FormatError('invalid-metadata', `encodeSafetensors: metadata["${k}"] must be a string, got ${typeof v}`);
    }
  }
  // Widest dtype first, then by name: every tensor lands aligned to its element size with no padding gaps.
  const ordered = [...tensors].sort((a, b) => BYTES[b.dtype] - BYTES[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of ordered) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // spaces, as the spec asks
  let pos = 8 + padded;
  for (const t of ordered) {
    writeLittleEndian(view, pos, t);
    pos += t.data.byteLength;
  }
  return out;
}

function checkEncodable(t: SafetensorsTensor, seen: Set<string>): void {
  if (typeof t.name !== 'string' || t.name === '' || t.name === '__metadata__') {
    throw new FormatError('invalid-argument', `encodeSafetensors: tensor name must be a non-empty string other than "__metadata__", got ${JSON.stringify(t.name)}`);
  }
  if (seen.has(t.name)) throw new FormatError('invalid-argument', `encodeSafetensors: duplicate tensor name "${t.name}"`);
  seen.add(t.name);
  if (!(t.dtype in ARRAY_OF)) throw new FormatError('unsupported-dtype', `encodeSafetensors: "${t.name}" dtype must be F32, I32 or F16, got ${String(t.dtype)}`);
  if (!(t.data instanceof ARRAY_OF[t.dtype])) {
    throw new FormatError('invalid-argument', `encodeSafetensors: "${t.name}" is ${t.dtype} but its data is a ${t.data?.constructor?.name}`);
  }
  const size = numel(t.shape, `encodeSafetensors: "${t.name}" shape`);
  if (size !== t.data.length) {
    throw new FormatError('invalid-argument', `encodeSafetensors: "${t.name}" shape [${t.shape}] needs ${size} values, got ${t.data.length}`);
  }
}

function numel(shape: unknown, where: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError('invalid-tensor', `${where} must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape.reduce((a: number, b: number) => a * b, 1);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeLittleEndian(view: DataView, pos: number, t: SafetensorsTensor): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(view.buffer).set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    return;
  }
  const step = BYTES[t.dtype];
  for (let i = 0; i < t.data.length; i++) {
    const p = pos + i * step;
    if (t.dtype === 'F32') view.setFloat32(p, t.data[i]!, true);
    else if (t.dtype === 'I32') view.setInt32(p, t.data[i]!, true);
    else view.setUint16(p, t.data[i]!, true);
  }
}

/**
 * Refuses a weight holding NaN or ±Infinity. A model loaded with one predicts NaN for every text
 * (then argmax picks labels[-1]) and saves meaningless metrics, so every model load checks first.
 */
export function assertFiniteWeights(tensors: ReadonlyArray<{ name: string; data: ArrayLike<number> }>, where: string): void {
  for (const t of tensors) {
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) continue;
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      // x - x is 0 for every finite x and NaN for NaN and ±Infinity: one test per value.
      if (d[i]! - d[i]! !== 0) {
        throw new FormatError('invalid-tensor', `${where}: weight "${t.name}" holds ${d[i]} at index ${i}; a model with NaN or infinite weights cannot predict anything, so it was refused`);
      }
    }
  }
}

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new FormatError('invalid-argument', `decodeSafetensors: bytes must be a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 8) throw new FormatError('truncated', `safetensors: the file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLen > MAX_HEADER_BYTES) throw new FormatError('invalid-header', `safetensors: header length ${headerLen} exceeds ${MAX_HEADER_BYTES} bytes; the file is damaged or not safetensors`);
  if (8 + headerLen > bytes.length) {
    throw new FormatError('truncated', `safetensors: header length ${headerLen} runs past the end of the ${bytes.length}-byte file`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (err) {
    throw new FormatError('invalid-header', `safetensors: the header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new FormatError('invalid-header', 'safetensors: the header must be a JSON object');
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata = readMetadata((header as Record<string, unknown>).__metadata__);
  const entries = Object.entries(header as Record<string, unknown>).filter(([k]) => k !== '__metadata__');
  const specs = entries.map(([name, spec]) => readSpec(name, spec, dataLen)).sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const s of specs) {
    if (s.begin !== expected) {
      throw new FormatError('invalid-offsets', `safetensors: "${s.name}" starts at byte ${s.begin} but the previous tensor ends at ${expected} (gap or overlap)`);
    }
    expected = s.end;
  }
  if (expected !== dataLen) {
    throw new FormatError(expected < dataLen ? 'invalid-offsets' : 'truncated', `safetensors: tensors cover ${expected} bytes but the data section holds ${dataLen}`);
  }
  const tensors = specs.map((s) => ({ name: s.name, dtype: s.dtype, shape: s.shape, data: decodeData(s.dtype, bytes.subarray(dataStart + s.begin, dataStart + s.end), s.name) }));
  return { tensors, metadata };
}

interface Spec {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FormatError('invalid-metadata', 'safetensors: __metadata__ must be an object of strings');
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new FormatError('invalid-metadata', `safetensors: __metadata__["${k}"] must be a string, got ${typeof v}`);
  }
  return { ...(raw as Record<string, string>) };
}

function readSpec(name: string, raw: unknown, dataLen: number): Spec {
  const spec = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (typeof spec !== 'object' || spec === null) throw new FormatError('invalid-tensor', `safetensors: entry "${name}" must be an object, got ${JSON.stringify(raw)}`);
  const dtype = spec.dtype as SafetensorsDtype;
  if (typeof dtype !== 'string' || !(dtype in BYTES)) throw new FormatError('unsupported-dtype', `safetensors: "${name}" has unsupported dtype ${JSON.stringify(spec.dtype)}`);
  const shape = spec.shape as number[];
  const size = numel(shape, `safetensors: "${name}" shape`);
  const off = spec.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1]) {
    throw new FormatError('invalid-offsets', `safetensors: "${name}" data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(off)}`);
  }
  const [begin, end] = off as [number, number];
  if (end > dataLen) throw new FormatError('truncated', `safetensors: "${name}" ends at byte ${end} but the data section holds ${dataLen}`);
  if (end - begin !== size * BYTES[dtype]) {
    throw new FormatError('invalid-tensor', `safetensors: "${name}" ${dtype} [${shape}] needs ${size * BYTES[dtype]} bytes, its offsets span ${end - begin}`);
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/**
 * Widens one tensor's bytes. Copying with slice() gives a fresh, aligned buffer (the
 * data section need not be aligned inside `bytes`); typed-array views then read
 * little-endian directly on little-endian hosts, DataView elsewhere.
 */
function decodeData(dtype: SafetensorsDtype, bytes: Uint8Array, name: string): Float32Array | Int32Array {
  const n = bytes.length / BYTES[dtype];
  if (LITTLE_ENDIAN) {
    // new Uint8Array(view) always copies; a Node Buffer's slice() would not.
    const buf = new Uint8Array(bytes).buffer;
    switch (dtype) {
      case 'F32': return new Float32Array(buf);
      case 'I32': return new Int32Array(buf);
      case 'F64': return Float32Array.from(new Float64Array(buf));
      case 'I16': return Int32Array.from(new Int16Array(buf));
      case 'I8': return Int32Array.from(new Int8Array(buf));
      case 'U8':
      case 'BOOL': return Int32Array.from(new Uint8Array(buf));
      case 'F16':
      case 'BF16': {
        const half = new Uint16Array(buf);
        const out = new Float32Array(n);
        const widen = dtype === 'F16' ? float16ToFloat32 : bfloat16ToFloat32;
        for (let i = 0; i < n; i++) out[i] = widen(half[i]!);
        return out;
      }
      case 'I64': return int64ToInt32(new BigInt64Array(buf), name);
    }
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const floats = (get: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => get(i));
  const ints = (get: (i: number) => number): Int32Array => Int32Array.from({ length: n }, (_, i) => get(i));
  switch (dtype) {
    case 'F64': return floats((i) => v.getFloat64(i * 8, true));
    case 'F32': return floats((i) => v.getFloat32(i * 4, true));
    case 'F16': return floats((i) => float16ToFloat32(v.getUint16(i * 2, true)));
    case 'BF16': return floats((i) => bfloat16ToFloat32(v.getUint16(i * 2, true)));
    case 'I32': return ints((i) => v.getInt32(i * 4, true));
    case 'I16': return ints((i) => v.getInt16(i * 2, true));
    case 'I8': return ints((i) => v.getInt8(i));
    case 'U8':
    case 'BOOL': return ints((i) => v.getUint8(i));
    case 'I64': return int64ToInt32(BigInt64Array.from({ length: n }, (_, i) => v.getBigInt64(i * 8, true)), name);
  }
}

/** tfjs has no int64; ids and position buffers fit in int32, anything else is refused, not wrapped. */
function int64ToInt32(values: BigInt64Array, name: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x > 2147483647n || x < -2147483648n) throw new FormatError('unsupported-dtype', `safetensors: "${name}" I64 value ${x} at index ${i} does not fit in int32`);
    out[i] = Number(x);
  }
  return out;
}
