// Download files with byte-level progress and a SHA-256 of what arrived.
// Pure fetch + WebCrypto: runs in the worker and in Node 20.
import { CodedError } from '../errors';
import { sha256Hex } from '../sha256';

export class DownloadError extends CodedError<'download-failed'> {
  constructor(message: string) {
    super('DownloadError', 'download-failed', message, 'ENCODER_UNAVAILABLE');
  }
}

export interface DownloadProgress {
  /** Bytes received so far, over all files. */
  loaded: number;
  /** Sum of known sizes (Content-Length); grows as responses arrive. */
  total: number;
  file: string;
}

export interface DownloadedFile {
  url: string;
  bytes: ArrayBuffer;
  sha256: string;
}

/**
 * Fetches `urls` one after another (parallel fetches gain nothing from one origin and make
 * progress jumpy), reporting progress as chunks arrive.
 * `expectedSha256[url]`, when given, must match or the download fails.
 */
export async function downloadFiles(
  urls: string[],
  opts: {
    onProgress?: (p: DownloadProgress) => void;
    expectedSha256?: Record<string, string>;
    /** Known total size, so the first progress events already have the right denominator. */
    expectedBytes?: number;
    signal?: AbortSignal;
  } = {},
): Promise<DownloadedFile[]> {
  const out: DownloadedFile[] = [];
  let loaded = 0;
  let total = 0;
  const expected = opts.expectedBytes ?? 0;
  for (const url of urls) {
    let res: Response;
    try {
      res = await fetch(url, { signal: opts.signal });
    } catch (err) {
      throw new DownloadError(`could not fetch ${url}: ${(err as Error).message}`);
    }
    if (!res.ok) throw new DownloadError(`fetching ${url} failed: HTTP ${res.status} ${res.statusText}`);
    const length = Number(res.headers.get('content-length') ?? '0');
    total += length;
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.byteLength;
        loaded += value.byteLength;
        opts.onProgress?.({ loaded, total: Math.max(total, expected, loaded), file: url });
      }
    } else {
      const buf = new Uint8Array(await res.arrayBuffer());
      chunks.push(buf);
      size = buf.byteLength;
      loaded += size;
      opts.onProgress?.({ loaded, total: Math.max(total, expected, loaded), file: url });
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      bytes.set(c, offset);
      offset += c.byteLength;
    }
    const sha256 = await sha256Hex(bytes);
    const wanted = opts.expectedSha256?.[url];
    if (wanted && wanted !== sha256) {
      throw new DownloadError(`integrity check failed for ${url}: expected sha256 ${wanted}, got ${sha256}`);
    }
    out.push({ url, bytes: bytes.buffer, sha256 });
  }
  return out;
}
