// Fetching a BERT-family model from the Hugging Face Hub (or anything serving the same URLs, e.g.
// a localhost stand-in in tests): list the repo's files, check the storage quota, then download
// config.json, the tokenizer files, model.safetensors and the sentence-transformers pooling files
// with progress, size + sha256 checks and HTTP Range resume after a dropped connection.
//   files:  {base}/api/models/{repo}/revision/{revision}?blobs=true   (sizes, LFS sha256)
//   a file: {base}/{repo}/resolve/{revision}/{path}
// Caching in IndexedDB is the storage layer's job; this returns bytes and their sha256.
import { parseBertConfig, poolingFromSentenceTransformers, type BertPooling } from '../encoders/bert-config';
import type { HubModelRef } from '../encoders/registry';
import type { DownloadProgress } from './download';
import { sha256Hex } from '../sha256';
import { CodedError } from '../errors';
import type { ErrorCode } from '../model/errors';

export const HF_BASE_URL = 'https://huggingface.co';

export type HubErrorCode =
  | 'unauthorized' | 'not-found' | 'network' | 'http' | 'aborted'
  | 'unknown-architecture' | 'no-safetensors' | 'no-tokenizer'
  | 'insufficient-storage' | 'integrity';

const HUB_ENGINE_CODES: Record<HubErrorCode, ErrorCode> = {
  unauthorized: 'HUB_UNAUTHORIZED',
  'not-found': 'HUB_NOT_FOUND',
  network: 'HUB_NETWORK',
  http: 'HUB_NETWORK',
  aborted: 'CANCELLED',
  'unknown-architecture': 'HUB_UNSUPPORTED',
  'no-safetensors': 'HUB_UNSUPPORTED',
  'no-tokenizer': 'HUB_UNSUPPORTED',
  'insufficient-storage': 'QUOTA_EXCEEDED',
  integrity: 'HUB_INTEGRITY',
};

export class HubError extends CodedError<HubErrorCode> {
  /** The repo's files, where the error is about what the repo holds. */
  readonly files?: string[];
  readonly status?: number;
  constructor(code: HubErrorCode, message: string, extra: { files?: string[]; status?: number } = {}) {
    super('HubError', code, message, HUB_ENGINE_CODES[code]);
    this.files = extra.files;
    this.status = extra.status;
  }
}

export interface HubOptions {
  /** Default https://huggingface.co; tests point it at a local server. */
  baseUrl?: string;
  /** Access token for gated or private repos. */
  token?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Further attempts after a dropped connection or a 5xx, per file (default 3). */
  retries?: number;
  /** First back-off delay, doubled per attempt (default 500 ms). */
  retryDelayMs?: number;
  onProgress?: (p: DownloadProgress) => void;
  /** navigator.storage.estimate or a stand-in; checked before the weights are fetched. */
  estimate?: () => Promise<{ quota?: number; usage?: number }>;
  /** A response that sends nothing for this long is abandoned (default 30 s). */
  idleTimeoutMs?: number;
  /** Largest file fetched (default MAX_HUB_FILE_BYTES). */
  maxFileBytes?: number;
}

/**
 * 1 GiB: a BERT-base model.safetensors is 440 MB. A file is held in memory while it downloads
 * (a 5 GB one used to be fetched whole, then copied), so larger ones are refused up front.
 */
export const MAX_HUB_FILE_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const mb = (n: number) => (n / 1e6).toFixed(1);

export interface HubFileInfo {
  path: string;
  size?: number;
  /** Known for LFS files (the weights); checked after download. */
  sha256?: string;
}

