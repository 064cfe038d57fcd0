/**
 * One model of a run at precision int8: the fp32 export, calibrated on held-out data
 * (calibration-data.ts), then statically quantized (passes/quantize-int8).
 */
import { basename, join } from 'node:path';
import { buildModelProto } from '../export-model.ts';
import { composeVae, loadModelFolder } from '../model-source.ts';
import type { ExportOptions } from '../options.ts';
import { quantizeInt8, type Int8Result } from '../passes/quantize-int8/index.ts';
import type { ModelProto } from '../proto/onnx-types.ts';
import { calibrationBatches, calibrationImages, type CalibrationImages, type CalibrationOptions } from './calibration-data.ts';
import { manifestMetadata } from './metadata.ts';
import { readManifest } from './run-folder.ts';

export type { CalibrationOptions } from './calibration-data.ts';

/** Shared across the models of one bundle so the images are read once. */
export interface Int8Cache {
  images?: CalibrationImages;
}

export async function buildRunModelInt8(
  runDir: string,
  which: 'encoder' | 'decoder' | 'vae',
  options: Omit<ExportOptions, 'role' | 'metadata' | 'precision'> & { calibration?: CalibrationOptions },
  cache: Int8Cache = {},
): Promise<Int8Result & { calibration: string }> {
  const manifest = await readManifest(runDir);
  const metadata = manifestMetadata(manifest, basename(runDir));
  const { calibration, ...exportOptions } = options;
  const fp32 = { ...exportOptions, precision: 'fp32' as const, metadata };
  const encoderModel = await loadModelFolder(join(runDir, 'encoder'));
  const encoder: ModelProto = buildModelProto(encoderModel, { ...fp32, role: 'encoder' });
  let model: ModelProto = encoder;
  if (which === 'decoder') model = buildModelProto(await loadModelFolder(join(runDir, 'decoder')), { ...fp32, role: 'decoder' });
  if (which === 'vae') model = buildModelProto(composeVae(encoderModel, await loadModelFolder(join(runDir, 'decoder'))), { ...fp32, role: 'vae' });
  cache.images ??= await calibrationImages(manifest, calibration);
  const batches = await calibrationBatches(which, model, manifest, cache.images, encoder, exportOptions.layout ?? 'nhwc', calibration);
  const result = await quantizeInt8(model, batches);
  const latents = which === 'decoder' ? ` + ${calibration?.priorSamples ?? 256} prior samples` : '';
  return { ...result, calibration: `${cache.images.count} images of ${cache.images.source}${which === 'decoder' ? ' (encoded)' : ''}${latents}` };
}
