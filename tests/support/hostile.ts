// The hostile corpus of scripts/gen-hostile.mjs, generated once per test file into a temporary
// folder (never committed: it holds a 50 MB CSV and a 10 M-line vocabulary).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let dir: string | null = null;

export function hostileDir(): string {
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  execFileSync(process.execPath, [resolve(__dirname, '../../scripts/gen-hostile.mjs'), dir, '1']);
  return dir;
}

/** Deletes the generated corpus (about 140 MB); call it in afterAll. */
export function removeHostileDir(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
}

export function hostileFile(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(join(hostileDir(), name)));
}

export function hostileText(name: string): string {
  return readFileSync(join(hostileDir(), name), 'utf8');
}

/** Runs f and returns its result with the wall time and the growth of the JS heap + array buffers. */
export async function bounded<T>(f: () => T | Promise<T>): Promise<{ value: T | Error; ms: number; mb: number }> {
  const mem = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = mem();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, mem())), 5);
  const t0 = performance.now();
  let value: T | Error;
  try {
    value = await f();
  } catch (err) {
    value = err as Error;
  }
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, mem());
  return { value, ms, mb: (peak - before) / 1024 / 1024 };
}
