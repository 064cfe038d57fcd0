/** Build the site and the element script with Vite, then add onnxruntime-web's wasm files. */
import { build } from 'vite';
import { join } from 'node:path';
import { DEFAULT_OUT_DIR, elementsConfig, siteConfig } from './vite-config.ts';
import { writeFile } from 'node:fs/promises';
import { copyOrtFiles, ortVersion, referencedOrtFiles } from './ort-assets.ts';

export interface BuiltSite {
  dir: string;
  ortFiles: string[];
  seconds: number;
}

export async function buildSite(outDir: string = DEFAULT_OUT_DIR): Promise<BuiltSite> {
  const t0 = performance.now();
  await build(siteConfig(outDir));
  await build(elementsConfig(outDir));
  const ortFiles = await referencedOrtFiles(outDir);
  if (ortFiles.length === 0) {
    throw new Error(
      `The build in ${outDir} names no onnxruntime-web wasm file; the runtime's web entry should import onnxruntime-web.`,
    );
  }
  await copyOrtFiles(ortFiles, join(outDir, 'ort'));
  // The page reads this to know which binary onnxruntime-web will ask for, and under which
  // version to keep it in the Cache API (src/model/runtime-setup.ts).
  const files = { version: ortVersion(), wasm: ortFiles.filter((f) => f.endsWith('.wasm')) };
  await writeFile(join(outDir, 'ort', 'files.json'), JSON.stringify(files, null, 2) + '\n');
  return { dir: outDir, ortFiles, seconds: (performance.now() - t0) / 1000 };
}
