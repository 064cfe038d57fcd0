/**
 * The conversion flags every form of `pnpm export` shares (a run folder, Keras files):
 * --opset, --precision, --layout, --no-fold-bn, --no-gemm, and how they become ExportOptions.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MAX_OPSET, MIN_OPSET, type Layout, type Precision } from '../options.ts';

export interface ExportFlags<P extends Precision = Precision> {
  opset: number;
  precision: P;
  layout: Layout;
  foldBn: boolean;
  gemm: boolean;
}

/** Commander parser for --opset: an integer in MIN_OPSET..MAX_OPSET, else InvalidArgumentError. */
export function parseOpset(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_OPSET || n > MAX_OPSET) throw new InvalidArgumentError(`must be an integer from ${MIN_OPSET} to ${MAX_OPSET}`);
  return n;
}

/** Commander parser for counts: an integer >= 1, else InvalidArgumentError. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Adds the shared flags to `program`; `precisions` are the --precision choices this form accepts. */
export function addExportFlags(program: Command, precisions: readonly Precision[]): Command {
  return program
    .option('--opset <n>', `ONNX opset (${MIN_OPSET}-${MAX_OPSET})`, parseOpset, 17)
    .addOption(new Option('--precision <p>', 'weights and compute precision').choices([...precisions]).default('fp32'))
    .addOption(new Option('--layout <l>', 'image input/output layout').choices(['nhwc', 'nchw']).default('nhwc'))
    .option('--no-fold-bn', 'keep BatchNormalization nodes instead of folding them into convolutions')
    .option('--no-gemm', 'write Dense as MatMul + Add instead of Gemm');
}

/** The parsed shared flags as exporter options. */
export function exportOptionsFrom<P extends Precision>(o: ExportFlags<P>): { opset: number; precision: P; layout: Layout; foldBatchNorm: boolean; gemm: boolean } {
  return { opset: o.opset, precision: o.precision, layout: o.layout, foldBatchNorm: o.foldBn, gemm: o.gemm };
}