export interface HubModelFiles {
  ref: HubModelRef;
  /** Parsed config.json, tokenizer.json, tokenizer_config.json; vocab.txt as text. */
  config: unknown;
  tokenizerJson?: unknown;
  vocab?: string;
  tokenizerConfig?: unknown;
  safetensors: Uint8Array;
  pooling: BertPooling;
  /** Every downloaded file's bytes and sha256, by repo path (what the cache stores). */
  raw: Record<string, Uint8Array>;
  sha256: Record<string, string>;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function resolveUrl(ref: HubModelRef, file: string, baseUrl = HF_BASE_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${encodePath(file)}`;
}

export function filesApiUrl(ref: HubModelRef, baseUrl = HF_BASE_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/models/${ref.repo}/revision/${encodeURIComponent(ref.revision)}?blobs=true`;
}

function headers(opts: HubOptions, extra: Record<string, string> = {}): Record<string, string> {
  return opts.token ? { ...extra, Authorization: `Bearer ${opts.token}` } : extra;
}

async function request(url: string, opts: HubOptions, extra: Record<string, string> = {}, signal: AbortSignal | undefined = opts.signal): Promise<Response> {
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { headers: headers(opts, extra), signal });
  } catch (err) {
    if (opts.signal?.aborted) throw new HubError('aborted', `download of ${url} was cancelled`);
    throw new HubError('network', `could not reach ${url} (${(err as Error).message}): offline, blocked by CORS, or the server is down`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new HubError('unauthorized', `${url}: HTTP ${res.status}. The repo is private or gated, or does not exist (the Hub answers 401 for both); check the id or use an access token`, { status: res.status });
  }
  if (res.status === 404) throw new HubError('not-found', `${url}: HTTP 404, no such repo, revision or file`, { status: 404 });
  if (!res.ok) throw new HubError('http', `${url}: HTTP ${res.status} ${res.statusText}`, { status: res.status });
  return res;
}

/** The files of the repo at the revision, with sizes and (LFS) sha256. */
export async function listHubFiles(ref: HubModelRef, opts: HubOptions = {}): Promise<HubFileInfo[]> {
  const url = filesApiUrl(ref, opts.baseUrl);
  const res = await request(url, opts);
  const body = parseJsonAnswer(url, res.headers.get('content-type'), await res.text()) as { siblings?: unknown };
  if (!Array.isArray(body?.siblings)) throw new HubError('http', `${url}: the answer has no "siblings" file list`);
  return (body.siblings as { rfilename?: unknown; size?: unknown; lfs?: { sha256?: unknown; size?: unknown } }[]).map((s) => {
    const size = s?.lfs?.size ?? s?.size;
    return {
      path: String(s?.rfilename),
      size: Number.isSafeInteger(size) && (size as number) >= 0 ? (size as number) : undefined,
      sha256: typeof s?.lfs?.sha256 === 'string' ? s.lfs.sha256 : undefined,
    };
  });
}

/**
 * JSON the Hub (or a file) should hold; anything else (a login or captive-portal page, a proxy's
 * error page served with 200) is explained instead of surfacing as a raw SyntaxError.
 */
export function parseJsonAnswer(url: string, contentType: string | null, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = text.slice(0, 80).replace(/\s+/g, ' ').trim();
    const html = /^\s*</.test(text) || /html/i.test(contentType ?? '');
    throw new HubError(
      'http',
      `${url} answered with ${html ? 'a web page' : `${contentType ?? 'something'}`} instead of JSON ("${start}${text.length > 80 ? '…' : ''}"): ` +
        'a login or captive-portal page, a proxy, or the wrong Hub address. Check the connection and the model id.',
    );
  }
}

/** Which files to fetch for a BERT-family encoder; throws naming what is missing and what exists. */
export function planFiles(ref: HubModelRef, listing: HubFileInfo[]): HubFileInfo[] {
  const byPath = new Map(listing.map((f) => [f.path, f]));
  const names = listing.map((f) => f.path);
  const shown = names.length > 30 ? `${names.slice(0, 30).join(', ')}, …` : names.join(', ');
  if (!byPath.has('config.json')) {
    throw new HubError('unknown-architecture', `${ref.repo}@${ref.revision} has no config.json, so it is not a transformers model; its files: ${shown}`, { files: names });
  }
  if (!byPath.has('model.safetensors')) {
    const hint = byPath.has('model.safetensors.index.json') ? ' (sharded safetensors are not supported)' : names.some((n) => n.endsWith('.bin')) ? ' (only PyTorch .bin weights; a safetensors conversion may exist on a refs/pr/N revision)' : '';
    throw new HubError('no-safetensors', `${ref.repo}@${ref.revision} has no model.safetensors${hint}; its files: ${shown}`, { files: names });
  }
  const tokenizer = byPath.has('tokenizer.json') ? ['tokenizer.json'] : byPath.has('vocab.txt') ? ['vocab.txt', 'tokenizer_config.json'] : null;
  if (!tokenizer) throw new HubError('no-tokenizer', `${ref.repo}@${ref.revision} has neither tokenizer.json nor vocab.txt; its files: ${shown}`, { files: names });
  const wanted = ['config.json', ...tokenizer, 'modules.json', '1_Pooling/config.json', 'model.safetensors'];
  return wanted.filter((p) => byPath.has(p)).map((p) => byPath.get(p)!);
}

