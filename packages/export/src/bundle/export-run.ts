/**
 * Export a training run folder into its bundle: encoder.onnx, decoder.onnx, vae.onnx (image ->
 * reconstruction through z_mean, deterministic), manifest.json (the run's manifest plus an `onnx` section) and latents.json when
 * the run has one. The bundle is written whole or not at all (write-bundle.ts): every file is built
 * first, then the folder replaces the previous one in one step; a full disk leaves the old bundle.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  BUNDLE_FILES, BUNDLE_MODELS, RUN_FILES, bundleFolderName, parseBundleManifest, parseLatents,
  type BundleManifest, type BundleModel, type OnnxFileInfo, type TensorInfo,
} from '@latentkit/format';
import { buildModelProto } from '../export-model.ts';
import { composeVae, loadModelFolder } from '../model-source.ts';
import type { ExportOptions, Layout, Precision } from '../options.ts';
import { resolveOptions } from '../options.ts';
import { encodeModel } from '../proto/onnx-proto.ts';
import type { ModelProto, ValueInfoProto } from '../proto/onnx-types.ts';
import { manifestMetadata } from './metadata.ts';
import { readManifest } from './run-folder.ts';
import { buildRunModelInt8, type CalibrationOptions, type Int8Cache } from './int8-run.ts';
import { writeBundleFolder, type BundleFile, type BundleWriterIo } from './write-bundle.ts';
import { bundlePca, type PcaExportOptions } from './pca/bundle-pca.ts';

// The bundle's file contract (manifest schema, model roles, file names) is @latentkit/format's;
// re-exported so this package's users keep one import.
export { BUNDLE_MODELS, type BundleManifest, type BundleModel, type OnnxFileInfo, type TensorInfo };

export type RunExportOptions = Omit<ExportOptions, 'role' | 'metadata' | 'precision'> & {
  /** 'int8' calibrates on held-out data of the run (see calibration-data.ts). */
  precision?: Precision;
  /** Where int8 calibration images come from and how many (precision 'int8' only). */
  calibration?: CalibrationOptions;
  /**
   * Compute the principal components of the encoded held-out images into latents.json's `pca`
   * (pca/bundle-pca.ts), beside any scatter the run wrote. Off unless given; `pnpm export` turns it
   * on for latents above 2-d.
   */
  pca?: PcaExportOptions | false;
};

/** Where a bundle goes by default: fp32 in `bundle/`, others in `bundle-fp16/`, `bundle-int8/`, so no export overwrites another precision. */
export function defaultBundleDir(runDir: string, precision: Precision = 'fp32'): string {
  return join(runDir, bundleFolderName(precision));
}

function bundleManifestOrUndefined(text: string): BundleManifest | undefined {
  try {
    return parseBundleManifest(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function tensorInfo(v: ValueInfoProto): TensorInfo {
  const dims = v.type?.tensor_type?.shape?.dim ?? [];
  return { name: v.name, shape: dims.map((d) => d.dim_param ?? Number(d.dim_value)), type: 'float32' };
}

export function describeModel(model: ModelProto, file: string): OnnxFileInfo {
  return { file, inputs: model.graph.input.map(tensorInfo), outputs: model.graph.output.map(tensorInfo) };
}

/** Build one model of a run (not written). */
export async function buildRunModel(runDir: string, which: BundleModel, options: RunExportOptions = {}, cache: Int8Cache = {}): Promise<ModelProto> {
  if (options.precision === 'int8') return (await buildRunModelInt8(runDir, which, options, cache)).model;
  const manifest = await readManifest(runDir);
  const metadata = manifestMetadata(manifest, basename(runDir));
  const encoder = which === 'decoder' ? undefined : await loadModelFolder(join(runDir, 'encoder'));
  const decoder = which === 'encoder' ? undefined : await loadModelFolder(join(runDir, 'decoder'));
  const model = which === 'encoder' ? encoder! : which === 'decoder' ? decoder! : composeVae(encoder!, decoder!);
  const { calibration: _unused, precision, ...exportOptions } = options;
  return buildModelProto(model, { ...exportOptions, precision, role: which, metadata });
}

export interface RunExportResult {
  outDir: string;
  files: string[];
  manifest: BundleManifest;
}

/** Export `models` of the run at `runDir` into `outDir` (default: defaultBundleDir). */
export async function exportRun(
  runDir: string,
  options: RunExportOptions & { models?: readonly BundleModel[]; outDir?: string; io?: BundleWriterIo } = {},
): Promise<RunExportResult> {
  const opts = resolveOptions(options);
  const models = options.models ?? BUNDLE_MODELS;
  const outDir = options.outDir ?? defaultBundleDir(runDir, opts.precision);
  const int8Cache: Int8Cache = {};
  const manifest = await readManifest(runDir);
  const out: BundleFile[] = [];
  const manifestPath = join(outDir, BUNDLE_FILES.manifest);

  // Keep entries of other models already in the bundle when they were exported the same way.
  let files: BundleManifest['onnx']['files'] = {};
  if (models.length < BUNDLE_MODELS.length && existsSync(manifestPath)) {
    // A previous manifest that is not valid any more is simply not reused.
    const previous = bundleManifestOrUndefined(await readFile(manifestPath, 'utf8'));
    const same = previous && previous.onnx.opset === opts.opset && previous.onnx.precision === opts.precision && previous.onnx.layout === opts.layout;
    if (same && previous.createdAt === manifest.createdAt) files = { ...previous.onnx.files };
  }
  for (const which of models) {
    const proto = await buildRunModel(runDir, which, options, int8Cache);
    const file = BUNDLE_FILES[which];
    out.push({ name: file, data: encodeModel(proto) });
    files[which] = describeModel(proto, file);
  }
  const latents = join(runDir, RUN_FILES.latents);
  if (options.pca) {
    // The run's scatter (2-d models) stays as it was; the PCA goes beside it. Validated before writing.
    const runLatents = existsSync(latents) ? JSON.parse(await readFile(latents, 'utf8')) : {};
    const encoder = await buildRunModel(runDir, 'encoder', { opset: opts.opset, precision: 'fp32', layout: 'nhwc' });
    const pca = await bundlePca(manifest, encoder, options.pca);
    const merged = parseLatents({ ...runLatents, pca }, join(outDir, BUNDLE_FILES.latents));
    out.push({ name: BUNDLE_FILES.latents, data: `${JSON.stringify(merged)}\n` });
  } else if (existsSync(latents)) out.push({ name: BUNDLE_FILES.latents, data: await readFile(latents) });
  // Validated before it is written: what the runtime and the demo will parse.
  const bundle = parseBundleManifest(
    { ...manifest, onnx: { opset: opts.opset, precision: opts.precision, layout: opts.layout, producer: 'latentkit', files } },
    manifestPath,
  );
  out.push({ name: BUNDLE_FILES.manifest, data: `${JSON.stringify(bundle, null, 2)}\n` });
  const written = await writeBundleFolder(outDir, out, { io: options.io });
  return { outDir, files: written, manifest: bundle };
}
