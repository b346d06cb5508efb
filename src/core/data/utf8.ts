// Strict UTF-8 decoding that says *which lines* were broken, so one bad byte
// rejects one row instead of the whole file (a lossy decode would silently
// turn it into U+FFFD and train on garbage).

export interface StrictDecodeResult {
  /** The decoded text (BOM removed); broken sequences appear as U+FFFD. */
  text: string;
  /** 1-based physical line numbers that contained invalid UTF-8, ascending. */
  invalidLines: number[];
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes `bytes` as UTF-8. Lines are separated by "\r\n", "\n" or a lone "\r",
 * the same convention parseDelimited uses, so the numbers line up with row lines.
 */
export function decodeUtf8Strict(bytes: Uint8Array): StrictDecodeResult {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    // Fast path: almost every file is valid, and one native decode is far cheaper than a per-line scan.
    return { text: fatalDecoder.decode(body), invalidLines: [] };
  } catch {
    // Fall through to the per-line scan.
  }
  const invalidLines: number[] = [];
  let line = 1;
  let lineStart = 0;
  const checkLine = (end: number): void => {
    if (end > lineStart) {
      try {
        fatalDecoder.decode(body.subarray(lineStart, end));
      } catch {
        invalidLines.push(line);
      }
    }
  };
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b !== 0x0a && b !== 0x0d) continue;
    checkLine(i);
    if (b === 0x0d && body[i + 1] === 0x0a) i++;
    line++;
    lineStart = i + 1;
  }
  checkLine(body.length);
  return { text: lossyDecoder.decode(body), invalidLines };
}
