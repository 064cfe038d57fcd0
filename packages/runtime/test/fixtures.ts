/**
 * Real bundles for tests and benchmarks, made on the spot: the book's models (or any model spec) from @latentkit/train,
 * freshly initialised (seeded), exported with @latentkit/export into a temp folder with a manifest.
 * Nothing binary is checked in; every bundle can be regenerated from this file.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '@latentkit/train/engine';
import { buildModel } from '@latentkit/train';
import { RUN_FORMAT, createRng, normals, presetSpec, type BundleManifest, type ModelKind, type ModelSpec } from '@latentkit/format';
import { exportModel } from '@latentkit/export';

export interface FixtureOptions {
  kind?: ModelKind;
  /** A model spec instead of a preset (`kind` is then ignored and the manifest has none). */
  spec?: ModelSpec;
  latentDim?: number;
  seed?: number;
  /** Write attributes.json with these names (seeded unit vectors). */
  attributes?: string[];
  /** Leave encoder.onnx out. */
  withoutEncoder?: boolean;
  /** Exporter settings (default fp32, nhwc), recorded in manifest.onnx as `pnpm export` does. */
  precision?: 'fp32' | 'fp16';
  layout?: 'nhwc' | 'nchw';
  /** Written verbatim as latents.json (e.g. a `pca` section for traverse tests). */
  latents?: unknown;
  /** A conditional VAE of `kind` on these classes (spec.conditional). */
  classes?: string[];
}

const cache = new Map<string, string>();
let root: string | undefined;

function tempRoot(): string {
  if (!root) {
    root = mkdtempSync(join(tmpdir(), 'latentkit-runtime-'));
    const dir = root;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return root;
}

/** A bundle folder for `kind` (default the Fashion VAE, latent 2). Made once per process per options. */
export async function makeBundle(options: FixtureOptions = {}): Promise<string> {
  const kind = options.spec ? undefined : (options.kind ?? 'vae');
  const seed = options.seed ?? 1;
  const key = JSON.stringify({ ...options, kind, seed });
  const hit = cache.get(key);
  if (hit) return hit;
  await initEngine('cpu', { log: () => {} });
  const pair = options.spec
    ? buildModel(options.spec, { seed })
    : options.classes
      ? buildModel({ ...presetSpec(kind ?? 'vae', { latentDim: options.latentDim }), conditional: { classes: options.classes } }, { seed })
      : buildModel(kind ?? 'vae', { seed, ...(options.latentDim ? { latentDim: options.latentDim } : {}) });
  const dir = join(tempRoot(), `${kind ?? 'spec'}-${cache.size}`);
  mkdirSync(dir, { recursive: true });
  const precision = options.precision ?? 'fp32';
  const layout = options.layout ?? 'nhwc';
  writeFileSync(join(dir, 'decoder.onnx'), exportModel(pair.decoder, { role: 'decoder', precision, layout }));
  if (!options.withoutEncoder) writeFileSync(join(dir, 'encoder.onnx'), exportModel(pair.encoder, { role: 'encoder', precision, layout }));
  const manifest: BundleManifest = {
    format: RUN_FORMAT,
    spec: pair.spec,
    ...(kind && !options.classes ? { kind } : {}),
    latentDim: pair.latentDim,
    imageShape: pair.imageShape,
    ...(kind === 'faces-vae' || !kind ? { attributeNames: options.attributes ?? [] } : { labelNames: options.classes ?? ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] }),
    data: { name: !kind ? 'fixture-images' : kind === 'faces-vae' ? 'fixture-faces' : 'fixture-fashion', source: 'untrained (test fixture)', train: 0, validation: 0 },
    epochs: 0,
    batchSize: 1,
    engine: 'cpu',
    createdAt: new Date(0).toISOString(),
    onnx: { opset: 17, precision, layout, producer: 'latentkit', files: {} },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  if (options.attributes?.length) {
    const rng = createRng(seed + 1000);
    const attrs: Record<string, number[]> = {};
    for (const name of options.attributes) {
      const v = normals(rng, pair.latentDim);
      const norm = Math.hypot(...v);
      attrs[name] = Array.from(v, (x) => x / norm);
    }
    writeFileSync(join(dir, 'attributes.json'), JSON.stringify(attrs));
  }
  if (options.latents !== undefined) writeFileSync(join(dir, 'latents.json'), JSON.stringify(options.latents));
  pair.encoder.dispose();
  pair.decoder.dispose();
  cache.set(key, dir);
  return dir;
}
