/**
 * The converter contract: one config per Keras class (file named after `class_name`), with one
 * function per ONNX opset at which its output changes; the registry picks the highest version at
 * or below the target opset (as tf2onnx's `version_N` handlers).
 *
 * Layout convention inside the graph: a tensor whose Keras shape (batch excluded) has rank 3 is an
 * image and is stored NCHW in ONNX; every other tensor keeps its Keras layout. So a tensor's layout
 * follows from its shape alone; channels_first layers are converted on a channels-last view of
 * their inputs (channels-first.ts) and never see another convention.
 */
import type { GraphBuilder } from './graph/graph-builder.ts';
import type { BaseLayerConfig } from './keras-format.ts';
import type { ModelWriter } from './model-source.ts';

/** A tensor while converting: its ONNX name and its Keras shape without the batch dimension. */
export interface Sym {
  name: string;
  shape: (number | null)[];
}

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export interface ConverterOptions {
  /** Dense on rank-2 inputs as one Gemm (true) or MatMul + Add (false). */
  gemm: boolean;
}

export interface LayerInfo<C = BaseLayerConfig> {
  /** Qualified name: nested models joined with '/'. */
  name: string;
  className: string;
  config: C & BaseLayerConfig;
}

export interface ConvertContext<C = BaseLayerConfig> {
  b: GraphBuilder;
  opset: number;
  /** The framework that wrote the model: converters follow its semantics where frameworks differ. */
  writer: ModelWriter;
  layer: LayerInfo<C>;
  inputs: Sym[];
  options: ConverterOptions;
  /** The layer's weight by Keras suffix ('kernel', 'bias', 'gamma', ...); undefined if absent. */
  weight(suffix: string): WeightTensor | undefined;
  /** Like `weight`, but a missing weight is an error naming the layer. */
  requireWeight(suffix: string): WeightTensor;
  /**
   * Adds the graph input carrying a Sampling layer's noise, [batch, ...shape], and returns its name
   * (`epsilon`, then `epsilon_1`, ...). It is a required input with no default: callers feed N(0, 1)
   * noise to sample, or zeros to get z = z_mean (an ONNX default would be ignored by onnxruntime's
   * JS bindings; see export-model.ts).
   */
  noiseInput(shape: number[]): string;
}

export type ConvertFn<C = BaseLayerConfig> = (ctx: ConvertContext<C>) => Sym[];

export interface ConverterConfig<C = any> {
  className: string;
  /** opset version -> converter valid from that opset on. */
  opsets: Record<number, ConvertFn<C>>;
}
