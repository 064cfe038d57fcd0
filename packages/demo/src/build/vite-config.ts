/** The two Vite builds of the demo: the site, and the standalone element script. */
import { join } from 'node:path';
import { defaultClientConditions, type InlineConfig } from 'vite';
import { ORT_BUILD_FILES, ORT_EXTERN_WASM_CONDITION, ortExternWasm } from './ort-assets.ts';
import { PACKAGE_DIR, SITE_ROOT } from './paths.ts';

export { DEFAULT_OUT_DIR, PACKAGE_DIR, SITE_ROOT } from './paths.ts';
/** Where the element script lands inside the site: `<site>/elements/latent-elements.js`. */
export const ELEMENTS_DIR = 'elements';
export const ELEMENTS_FILE = 'latent-elements.js';

/**
 * `ortDir`: the content-hash folder below `ort/` holding onnxruntime-web's files (build-site.ts);
 * the page reads it as `__LATENTKIT_ORT_DIR__`, and which files each build loads as
 * `__LATENTKIT_ORT_FILES__` (src/model/runtime-setup.ts).
 */
const shared = (ortDir: string): InlineConfig => ({
  configFile: false,
  define: { __LATENTKIT_ORT_DIR__: JSON.stringify(ortDir), __LATENTKIT_ORT_FILES__: JSON.stringify(ORT_BUILD_FILES) },
  logLevel: 'warn',
  build: {
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's sources carry comments Rollup cannot place; harmless, and noisy on every build.
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
  plugins: [ortExternWasm()],
  resolve: { conditions: [...defaultClientConditions, ORT_EXTERN_WASM_CONDITION] },
});

/** The explorer site: site/index.html -> <outDir>/index.html + hashed assets. */
export function siteConfig(outDir: string, ortDir: string): InlineConfig {
  return {
    ...shared(ortDir),
    root: SITE_ROOT,
    // Relative asset URLs: the site works under any path prefix.
    base: './',
    build: {
      ...shared(ortDir).build,
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 2000,
      reportCompressedSize: false,
    },
  };
}

/** The custom elements as ONE ES module, loadable by `<script type="module" src=…>` from any page. */
export function elementsConfig(outDir: string, ortDir: string): InlineConfig {
  return {
    ...shared(ortDir),
    root: PACKAGE_DIR,
    build: {
      outDir: join(outDir, ELEMENTS_DIR),
      emptyOutDir: false,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2000,
      lib: {
        entry: join(PACKAGE_DIR, 'src', 'elements', 'index.ts'),
        formats: ['es'],
        fileName: () => ELEMENTS_FILE,
      },
      rollupOptions: { ...shared(ortDir).build?.rollupOptions, output: { inlineDynamicImports: true } },
    },
  };
}
