// Refuses a file that is not text before it is predicted: a binary file parses as a "CSV" of
// garbage and comes back "predicted" (issue 14). The first KiB decides: text files have no NUL
// byte and decode as UTF-8; a UTF-8 sequence cut at the 1 KiB boundary is not an error. UTF-16
// and Windows-1252 text (Excel's "Unicode Text" and "CSV") are text too: the parser decodes them.
import { looksLikeWindows1252, sniffUtf16 } from '../../core/data/encoding';

export const SNIFF_BYTES = 1024;

/** Why `head` (a file's first bytes) is not UTF-8 text, in words; null when it looks like text. */
export function notTextReason(head: Uint8Array): string | null {
  const bytes = head.subarray(0, SNIFF_BYTES);
  if (sniffUtf16(bytes)) return null;
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `it contains a NUL byte (at byte ${nul + 1}), so it is a binary file, not a CSV or text file`;
  try {
    // stream: a multi-byte character split by the cut waits for bytes that never come, instead of failing.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    if (looksLikeWindows1252(bytes)) return null;
    return 'its first bytes are not UTF-8 text, so it is a binary file or another encoding; save it as UTF-8 CSV';
  }
  return null;
}

/** notTextReason of a File, reading only its first KiB. */
export async function fileNotTextReason(file: Blob): Promise<string | null> {
  return notTextReason(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
}
