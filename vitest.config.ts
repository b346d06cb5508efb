import { defineConfig } from 'vitest/config';

// Chromium (V8 ≥ 11.4) has WebAssembly relaxed SIMD on by default, and the app's own matrix
// kernel (src/core/wasm/gemm.ts) uses it; Node 20's V8 11.3 has it behind a flag. The flag makes
// the unit tests run the variant users get (the plain-SIMD one is tested explicitly too).
const [major, minor] = process.versions.v8.split('.').map(Number);
const relaxedSimdFlag = major! * 100 + minor! < 1104 ? ['--experimental-wasm-relaxed-simd'] : [];

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global; one file at a time keeps memory and timings sane on 2 cores.
    fileParallelism: false,
    execArgv: relaxedSimdFlag,
  },
});
