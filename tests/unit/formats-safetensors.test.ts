import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type DecodedSafetensors } from '../../src/core/formats/safetensors';
import { float16ToFloat32 } from '../../src/core/formats/half';
import { float32ArrayToFloat16, float32ToFloat16 } from '../support/float16';

const enc = new TextEncoder();

/** The decoded tensor of that name, with that shape when given. */
function tensor(d: DecodedSafetensors, name: string, shape?: number[]) {
  const t = d.tensors.find((x) => x.name === name);
  expect(t, `tensor ${name}`).toBeDefined();
  if (shape) expect(t!.shape).toEqual(shape);
  return t!;
}

/** Header length (u64 LE) + header JSON padded with spaces to a multiple of 8 + data. */
function handBuilt(header: string, data: number[]): Uint8Array {
  const padded = header.padEnd(Math.ceil(header.length / 8) * 8, ' ');
  const len = [padded.length & 0xff, (padded.length >> 8) & 0xff, 0, 0, 0, 0, 0, 0];
  return new Uint8Array([...len, ...enc.encode(padded), ...data]);
}

// F32 [1, 2] | BF16 [1, 3.140625] | F16 [1, -2] | I64 [7]
const FIXTURE = handBuilt(
  '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"BF16","shape":[1,2],"data_offsets":[8,12]},"h":{"dtype":"F16","shape":[2],"data_offsets":[12,16]},' +
    '"ids":{"dtype":"I64","shape":[1],"data_offsets":[16,24]}}',
  [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0x80, 0x3f, 0x49, 0x40, 0x00, 0x3c, 0x00, 0xc0, 7, 0, 0, 0, 0, 0, 0, 0],
);

