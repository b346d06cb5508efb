// npm run bench:browser — the app's real paths in Chromium, per backend: the production build
// served with its production headers (COOP/COEP, CSP), the engine worker driven through the
// same requests the UI makes (`?bench` exposes the worker client on window, nothing else).
// Backends: WASM on 1 thread, WASM on N threads, WebGPU (whatever adapter Chromium gets: here
// SwiftShader, with --gpu a hardware adapter). Last line: one JSON object.
//
//   npm run bench:browser                 # build, then every backend
//   npm run bench:browser -- --gpu        # Chromium with hardware-adapter flags (Vulkan on Linux)
//   npm run bench:browser -- --no-build --only wasm-n --scale 0.5
//   npm run bench:browser -- --no-build --embed-only          # threads vs single in a minute
//   npm run bench:browser -- --no-build --parts embed,playground   # some parts only
//                            (embed, bert, finetune, head, playground, batch; without head, the
//                            playground and batch use a run trained on 48 rows, encoder kept)
// `bert`: a BERT-family encoder at MiniLM's size (6 layers × 384, 12 heads, FFN 1536; seeded random
// weights from scripts/gen-tiny-bert.mjs, served by the e2e tests' local stand-in Hub through the
// preview server), downloaded into the app like a Hub model and timed embedding as USE-lite is.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SentencePieceTokenizer } from '../src/core/tokenizers/sentencepiece';
import { wordPieceFromTokenizerJson } from '../src/core/tokenizers/wordpiece';
import { loadImdbReviews } from '../tests/support/corpus';
import { readUseFiles } from '../tests/support/use-files';
import { startFakeHub, type FakeHub } from '../tests/support/hub-server';
// @ts-expect-error a plain ES module script without types (its exports are used as documented there)
import { generateTinyBert } from '../scripts/gen-tiny-bert.mjs';
import { MAX_WASM_THREADS } from '../src/worker/threads';
import type { BackendInfo, EmbedTiming, EncoderInfo, FineTuneEstimate, Method, RunDetail } from '../src/worker/protocol';
import type { EngineClient } from '../src/worker/client';
import type { FineTuneSettings, TrainConfig } from '../src/worker/protocol';
import { trainingEmbeddingsKey } from '../src/storage/embeddings';
import { DEFAULT_CONFIG } from '../src/features/training/train-form';
import { DEFAULT_FINETUNE_SETTINGS } from '../src/features/training/finetune-form';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string): string | null => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? null) : null;
};
const GPU = flag('gpu');
const SCALE = Number(option('scale') ?? 1);
const ONLY = option('only');
/** Only the embedding numbers (the quick threads-vs-single check). */
const EMBED_ONLY = flag('embed-only');
const PARTS = new Set((option('parts') ?? 'embed,bert,finetune,head,playground,batch').split(','));
const part = (name: string) => PARTS.has(name);
const LENGTHS = [16, 64, 128];
/** all-MiniLM-L6-v2's shape; the stand-in Hub serves it as BERT_REPO. */
const BERT_SIZES = { hidden: 384, layers: 6, heads: 12, intermediate: 1536, positions: 512, typeVocab: 2 };
const BERT_REPO = 'bench/minilm-size';
const BERT_ID = `hf:${BERT_REPO}@main`;
/** The preview server's path to the stand-in Hub (vite.config.ts, E2E_HUB_PATH). */
const HUB_PATH = '/__e2e-hub';
/** The playground's debounce: a prediction starts this long after the last keystroke. */
const TYPING_PAUSE_MS = 250;
/** Debian's Chromium as the e2e suite runs it (WebGPU on, no traffic of its own). */
const CHROMIUM_ARGS = ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Config {
  name: string;
  query: string;
  /** Texts per length: SwiftShader WebGPU is ~50× slower than WASM, so it gets few. */
  textsPerLength: number;
  /** Fine-tune steps, head training, playground, batch predict: hours on a software adapter. */
  full: boolean;
}

