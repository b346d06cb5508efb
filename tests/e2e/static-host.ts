// A plain static file server over dist/, for the e2e tests that need the app hosted differently
// from `vite preview`: without the COOP/COEP headers (a static host that cannot set them), or
// with one file replaced (a broken pthread worker script). Listens on 127.0.0.1 only.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
};

export interface StaticHost {
  base: string;
  close(): Promise<void>;
}

/**
 * Serves `root` (default dist/). `headers` go on every response; `replace` maps a file-name
 * pattern to the body served instead of that file.
 */
export async function staticHost(options: { root?: string; headers?: Record<string, string>; replace?: [RegExp, string][] } = {}): Promise<StaticHost> {
  const root = resolve(options.root ?? 'dist');
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    for (const [k, v] of Object.entries(options.headers ?? {})) res.setHeader(k, v);
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    const swap = options.replace?.find(([re]) => re.test(file));
    if (swap) return void res.writeHead(200).end(swap[1]);
    try {
      res.writeHead(200).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}