describe('decodeSafetensors', () => {
  it('reads a hand-built file: F32, BF16 and F16 widen to float32, I64 narrows to int32', () => {
    const d = decodeSafetensors(FIXTURE);
    expect(d.metadata).toEqual({ format: 'pt' });
    expect(d.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['w', 'F32', [2]],
      ['b', 'BF16', [1, 2]],
      ['h', 'F16', [2]],
      ['ids', 'I64', [1]],
    ]);
    expect(Array.from(d.tensors[0]!.data)).toEqual([1, 2]);
    expect(d.tensors[1]!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(d.tensors[1]!.data)).toEqual([1, 3.140625]);
    expect(Array.from(d.tensors[2]!.data)).toEqual([1, -2]);
    expect(d.tensors[3]!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(d.tensors[3]!.data)).toEqual([7]);
  });

  it('reads from an unaligned view into a larger buffer', () => {
    const big = new Uint8Array(FIXTURE.length + 3);
    big.set(FIXTURE, 3);
    expect(Array.from(decodeSafetensors(big.subarray(3)).tensors[0]!.data)).toEqual([1, 2]);
  });

  it.each([
    ['shorter than 8 bytes', FIXTURE.subarray(0, 5), 'truncated', /5 bytes/],
    ['header past the end', FIXTURE.subarray(0, 40), 'truncated', /runs past the end/],
    ['data cut off', FIXTURE.subarray(0, FIXTURE.length - 4), 'truncated', /"ids" ends at byte 24 but the data section holds 20/],
    ['trailing bytes', new Uint8Array([...FIXTURE, 0, 0]), 'invalid-offsets', /cover 24 bytes but the data section holds 26/],
    ['damaged JSON', (() => { const b = FIXTURE.slice(); b[9] = 0x7b; b[8] = 0x5b; return b; })(), 'invalid-header', /not valid UTF-8 JSON/],
    ['huge header length', (() => { const b = FIXTURE.slice(); b[5] = 1; return b; })(), 'invalid-header', /exceeds/],
  ])('refuses a file with %s', (_name, bytes, code, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(expect.objectContaining({ name: 'FormatError', code, message: expect.stringMatching(message) }));
  });

  it('refuses gaps, wrong sizes, unknown dtypes and non-string metadata', () => {
    const gap = handBuilt('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decodeSafetensors(gap)).toThrow(expect.objectContaining({ code: 'invalid-offsets', message: expect.stringMatching(/"a" starts at byte 4/) }));
    const size = handBuilt('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decodeSafetensors(size)).toThrow(expect.objectContaining({ code: 'invalid-tensor', message: expect.stringMatching(/needs 12 bytes, its offsets span 8/) }));
    const dtype = handBuilt('{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decodeSafetensors(dtype)).toThrow(expect.objectContaining({ code: 'unsupported-dtype', message: expect.stringMatching(/"C64"/) }));
    const meta = handBuilt('{"__metadata__":{"n":1}}', []);
    expect(() => decodeSafetensors(meta)).toThrow(expect.objectContaining({ code: 'invalid-metadata' }));
  });
});

describe('encodeSafetensors', () => {
  it('writes exactly the standard layout: sorted widest-first, space-padded header, contiguous data', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'h', dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
        { name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
      ],
      { format: 'pt' },
    );
    const expected = handBuilt(
      '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]}}',
      [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0x00, 0x3c, 0x00, 0xc0],
    );
    expect(Array.from(bytes)).toEqual(Array.from(expected));
    expect((bytes[0]! + 8) % 8).toBe(0);
  });

  it('round-trips F32, I32 and F16 tensors with metadata, including empty tensors', () => {
    const f = new Float32Array([0.5, -1.25, 3e-5, 65504, 1e6, -0]);
    const tensors = [
      { name: 'enc.layer.0.w', dtype: 'F32' as const, shape: [2, 3], data: f },
      { name: 'ids', dtype: 'I32' as const, shape: [3], data: new Int32Array([-7, 0, 2147483647]) },
      { name: 'half', dtype: 'F16' as const, shape: [6], data: float32ArrayToFloat16(f) },
      { name: 'empty', dtype: 'F32' as const, shape: [0, 4], data: new Float32Array(0) },
    ];
    const d = decodeSafetensors(encodeSafetensors(tensors, { note: 'ü' }));
    expect(d.metadata).toEqual({ note: 'ü' });
    expect(Array.from(tensor(d, 'enc.layer.0.w', [2, 3]).data)).toEqual(Array.from(f));
    expect(Array.from(tensor(d, 'ids').data)).toEqual([-7, 0, 2147483647]);
    const half = Array.from(tensor(d, 'half').data);
    // F16: 3e-5 is subnormal, 1e6 overflows to Infinity; the rest are exact.
    expect(half[0]).toBe(0.5);
    expect(half[1]).toBe(-1.25);
    expect(half[2]).toBeCloseTo(3e-5, 7);
    expect(half.slice(3)).toEqual([65504, Infinity, -0]);
    expect(tensor(d, 'empty', [0, 4]).data).toHaveLength(0);
  });

  it('refuses bad input naming the tensor and the value', () => {
    expect(() => encodeSafetensors([{ name: 'a', dtype: 'F32', shape: [3], data: new Float32Array(2) }])).toThrow(/"a" shape \[3\] needs 3 values, got 2/);
    expect(() => encodeSafetensors([{ name: 'a', dtype: 'F32', shape: [1], data: new Int32Array(1) }])).toThrow(/"a" is F32 but its data is a Int32Array/);
    const t = { name: 'a', dtype: 'I32' as const, shape: [1], data: new Int32Array(1) };
    expect(() => encodeSafetensors([t, t])).toThrow(/duplicate tensor name "a"/);
    expect(() => encodeSafetensors([{ ...t, name: '__metadata__' }])).toThrow(/other than "__metadata__"/);
  });
});

