/**
 * Where the wasm backend's .wasm binaries live. In Node the backend would otherwise look beside
 * whichever bundle got loaded; pointing it at the package's dist folder explicitly makes that
 * independent of how the package was resolved (pnpm symlinks, tsx, bundlers).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** The dist folder of @tensorflow/tfjs-backend-wasm, ending in a path separator. */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@tensorflow/tfjs-backend-wasm'); // .../dist/tf-backend-wasm.node.js
  const dir = dirname(main);
  const missing = WASM_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length === WASM_FILES.length) {
    throw new Error(`@tensorflow/tfjs-backend-wasm at ${dir} has none of ${WASM_FILES.join(', ')}; reinstall it (pnpm install)`);
  }
  return dir.endsWith('/') ? dir : `${dir}/`;
}