const threadsN = Math.min(cpus().length, MAX_WASM_THREADS);
const CONFIGS: Config[] = [
  { name: 'wasm-1', query: 'backend=wasm&threads=1', textsPerLength: 128, full: true },
  { name: 'wasm-n', query: `backend=wasm&threads=${threadsN}`, textsPerLength: 128, full: true },
  { name: 'webgpu', query: 'backend=webgpu', textsPerLength: GPU ? 256 : 8, full: GPU },
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function preview(hub: FakeHub | null): Promise<{ base: string; proc: ChildProcess }> {
  const port = await freePort();
  // TEXTTUNE_E2E_HUB makes the preview server forward HUB_PATH to the stand-in Hub (vite.config.ts).
  const env = hub ? { ...process.env, TEXTTUNE_E2E_HUB: hub.baseUrl } : process.env;
  const proc = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', env });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(base)).ok) return { base, proc };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill();
  throw new Error('vite preview did not start within 30 s');
}

/** Texts of about `target` tokens, cut from IMDB reviews with the encoder's own tokenizer. */
function textsOfLength(tok: { encode(text: string): number[] }, reviews: string[], target: number, count: number): string[] {
  const out: string[] = [];
  for (const review of reviews) {
    if (out.length >= count) break;
    const words = review.split(' ');
    if (tok.encode(review).length < target) continue;
    let lo = 1;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tok.encode(words.slice(0, mid).join(' ')).length < target) lo = mid + 1;
      else hi = mid;
    }
    out.push(words.slice(0, lo).join(' '));
  }
  return out;
}

type Call = <T>(method: string, args: unknown) => Promise<T>;
type PageEngine = { texttuneEngine: EngineClient };
function engine(page: Page): Call {
  return <T>(method: string, args: unknown) =>
    page.evaluate(([m, a]) => (window as unknown as PageEngine).texttuneEngine.call(m as Method, a as never), [method, args] as const) as Promise<T>;
}

/** Imports a CSV through the engine (the Blob made in the page) and saves it; resolves to the dataset id. */
async function importCsv(page: Page, name: string, csv: string): Promise<string> {
  return page.evaluate(
    async ([n, text]) => {
      const e = (window as unknown as PageEngine).texttuneEngine;
      const preview = await e.call('import.open', { file: new Blob([text], { type: 'text/csv' }), fileName: n });
      await e.call('import.map', { importId: preview.importId, mapping: preview.detected });
      return (await e.call('import.save', { importId: preview.importId, name: n })).id as string;
    },
    [name, csv] as const,
  );
}

/**
 * Puts cached embeddings for a dataset straight into the app's IndexedDB, under the key the
 * trainer looks up, so head training starts from a warm cache (what a re-train does).
 * Label-dependent means plus noise, L2-normalised: learnable, like real sentence embeddings.
 */
