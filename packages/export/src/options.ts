/** exportModel options, their defaults and validation. */
import { ExportError } from './errors.ts';

import type { Layout, Precision } from '@latentkit/format';

export type { Layout, Precision };
export type ModelRole = 'encoder' | 'decoder' | 'vae';

export interface ExportOptions {
  /**
   * ONNX opset, 11..21 (default 17, which every onnxruntime since 1.12 runs). No op the converters
   * write changed meaning from 17 to 21, so 18..21 differ only in the opset and IR version stated.
   */
  opset?: number;
  /**
   * 'fp16' stores weights and computes in float16; 'int8' is static int8 quantization, which needs
   * calibration inputs, so only exportRun / quantizeInt8 write it. Inputs and outputs stay float32 (default 'fp32').
   */
  precision?: Exclude<Precision, 'int8'>;
  /** Image inputs/outputs as tfjs does ('nhwc', default) or as the graph computes ('nchw'). */
  layout?: Layout;
  /** Fold inference BatchNormalization into the preceding Conv/ConvTranspose/Gemm (default true). */
  foldBatchNorm?: boolean;
  /** Dense on rank-2 inputs as Gemm (default true) rather than MatMul + Add. */
  gemm?: boolean;
  /** Extra metadata_props (e.g. manifestMetadata(manifest)). */
  metadata?: Record<string, string>;
  /** Names the graph's inputs and outputs (see README); without it, Keras layer names are used. */
  role?: ModelRole;
}

export type ResolvedOptions = Required<Omit<ExportOptions, 'role' | 'precision'>> & { role?: ModelRole; precision: Precision };

export const MIN_OPSET = 11;
export const MAX_OPSET = 21;

export function resolveOptions(options: Omit<ExportOptions, 'precision'> & { precision?: Precision } = {}): ResolvedOptions {
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ExportError(`opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, received ${String(options.opset)}`);
  }
  const precision = options.precision ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'fp16' && precision !== 'int8') throw new ExportError(`precision must be "fp32", "fp16" or "int8", received "${String(precision)}"`);
  if (precision === 'int8' && opset < 13) throw new ExportError(`precision "int8" needs opset >= 13 (per-channel QuantizeLinear/DequantizeLinear), received ${opset}`);
  const layout = options.layout ?? 'nhwc';
  if (layout !== 'nhwc' && layout !== 'nchw') throw new ExportError(`layout must be "nhwc" or "nchw", received "${String(layout)}"`);
  if (options.role !== undefined && !['encoder', 'decoder', 'vae'].includes(options.role)) {
    throw new ExportError(`role must be "encoder", "decoder" or "vae", received "${String(options.role)}"`);
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (typeof v !== 'string') throw new ExportError(`metadata["${k}"] must be a string, received ${typeof v}; JSON.stringify arrays and objects`);
  }
  return {
    opset,
    precision,
    layout,
    foldBatchNorm: options.foldBatchNorm ?? true,
    gemm: options.gemm ?? true,
    metadata: options.metadata ?? {},
    role: options.role,
  };
}

/** ONNX IR version that goes with an opset (onnx/helper.py VERSION_TABLE: 1.13 = opset 18, IR 8; 1.14 = 19, IR 9; 1.16 = 21, IR 10). */
export function irVersionFor(opset: number): number {
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}
