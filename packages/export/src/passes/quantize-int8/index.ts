/**
 * int8 export: an fp32 ModelProto plus calibration inputs -> a statically quantized ModelProto in
 * QDQ form (see insert-qdq.ts for the scheme, conv-transpose-to-conv.ts for why ConvTranspose is
 * rewritten first). Inputs and outputs stay float32, so callers feed and read the same tensors at
 * every precision.
 */
import { ExportError } from '../../errors.ts';
import { decodeModel, encodeModel } from '../../proto/onnx-proto.ts';
import type { ModelProto } from '../../proto/onnx-types.ts';
import { calibrateRanges, type CalibrationBatch } from './calibrate.ts';
import { convTransposeToConv } from './conv-transpose-to-conv.ts';
import { compactTensorNames } from './compact-names.ts';
import { insertQdq, type QdqOptions, type QdqReport } from './insert-qdq.ts';

export type { CalibrationBatch } from './calibrate.ts';

/** QuantizeLinear/DequantizeLinear with a per-channel `axis` arrived in opset 13. */
export const MIN_INT8_OPSET = 13;

export interface Int8Result {
  model: ModelProto;
  report: QdqReport & { convTransposesRewritten: number };
}

/**
 * Quantize `fp32` (not modified) with activation ranges calibrated on `batches`.
 * Throws ExportError when the model's opset is below 13 or no calibration batch is given.
 */
export async function quantizeInt8(fp32: ModelProto, batches: readonly CalibrationBatch[], options: QdqOptions = {}): Promise<Int8Result> {
  const opset = Number(fp32.opset_import.find((o) => !o.domain)?.version ?? 0);
  if (opset < MIN_INT8_OPSET) throw new ExportError(`precision int8 needs opset >= ${MIN_INT8_OPSET} (per-channel QuantizeLinear/DequantizeLinear), received opset ${opset}`);
  if (!batches.length) throw new ExportError('precision int8 needs calibration inputs (at least one batch)');
  const model = decodeModel(encodeModel(fp32));
  const convTransposesRewritten = convTransposeToConv(model.graph, options.minIntegerChannels);
  const ranges = await calibrateRanges(model, batches);
  const report = insertQdq(model.graph, ranges, options);
  compactTensorNames(model.graph);
  const props = (model.metadata_props ?? []).filter((p) => p.key !== 'precision');
  model.metadata_props = [...props, { key: 'precision', value: 'int8' }];
  return { model, report: { ...report, convTransposesRewritten } };
}
