/** NHWC (Keras) <-> NCHW (ONNX graph) moves, and shape helpers shared by converters. */
import type { Sym } from './converter.ts';
import type { GraphBuilder } from './graph/graph-builder.ts';
import { attr } from './graph/attributes.ts';
import { ExportError } from './errors.ts';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

/** True for image tensors (Keras shape H, W, C), which the graph keeps NCHW. */
export function isImage(sym: Sym): boolean {
  return sym.shape.length === 3;
}

/** The tensor in Keras (channels-last) layout: a Transpose for images, the tensor itself otherwise. */
export function toKerasLayout(b: GraphBuilder, sym: Sym, base: string): string {
  if (!isImage(sym)) return sym.name;
  const out = b.op('Transpose', [sym.name], [attr.ints('perm', NCHW_TO_NHWC)], `${base}/to_nhwc`);
  if (sym.shape.every((d) => d !== null)) b.nhwcShapes.set(out, sym.shape as number[]);
  return out;
}

/** A Keras-layout tensor back into the graph convention (Transpose to NCHW for images). */
export function fromKerasLayout(b: GraphBuilder, name: string, shape: (number | null)[], base: string): Sym {
  if (shape.length !== 3) return { name, shape };
  return { name: b.op('Transpose', [name], [attr.ints('perm', NHWC_TO_NCHW)], `${base}/to_nchw`), shape };
}

/** A Keras int-or-pair argument as [h, w]. */
export function pair(value: number | number[] | null | undefined, fallback: number, what: string, layer: string): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  if (value.length === 1) return [value[0], value[0]];
  if (value.length === 2) return [value[0], value[1]];
  throw new ExportError(`Layer "${layer}": ${what} must be a number or [h, w], received ${JSON.stringify(value)}`);
}

/** Keras 'same' padding (TF style: the odd pixel goes at the end) for one spatial axis. */
export function samePadding(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** Conv output size along one axis. */
export function convOutSize(size: number | null, kernel: number, stride: number, dilation: number, padding: string): number | null {
  if (size === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - effective) / stride) + 1;
}

export function requireChannelsLast(format: string | undefined, layer: string, className: string): void {
  if (format !== undefined && format !== 'channels_last') {
    throw new ExportError(`Layer "${layer}" (${className}): data_format "${format}" is not supported; export models built with data_format "channels_last" (the tfjs default)`);
  }
}

export function requireStatic(shape: (number | null)[], layer: string, what: string): number[] {
  if (shape.some((d) => d === null)) {
    throw new ExportError(`Layer "${layer}": ${what} needs a static input shape, received [${shape.map((d) => d ?? '?').join(', ')}]; give the model's Input a full shape`);
  }
  return shape as number[];
}
