import { describe, expect, it } from 'vitest';
import { notTextReason } from '../../src/features/playground/binary-file';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('batch predict refuses binary files', () => {
  it('accepts CSV text, UTF-8 with a BOM, and a character cut at the 1 KiB boundary', () => {
    expect(notTextReason(utf8('text,label\n"héllo, wörld",pos\n'))).toBeNull();
    expect(notTextReason(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a,b\n')]))).toBeNull();
    const long = utf8(`${'a'.repeat(1023)}é and more`); // é's two bytes straddle byte 1024
    expect(notTextReason(long)).toBeNull();
  });

  it('refuses NUL bytes and invalid UTF-8, saying which', () => {
    expect(notTextReason(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toMatch(/NUL byte \(at byte 5\).*binary file/);
    expect(notTextReason(new Uint8Array([0x61, 0xff, 0xfe, 0x62]))).toMatch(/not UTF-8 text/);
  });

  it('looks at the first KiB only', () => {
    const bytes = new Uint8Array(2048).fill(0x61);
    bytes[1500] = 0;
    expect(notTextReason(bytes)).toBeNull();
  });
});