describe('half precision', () => {
  it('rounds to nearest even and handles specials', () => {
    expect(float32ToFloat16(1)).toBe(0x3c00);
    expect(float32ToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(float32ToFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(float32ToFloat16(65520)).toBe(0x7c00); // rounds up to Infinity
    expect(float32ToFloat16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16(NaN) & 0x7c00).toBe(0x7c00);
    expect(Number.isNaN(float16ToFloat32(0x7e00))).toBe(true);
    for (let h = 0; h < 0x7c00; h += 37) expect(float32ToFloat16(float16ToFloat32(h))).toBe(h);
  });
});

// An independent reader: Python's stdlib parses our file by the spec (struct + json).
const hasPython = spawnSync('python3', ['-c', 'print(1)']).status === 0;
const hasSafetensors = hasPython && spawnSync('python3', ['-c', 'import safetensors.numpy']).status === 0;

describe('interoperability with Python', () => {
  const file = encodeSafetensors(
    [
      { name: 'w', dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      { name: 'h', dtype: 'F16', shape: [1], data: new Uint16Array([0x3c00]) },
      { name: 'i', dtype: 'I32', shape: [2], data: new Int32Array([5, -6]) },
    ],
    { source: 'texttune' },
  );
  const withFile = (fn: (path: string) => void): void => {
    const dir = mkdtempSync(join(tmpdir(), 'texttune-st-'));
    try {
      writeFileSync(join(dir, 'x.safetensors'), file);
      fn(join(dir, 'x.safetensors'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it.skipIf(!hasPython)('a spec-following stdlib Python reader gets the same values (needs python3)', () => {
    const script = [
      'import json, struct, sys',
      'b = open(sys.argv[1], "rb").read()',
      'n = struct.unpack("<Q", b[:8])[0]',
      'assert n % 8 == 0',
      'h = json.loads(b[8:8 + n])',
      'd = b[8 + n:]',
      'fmt = {"F32": "f", "I32": "i", "F16": "e"}',
      'out = {k: list(struct.unpack("<%d%s" % ((v["data_offsets"][1] - v["data_offsets"][0]) // struct.calcsize(fmt[v["dtype"]]), fmt[v["dtype"]]), d[v["data_offsets"][0]:v["data_offsets"][1]])) for k, v in h.items() if k != "__metadata__"}',
      'out["__metadata__"] = h["__metadata__"]',
      'print(json.dumps(out, sort_keys=True))',
    ].join('\n');
    withFile((path) => {
      const out = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
      expect(out).toEqual({ __metadata__: { source: 'texttune' }, h: [1], i: [5, -6], w: [1, 2, 3, 4] });
    });
  });

  it.skipIf(!hasSafetensors)('the reference safetensors library opens the file (needs python3 with the safetensors package; skipped where `import safetensors` fails)', () => {
    const script = [
      'import sys, json',
      'from safetensors.numpy import load_file',
      't = load_file(sys.argv[1])',
      'print(json.dumps({k: [str(v.dtype), list(v.shape), v.reshape(-1).tolist()] for k, v in sorted(t.items())}))',
    ].join('\n');
    withFile((path) => {
      const out = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
      expect(out).toEqual({ h: ['float16', [1], [1]], i: ['int32', [2], [5, -6]], w: ['float32', [2, 2], [1, 2, 3, 4]] });
    });
  });
});

describe('safetensors from a Node Buffer', () => {
  it('decodes a Buffer (whose slice() is a view, not a copy) correctly', async () => {
    const { encodeSafetensors, decodeSafetensors } = await import('../../src/core/formats/safetensors');
    const bytes = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [3], data: Float32Array.from([1.5, -2, 3]) }]);
    // A Buffer that lives at an offset inside a larger pool, as readFileSync's often do.
    const pool = Buffer.alloc(bytes.length + 13);
    Buffer.from(bytes).copy(pool, 13);
    const decoded = decodeSafetensors(pool.subarray(13));
    expect(Array.from(decoded.tensors.find((t: { name: string }) => t.name === 'w')!.data as Float32Array)).toEqual([1.5, -2, 3]);
  });
});
