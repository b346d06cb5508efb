// Draws the app icons (public/icons/icon-192.png, icon-512.png) from the favicon's design: the
// accent-blue rounded square with a white "T". Deterministic (no randomness, no fonts, no canvas
// package): the same bytes on every run, so the PNGs are committed and this script re-creates them.
// The "T" sits inside the central 80% circle, so the icons also work as maskable icons.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';

const ACCENT = [0x2f, 0x5d, 0x8a];
const WHITE = [0xff, 0xff, 0xff];
// The favicon is drawn on a 32-unit grid: rx 6, T bar x 7..25 y 9..12, stem x 14.5..17.5 y 12..25.
const GRID = 32;
const RADIUS = 6;
const SHAPES = [
  [7, 9, 25, 12],
  [14.5, 12, 17.5, 25],
];

function inRoundedSquare(x, y) {
  const cx = Math.min(Math.max(x, RADIUS), GRID - RADIUS);
  const cy = Math.min(Math.max(y, RADIUS), GRID - RADIUS);
  return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2;
}

function inT(x, y) {
  return SHAPES.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
}

/** RGBA pixels, 4x4 supersampled so the edges are smooth. */
function draw(size, { fullBleed }) {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let cover = 0;
      let white = 0;
      for (let sj = 0; sj < S; sj++) {
        for (let si = 0; si < S; si++) {
          const x = ((i + (si + 0.5) / S) / size) * GRID;
          const y = ((j + (sj + 0.5) / S) / size) * GRID;
          // A maskable icon fills its whole square (the platform crops it); "any" keeps the rounded corners.
          if (!fullBleed && !inRoundedSquare(x, y)) continue;
          cover++;
          if (inT(x, y)) white++;
        }
      }
      const o = (j * size + i) * 4;
      const a = cover / (S * S);
      const w = cover ? white / cover : 0;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(ACCENT[c] * (1 - w) + WHITE[c] * w);
      px[o + 3] = Math.round(a * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const dest = join(dirname(new URL(import.meta.url).pathname), '..', 'public', 'icons');
mkdirSync(dest, { recursive: true });
for (const [name, size, fullBleed] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
]) {
  writeFileSync(join(dest, name), png(size, draw(size, { fullBleed })));
}
console.log(`icons written to ${dest}`);