async function seedEmbeddings(page: Page, key: string, datasetId: string, labels: number[], dim: number): Promise<void> {
  await page.evaluate(
    async ([k, id, ys, d]) => {
      let s = 7;
      const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
      const means = Array.from({ length: 4 }, () => Float32Array.from({ length: d }, rnd));
      const vectors = new Float32Array(ys.length * d);
      ys.forEach((y, i) => {
        let norm = 0;
        for (let j = 0; j < d; j++) {
          const v = means[y]![j]! * 0.3 + rnd();
          vectors[i * d + j] = v;
          norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (let j = 0; j < d; j++) vectors[i * d + j]! /= norm;
      });
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('texttune');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('embeddings', 'readwrite');
        tx.objectStore('embeddings').put({ key: k, datasetId: id, dim: d, count: ys.length, vectors, createdAt: Date.now() });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    [key, datasetId, labels, dim] as const,
  );
}

const LABELS = ['alpha', 'beta', 'gamma', 'delta'];
const csvEscape = (t: string) => `"${t.replace(/"/g, '""')}"`;
// The app's own defaults (what a user gets without touching the forms); fine-tuning at batch 16.
const FINETUNE: FineTuneSettings = { ...DEFAULT_FINETUNE_SETTINGS, epochs: 1, batchSize: 16 };
const HEAD: TrainConfig = DEFAULT_CONFIG;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function runConfig(browser: Browser, base: string, config: Config, texts: Record<number, string[]>, text30: { text: string; tokens: number }, bertTexts: Record<number, string[]>): Promise<Record<string, unknown>> {
  const ctx = await browser.newContext();
  // tsx keeps function names with a `__name` helper that the page does not have.
  await ctx.addInitScript('window.__name = (f) => f');
  const page = await ctx.newPage();
  page.setDefaultTimeout(900_000);
  const log = (what: string, value: unknown) => console.error(config.name, what, JSON.stringify(value));
  try {
    await page.goto(`${base}/?bench&${config.query}`);
    const call = engine(page);
    const q = new URLSearchParams(config.query);
    const info = await call<BackendInfo>('init', { backend: q.get('backend'), threads: q.get('threads'), hubBaseUrl: part('bert') ? `${base}${HUB_PATH}` : null });
    const result: Record<string, unknown> = {
      backend: info.backend,
      threads: info.threads,
      adapter: info.adapter,
      crossOriginIsolated: info.crossOriginIsolated,
      fellBack: info.fellBack || info.threadsNote != null,
    };
    // 1. USE-lite embedding at ~16, 64 and 128 tokens.
    if (part('embed')) {
    const embed: Record<string, { texts: number; avgTokens: number; textsPerSecond: number; workers: number; tfjsTextsPerSecond?: number }> = {};
    let allTexts = 0;
    let allMs = 0;
    let allTfjsMs = 0;
    let path = '';
    for (const len of LENGTHS) {
      const batch = texts[len]!.slice(0, Math.max(2, Math.round(config.textsPerLength * SCALE)));
      const t = await call<EmbedTiming>('perf.embed', { encoderId: 'use-lite', texts: batch });
      path = t.path;
      embed[`${len}`] = { texts: t.texts, avgTokens: round(t.tokens / t.texts, 1), textsPerSecond: round(t.textsPerSecond, 1), workers: t.workers };
      // Where the encoder's own kernel ran, the same texts through tfjs (forward()) as the reference.
      if (t.path !== 'tfjs') {
        const r = await call<EmbedTiming>('perf.embed', { encoderId: 'use-lite', texts: batch, reference: true });
        embed[`${len}`]!.tfjsTextsPerSecond = round(r.textsPerSecond, 1);
        allTfjsMs += r.ms;
      }
      allTexts += t.texts;
      allMs += t.ms;
    }
    result.embedUseLite = { ...embed, path, all: round(allTexts / (allMs / 1000), 1), ...(allTfjsMs > 0 ? { tfjsAll: round(allTexts / (allTfjsMs / 1000), 1), kernelVsTfjs: round(allTfjsMs / allMs, 2) } : {}) };
    log('embed', result.embedUseLite);
    }
    // 1b. A BERT-family encoder at MiniLM's size, on texts cut to ~16/64/128 of its own tokens.
    if (part('bert')) {
      await call('encoder.prefetch', { id: BERT_ID });
      const bert: Record<string, unknown> = {};
      let allTexts = 0;
      let allMs = 0;
      for (const len of LENGTHS) {
        const batch = bertTexts[len]!.slice(0, Math.max(2, Math.round((config.textsPerLength / 2) * SCALE)));
        const t = await call<EmbedTiming>('perf.embed', { encoderId: BERT_ID, texts: batch });
        bert[`${len}`] = { texts: t.texts, avgTokens: round(t.tokens / t.texts, 1), textsPerSecond: round(t.textsPerSecond, 1), workers: t.workers };
        allTexts += t.texts;
        allMs += t.ms;
      }
      result.embedBertMiniLmSize = { ...bert, path: 'tfjs', all: round(allTexts / (allMs / 1000), 1) };
      log('bert', result.embedBertMiniLmSize);
    }
    if (!config.full || EMBED_ONLY) return result;

    // 2. Fine-tune step, batch 16 × 128 tokens: top layer and all (USE-lite has 2), as the app estimates it.
    const longCsv = ['text,label', ...texts[128]!.slice(0, 48).map((t, i) => `${csvEscape(t)},${LABELS[i % 2]}`)].join('\n');
    const longId = await importCsv(page, 'bench-128.csv', longCsv);
    if (part('finetune')) {
    const finetune: Record<string, number> = {};
    for (const [name, layers] of [['top1', 1], ['all', 2]] as const) {
      const est = await call<FineTuneEstimate>('finetune.estimate', { datasetId: longId, encoderId: 'use-lite', settings: { ...FINETUNE, unfreezeLayers: layers } });
      finetune[`${name}StepMs`] = round(est.stepSeconds * 1000, 0);
      finetune.seqLength = est.seqLength;
    }
    result.finetuneUseLite = finetune;
    log('finetune', finetune);
    }

    // 3. Head training on 10k cached 512-d embeddings (whatever head the app trains by default).
    let runId: string;
    if (part('head')) {
    const n = Math.round(10_000 * Math.min(SCALE, 1));
    const ys = Array.from({ length: n }, (_, i) => i % LABELS.length);
    // Texts that say nothing about the label, so the kept model is the encoder's head (a TF-IDF
    // baseline that wins would predict without the encoder, and time nothing of it).
    const bigCsv = ['text,label', ...ys.map((y, i) => `review number ${i},${LABELS[y]}`)].join('\n');
    const bigId = await importCsv(page, 'bench-10k.csv', bigCsv);
    const enc = await call<EncoderInfo>('encoder.load', { id: 'use-lite' });
    await seedEmbeddings(page, trainingEmbeddingsKey(bigId, 'use-lite', enc.weightsHash, HEAD.maxWindows), bigId, ys, enc.dim);
    const t0 = Date.now();
    const run = await call<RunDetail>('train.start', { datasetId: bigId, encoderId: 'use-lite', config: HEAD });
    // seconds: the whole Train click (every candidate, cross-validation, refit); encoderHeadSeconds:
    // the logistic-regression head on the embeddings alone (its C path + cross-validation folds).
    const headSeconds = run.comparison?.candidates.find((c) => c.kind === 'encoder')?.seconds ?? null;
    result.headTraining10k = { seconds: round((Date.now() - t0) / 1000, 1), encoderHeadSeconds: headSeconds === null ? null : round(headSeconds, 2), rows: n, dim: enc.dim, epochs: run.history.length, macroF1: round(run.metrics.macroF1, 3), kept: run.comparison?.kept ?? null };
    log('head', result.headTraining10k);
    runId = run.id;
    } else {
      // Kept: the encoder model, so a prediction runs the encoder as with the 10k run's hybrid.
      runId = (await call<RunDetail>('train.start', { datasetId: longId, encoderId: 'use-lite', config: { ...HEAD, keepEncoder: true } })).id;
    }

    // 4. Playground: one 30-word text at a time, as typing does. The loops run inside the page, as
    // the playground calls the engine: driving each call from here through the DevTools protocol
    // woke Node and the browser process during every prediction, which on 2 cores added a tail of
    // its own (wasm-n p95 18–20 ms driven from here vs 12–15 ms in the page, same build and run).
    if (part('playground')) {
    const samples = (pauseMs: number, tag: string) =>
      page.evaluate(
        async ([id, txt, pause, t]) => {
          const e = (window as unknown as PageEngine).texttuneEngine;
          const engine: number[] = [];
          const roundTrip: number[] = [];
          // 100 timed calls: with fewer, the 95th percentile is the second-largest sample. Each text
          // differs (a number appended), so none is answered from the embedding cache.
          for (let i = 0; i < 105; i++) {
            if (pause > 0) await new Promise((r) => setTimeout(r, pause));
            const t0 = performance.now();
            const p = await e.call('predict', { runId: id, texts: [`${txt} ${t}${i}`] });
            // The first few load the head and build kernels: not what typing feels.
            if (i >= 5) {
              engine.push(p.ms);
              roundTrip.push(performance.now() - t0);
            }
          }
          return { engine, roundTrip };
        },
        [runId, text30.text, pauseMs, tag] as const,
      );
    // Back to back: what the engine can do. After a pause: what typing meets, one prediction per
    // pause of the playground's debounce (250 ms), with the CPU (and WASM's threads) idle before it.
    const backToBack = await samples(0, 'b');
    const paused = await samples(TYPING_PAUSE_MS, 'p');
    // The encoder alone on the same kind of text, one text per call (what the prediction waits
    // for): on the path a prediction takes (USE-lite's own kernel where it runs), and through
    // tfjs's forward() as the reference, interleaved so both meet the same machine.
    const embedMs: number[] = [];
    const tfjsMs: number[] = [];
    let latencyPath = '';
    for (let i = 0; i < 45; i++) {
      const fast = await call<EmbedTiming>('perf.embed', { encoderId: 'use-lite', texts: [`${text30.text} e${i}`], latency: true });
      const ref = await call<EmbedTiming>('perf.embed', { encoderId: 'use-lite', texts: [`${text30.text} r${i}`], latency: true, reference: true });
      latencyPath = fast.path;
      if (i >= 5) {
        embedMs.push(fast.ms);
        tfjsMs.push(ref.ms);
      }
    }
    result.playground = {
      tokens: text30.tokens,
      p50Ms: round(percentile(backToBack.engine, 50), 1),
      p95Ms: round(percentile(backToBack.engine, 95), 1),
      roundTripP50Ms: round(percentile(backToBack.roundTrip, 50), 1),
      afterPause: {
        pauseMs: TYPING_PAUSE_MS,
        p50Ms: round(percentile(paused.engine, 50), 1),
        p95Ms: round(percentile(paused.engine, 95), 1),
        roundTripP50Ms: round(percentile(paused.roundTrip, 50), 1),
      },
      latencyPath,
      embedOnlyP50Ms: round(percentile(embedMs, 50), 1),
      embedOnlyP95Ms: round(percentile(embedMs, 95), 1),
      tfjsEmbedOnlyP50Ms: round(percentile(tfjsMs, 50), 1),
      tfjsEmbedOnlyP95Ms: round(percentile(tfjsMs, 95), 1),
    };
    log('playground', result.playground);
    }

    // 5. Batch predict: a CSV of review-like rows through the real file path.
    if (part('batch')) {
    const rows = Math.max(16, Math.round(256 * SCALE));
    const batchCsv = ['text', ...texts[64]!.concat(texts[16]!).slice(0, rows).map(csvEscape)].join('\n');
    const t0 = Date.now();
    const out = await page.evaluate(
      ([id, csv]) => (window as unknown as PageEngine).texttuneEngine.call('predict.batch', { runId: id, file: new Blob([csv], { type: 'text/csv' }), fileName: 'batch.csv' }),
      [runId, batchCsv] as const,
    );
    result.batchPredict = { rows: out.rows, rowsPerSecond: round(out.rows / ((Date.now() - t0) / 1000), 1) };
    log('batch', result.batchPredict);
    }
    return result;
  } finally {
    await ctx.close();
  }
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  if (!flag('no-build')) {
    const b = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const files = readUseFiles();
  const tok = new SentencePieceTokenizer(files.vocab as [string, number][]);
  const reviews = loadImdbReviews().map((r) => r.t);
  const maxTexts = Math.max(...CONFIGS.map((c) => c.textsPerLength)) * Math.max(SCALE, 1);
  const texts: Record<number, string[]> = {};
  for (const len of LENGTHS) texts[len] = textsOfLength(tok, reviews, len, Math.ceil(maxTexts));
  // The playground's text: 30 words (each call appends a number, so none is answered from the cache).
  const words30 = texts[64]![0]!.split(' ').slice(0, 30).join(' ');
  const text30 = { text: words30, tokens: tok.encode(`${words30} 0`).length };

  let hub: FakeHub | null = null;
  let bertDir: string | null = null;
  const bertTexts: Record<number, string[]> = {};
  if (part('bert')) {
    bertDir = mkdtempSync(join(tmpdir(), 'bench-bert-'));
    generateTinyBert(bertDir, 7, BERT_SIZES);
    const files: Record<string, Uint8Array> = {};
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'modules.json', '1_Pooling/config.json', 'model.safetensors']) {
      files[f] = new Uint8Array(readFileSync(join(bertDir, f)));
    }
    hub = await startFakeHub();
    hub.repos.set(BERT_REPO, { files });
    // Its vocabulary is the fixture's ~300 pieces (most words spell out): texts cut by its own count.
    const wp = wordPieceFromTokenizerJson(JSON.parse(new TextDecoder().decode(files['tokenizer.json'])));
    const bertTok = { encode: (t: string) => wp.encode(t).ids };
    for (const len of LENGTHS) bertTexts[len] = textsOfLength(bertTok, reviews, len, Math.ceil(maxTexts / 2));
  }
  const { base, proc } = await preview(hub);
  // --gpu: a hardware adapter instead of SwiftShader (Linux: Vulkan through ANGLE; needs the GPU's
  // Vulkan driver, e.g. nvidia-driver + libvulkan1). The adapter is recorded per result.
  const args = [...CHROMIUM_ARGS, ...(GPU ? ['--enable-features=Vulkan,VulkanFromANGLE', '--use-angle=vulkan', '--use-vulkan=native', '--ignore-gpu-blocklist', '--enable-gpu', '--disable-vulkan-surface'] : [])];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args });
  const results: Record<string, Record<string, unknown>> = {};
  try {
    for (const config of CONFIGS) {
      if (ONLY && !ONLY.split(',').includes(config.name)) continue;
      try {
        results[config.name] = await runConfig(browser, base, config, texts, text30, bertTexts);
      } catch (err) {
        results[config.name] = { error: (err as Error).message.split('\n')[0] };
      }
    }
  } finally {
    await browser.close();
    proc.kill();
    await hub?.close();
    if (bertDir) rmSync(bertDir, { recursive: true, force: true });
  }
  const all = (name: string) => ((results[name]?.embedUseLite as { all?: number } | undefined)?.all ?? null);
  const ratio = (a: number | null, b: number | null) => (a && b ? round(a / b) : null);
  const bestWasm = Math.max(all('wasm-1') ?? 0, all('wasm-n') ?? 0) || null;
  console.log(
    JSON.stringify({
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform },
      chromium: browser.version(),
      gpuFlags: GPU,
      results,
      speedups: { wasmThreadsVsSingle: ratio(all('wasm-n'), all('wasm-1')), webgpuVsWasm: ratio(all('webgpu'), bestWasm) },
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
