/** Build the site and the element script with Vite, then add onnxruntime-web's wasm files. */
import { build } from 'vite';
import { join } from 'node:path';
import { readdir, writeFile } from 'node:fs/promises';
import { DEFAULT_OUT_DIR, elementsConfig, siteConfig } from './vite-config.ts';
import { copyOrtFiles, ORT_BUILD_FILES, ORT_FILES, ortFilesHash, ortVersion, precompress, referencedOrtFiles, type Precompression } from './ort-assets.ts';

export interface BuiltSite {
  dir: string;
  /** `ort/<ortDir>/` holds the onnxruntime-web files (a content hash: cacheable forever). */
  ortDir: string;
  ortFiles: string[];
  seconds: number;
}

export type BuildSiteOptions = Precompression;

export async function buildSite(outDir: string = DEFAULT_OUT_DIR, options: BuildSiteOptions = {}): Promise<BuiltSite> {
  const t0 = performance.now();
  const ortDir = await ortFilesHash();
  await build(siteConfig(outDir, ortDir));
  await build(elementsConfig(outDir, ortDir));
  const referenced = await referencedOrtFiles(outDir);
  if (referenced.length === 0) {
    throw new Error(
      `The build in ${outDir} names no onnxruntime-web wasm file; the runtime's web entry should import onnxruntime-web's builds.`,
    );
  }
  // A file outside the per-backend builds (e.g. the 28 MB JSEP build of the all-in-one entry)
  // means something imports `onnxruntime-web` itself: every page would then pay for it.
  const unexpected = referenced.filter((f) => !ORT_FILES.includes(f));
  if (unexpected.length > 0) {
    throw new Error(
      `The build in ${outDir} refers to ${unexpected.join(', ')}, which no backend should load. Import ` +
        `onnxruntime-web only through @latentkit/runtime/web (it picks onnxruntime-web/wasm, /jspi or /webgpu per backend).`,
    );
  }
  await copyOrtFiles(ORT_FILES, join(outDir, 'ort', ortDir), options);
  // For people hosting the files elsewhere (setOrtBase): what lives where.
  const files = { version: ortVersion(), dir: `${ortDir}/`, builds: ORT_BUILD_FILES };
  await writeFile(join(outDir, 'ort', 'files.json'), JSON.stringify(files, null, 2) + '\n');
  // The page's own scripts and styles: small, so the best brotli costs a second or two.
  const pageFiles = (await readdir(outDir, { recursive: true }))
    .filter((f) => /\.(html|js|mjs|css)$/.test(f) && !f.startsWith('ort'))
    .map((f) => join(outDir, f));
  await Promise.all(pageFiles.map((f) => precompress(f, { ...options, brotliQuality: 11 })));
  return { dir: outDir, ortDir, ortFiles: [...ORT_FILES], seconds: (performance.now() - t0) / 1000 };
}
