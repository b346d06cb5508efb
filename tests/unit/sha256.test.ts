// The app's one SHA-256 (src/core/sha256.ts): Web Crypto, hex; several buffers hash as their
// concatenation (encoder parameters), and a view hashes only its own window.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/sha256';

const bytes = (n: number, seed = 7): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const nodeHex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it('matches node:crypto across block-boundary lengths, and the FIPS 180-2 "abc" vector', async () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const data = bytes(n);
      expect(await sha256Hex(data)).toBe(nodeHex(data));
      expect(await sha256Hex(data.slice().buffer)).toBe(nodeHex(data));
    }
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes only the window of a view into a larger buffer', async () => {
    const whole = bytes(300);
    const view = whole.subarray(17, 200);
    expect(await sha256Hex(view)).toBe(nodeHex(whole.slice(17, 200)));
  });

  it('hashes several buffers (views and ArrayBuffers) as their concatenation', async () => {
    const a = bytes(70, 1);
    const b = bytes(300, 2).subarray(5, 133);
    const c = bytes(9, 3).slice().buffer;
    const joined = new Uint8Array([...a, ...b, ...new Uint8Array(c)]);
    expect(await sha256Hex([a, b, c])).toBe(nodeHex(joined));
    expect(await sha256Hex([a])).toBe(nodeHex(a));
    expect(await sha256Hex([])).toBe(nodeHex(new Uint8Array(0)));
  });
});