/**
 * One file, resumed with Range after a dropped connection; size and sha256 checked when known.
 * Bounded: a file listed at N bytes is abandoned the moment byte N+1 arrives (one listed at
 * 1,000 B once took 419 MB before the check); one listed without a size is capped at
 * maxFileBytes; a response that sends nothing for idleTimeoutMs is abandoned; a 206 must say
 * (Content-Range) that it starts where we asked, or the file starts over.
 */
export async function downloadFile(url: string, info: HubFileInfo, opts: HubOptions, onBytes: (n: number) => void): Promise<{ bytes: Uint8Array; sha256: string }> {
  const retries = opts.retries ?? 3;
  const idleMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const cap = info.size ?? opts.maxFileBytes ?? MAX_HUB_FILE_BYTES;
  // Listed size known: one buffer, filled in place (no chunk list + copy at the end).
  const buffer: Uint8Array | null = info.size !== undefined ? new Uint8Array(info.size) : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const restart = () => {
    onBytes(-received);
    chunks.length = 0;
    received = 0;
  };
  for (let attempt = 0; ; attempt++) {
    // Our own controller per attempt: the caller's Cancel and the idle watchdog both end it.
    const controller = new AbortController();
    const onCancel = () => controller.abort();
    opts.signal?.addEventListener('abort', onCancel);
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        controller.abort();
      }, idleMs);
    };
    try {
      watchdog();
      const res = await request(url, opts, received > 0 ? { Range: `bytes=${received}-` } : {}, controller.signal);
      if (received > 0 && res.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
        if (!range || Number(range[1]) !== received || (info.size !== undefined && range[3] !== '*' && Number(range[3]) !== info.size)) {
          // A resumed body that starts elsewhere would corrupt the file silently: start over.
          const asked = received;
          restart();
          controller.abort();
          throw new TypeError(`${url} answered the resume request (bytes=${asked}-) with Content-Range ${JSON.stringify(res.headers.get('content-range'))}`);
        }
      } else if (received > 0) {
        // The server ignored the Range header: start over.
        restart();
      }
      const length = Number(res.headers.get('content-length') ?? NaN);
      if (info.size === undefined && Number.isFinite(length) && received + length > cap) {
        throw new HubError('integrity', `${url} is ${mb(received + length)} MB; the limit is ${mb(cap)} MB`);
      }
      const expected = info.size ?? (Number.isFinite(length) ? received + length : undefined);
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        watchdog();
        if (received + value.byteLength > cap) {
          controller.abort();
          throw new HubError(
            'integrity',
            info.size !== undefined
              ? `${url}: more bytes arrived than the ${info.size} the repo lists; the download was stopped`
              : `${url}: more than ${mb(cap)} MB arrived; the download was stopped`,
          );
        }
        if (buffer) buffer.set(value, received);
        else chunks.push(value);
        received += value.byteLength;
        onBytes(value.byteLength);
      }
      if (expected !== undefined && received < expected) throw new TypeError(`connection closed after ${received} of ${expected} bytes`);
      break;
    } catch (err) {
      if (opts.signal?.aborted) throw new HubError('aborted', `download of ${url} was cancelled`);
      if (stalled) throw new HubError('network', `${url}: no data arrived for ${Math.round(idleMs / 1000)} s after byte ${received}; the download was stopped. Check the connection and try again`);
      const transient = err instanceof TypeError || (err instanceof HubError && (err.code === 'network' || (err.code === 'http' && (err.status ?? 0) >= 500)));
      if (!transient || attempt >= retries) {
        if (err instanceof HubError) throw err;
        throw new HubError('network', `download of ${url} failed after ${attempt + 1} attempts at byte ${received}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 500) * 2 ** attempt));
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCancel);
    }
  }
  let bytes: Uint8Array;
  if (buffer) {
    bytes = received === buffer.byteLength ? buffer : buffer.subarray(0, received);
  } else {
    bytes = new Uint8Array(received);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
  }
  if (info.size !== undefined && bytes.byteLength !== info.size) {
    throw new HubError('integrity', `${url}: received ${bytes.byteLength} bytes; the repo lists ${info.size}`);
  }
  const sha256 = await sha256Hex(bytes);
  if (info.sha256 && info.sha256 !== sha256) throw new HubError('integrity', `${url}: sha256 ${sha256} does not match the repo's ${info.sha256}`);
  return { bytes, sha256 };
}

function jsonFile(ref: HubModelRef, path: string, bytes: Uint8Array | undefined): unknown {
  return bytes ? parseJsonAnswer(`${ref.repo}/${path}`, null, new TextDecoder().decode(bytes)) : undefined;
}

/** Lists, checks and downloads everything a BertEncoder needs (see loadBert). */
export async function fetchHubModel(ref: HubModelRef, opts: HubOptions = {}): Promise<HubModelFiles> {
  const plan = planFiles(ref, await listHubFiles(ref, opts));
  const maxFile = opts.maxFileBytes ?? MAX_HUB_FILE_BYTES;
  const tooBig = plan.find((f) => f.size !== undefined && f.size > maxFile);
  if (tooBig) {
    throw new HubError('insufficient-storage', `${ref.repo}: ${tooBig.path} is ${mb(tooBig.size!)} MB; TextTune loads models up to ${mb(maxFile)} MB in a browser tab`);
  }
  // Files listed without a size count at the cap, so the quota check never skips them.
  const unsized = plan.filter((f) => f.size === undefined && f.path === 'model.safetensors').length;
  const total = plan.reduce((n, f) => n + (f.size ?? 0), 0);
  if (opts.estimate) {
    const { quota, usage = 0 } = await opts.estimate();
    const need = (total + unsized * maxFile) * 1.1;
    // The cache stores the bytes once; 10% headroom for IndexedDB's own overhead.
    if (quota !== undefined && quota - usage < need) {
      throw new HubError('insufficient-storage', `${ref.repo} needs ${mb(need)} MB of storage${unsized ? ' (its file list gives no size for model.safetensors, so the largest accepted size is assumed)' : ''}; ${mb(Math.max(0, quota - usage))} MB is free`);
    }
  }
  const raw: Record<string, Uint8Array> = {};
  const sha256: Record<string, string> = {};
  let loaded = 0;
  for (const file of plan) {
    const url = resolveUrl(ref, file.path, opts.baseUrl);
    const got = await downloadFile(url, file, opts, (n) => {
      loaded += n;
      opts.onProgress?.({ loaded, total: Math.max(total, loaded), file: file.path });
    });
    raw[file.path] = got.bytes;
    sha256[file.path] = got.sha256;
    if (file.path === 'config.json') {
      // Before the (large) weights: an unsupported architecture fails fast.
      try {
        parseBertConfig(jsonFile(ref, 'config.json', got.bytes));
      } catch (err) {
        throw new HubError('unknown-architecture', `${ref.repo}: ${(err as Error).message}`);
      }
    }
  }
  return {
    ref,
    config: jsonFile(ref, 'config.json', raw['config.json']),
    tokenizerJson: jsonFile(ref, 'tokenizer.json', raw['tokenizer.json']),
    vocab: raw['vocab.txt'] ? new TextDecoder().decode(raw['vocab.txt']) : undefined,
    tokenizerConfig: jsonFile(ref, 'tokenizer_config.json', raw['tokenizer_config.json']),
    safetensors: raw['model.safetensors']!,
    pooling: poolingFromSentenceTransformers(jsonFile(ref, 'modules.json', raw['modules.json']), jsonFile(ref, '1_Pooling/config.json', raw['1_Pooling/config.json'])),
    raw,
    sha256,
  };
}
