// A local stand-in for the Hugging Face Hub on 127.0.0.1: the files API and resolve URLs for
// repos held in memory, HTTP Range support, and switches to drop a connection mid-file.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  files: Record<string, Uint8Array>;
  /** Answer 401 to everything (private/gated). */
  private?: boolean;
}

export interface FakeHub {
  baseUrl: string;
  repos: Map<string, FakeRepo>;
  /** Paths whose next full (non-Range) response is cut after this many bytes. */
  dropAfter: Map<string, number>;
  /** Every request: method, url, Range header. */
  log: { url: string; range?: string; status: number }[];
  /** Paths whose next full response sends this many bytes, then nothing (the connection stays open). */
  stallAfter: Map<string, number>;
  /** Paths listed with this size in the files API, whatever they really hold. */
  listedSize: Map<string, number>;
  /** Repos whose files API answers an HTML page with status 200 (a captive portal). */
  htmlApi: Set<string>;
  /** Paths whose Range answers claim to start at byte 0 (a broken proxy). */
  badRange: Set<string>;
  close(): Promise<void>;
}

const LFS = (path: string) => path.endsWith('.safetensors');

export async function startFakeHub(): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const dropAfter = new Map<string, number>();
  const log: FakeHub['log'] = [];
  const stallAfter = new Map<string, number>();
  const listedSize = new Map<string, number>();
  const htmlApi = new Set<string>();
  const badRange = new Set<string>();
  const stalled = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string | Uint8Array, extra: Record<string, string> = {}) => {
      log.push({ url: url.pathname, range: req.headers.range, status });
      res.writeHead(status, { 'Access-Control-Allow-Origin': '*', 'Content-Length': String(Buffer.byteLength(body)), ...extra });
      res.end(body);
    };
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repo = repos.get(api?.[1] ?? resolve?.[1] ?? '');
    if (!repo) return send(404, 'Repository not found');
    if (repo.private) return send(401, 'Unauthorized');
    if (api) {
      if (htmlApi.has(api[1]!)) return send(200, '<!doctype html><html><head><title>Sign in to the Wi-Fi</title></head><body>…</body></html>', { 'Content-Type': 'text/html' });
      const siblings = Object.entries(repo.files).map(([rfilename, bytes]) => {
        const size = listedSize.get(rfilename) ?? bytes.byteLength;
        return { rfilename, size, ...(LFS(rfilename) ? { lfs: { sha256: createHash('sha256').update(bytes).digest('hex'), size } } : {}) };
      });
      return send(200, JSON.stringify({ id: api[1], sha: 'f'.repeat(40), siblings }), { 'Content-Type': 'application/json' });
    }
    const path = decodeURIComponent(resolve![3]);
    const file = repo.files[path];
    if (!file) return send(404, 'Entry not found');
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      if (badRange.has(path)) return send(206, file, { 'Content-Range': `bytes 0-${file.byteLength - 1}/${file.byteLength}` });
      return send(206, file.subarray(start), { 'Content-Range': `bytes ${start}-${file.byteLength - 1}/${file.byteLength}` });
    }
    const stall = stallAfter.get(path);
    if (stall !== undefined) {
      stallAfter.delete(path);
      log.push({ url: url.pathname, status: 200 });
      res.writeHead(200, { 'Content-Length': String(file.byteLength) });
      res.write(file.subarray(0, stall));
      stalled.add(res);
      return;
    }
    const cut = dropAfter.get(path);
    if (cut !== undefined) {
      dropAfter.delete(path);
      log.push({ url: url.pathname, status: 200 });
      res.writeHead(200, { 'Content-Length': String(file.byteLength) });
      res.write(file.subarray(0, cut), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    return send(200, file);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    repos,
    dropAfter,
    log,
    stallAfter,
    listedSize,
    htmlApi,
    badRange,
    close: () => {
      for (const r of stalled) r.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
