/**
 * A UTF-8 byte order mark, put before every CSV download: Excel opens a CSV without one in the
 * system's legacy code page, so "café" shows as "cafÃ©" and Cyrillic or CJK texts as garbage.
 * pandas, LibreOffice and TextTune's own import read the mark as UTF-8 and drop it.
 */
const UTF8_BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

function startsWithBom(data: Uint8Array | string): boolean {
  return typeof data === 'string' ? data.startsWith('\ufeff') : data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
}

/** Offers bytes or text to the user as a file download (a blob: URL, nothing leaves the tab). */
export function downloadFile(data: Uint8Array | string, fileName: string, mime: string): void {
  const parts: BlobPart[] = mime.startsWith('text/csv') && !startsWithBom(data) ? [UTF8_BOM, data as BlobPart] : [data as BlobPart];
  const blob = new Blob(parts, { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
