/**
 * Keras layers that compute channels-first (data_format='channels_first', or a normalization over
 * axis 1 of a rank-4 tensor) on top of the exporter's one layout rule (converter.ts): a tensor of
 * Keras shape [a, b, c] (batch excluded) is stored in ONNX as [N, c, a, b], every other rank as
 * Keras holds it. So every tensor's ONNX layout follows from its Keras shape alone, whichever layer
 * made it, and mixed channels_first / channels_last models need no further bookkeeping.
 *
 * A channels_first layer's input has Keras shape [C, H, W]; moved to Keras layout (one Transpose)
 * it is the ONNX tensor [N, C, H, W], which is exactly how the rule stores a channels_last image of
 * Keras shape [H, W, C]. That is the layer's "channels-last view": the unchanged channels_last
 * converter runs on it (same ONNX nodes, since ONNX computes NCHW), and its NCHW result [N, F, H', W']
 * is the Keras-layout tensor of the channels_first output [F, H', W'] (one Transpose back into the
 * rule). Between two channels_first layers the two Transposes are inverse and the
 * `cancel-transposes` pass removes them, so a channels_first model transposes only where a
 * channels_last layer (or an NHWC graph boundary) meets it.
 *
 * Keras's own semantics this follows (keras/src/layers): Conv*, pooling, UpSampling2D,
 * ZeroPadding2D, Cropping2D and SpatialDropout2D treat axis 1 as channels; Flatten with
 * channels_first moves the channels last before flattening (keras/src/layers/reshaping/flatten.py),
 * which the channels-last view does too; BatchNormalization / GroupNormalization / Softmax over
 * axis 1 of a rank-4 tensor (and LayerNormalization / Normalization, which take any axes anyway)
 * are the channels-last layer on the view with axis -1.
 */
import type { Sym } from './converter.ts';
import type { GraphBuilder } from './graph/graph-builder.ts';
import type { BaseLayerConfig } from './keras-format.ts';
import { fromKerasLayout, toKerasLayout } from './layout.ts';

/** Layers whose `axis` of 1 on a rank-4 tensor is the channel axis of the channels-last view. */
const CHANNEL_AXIS_LAYERS = new Set(['BatchNormalization', 'GroupNormalization', 'LayerNormalization', 'Normalization', 'Softmax']);

/** Keras [C, H, W] stored by the rule -> the ONNX [N, C, H, W] tensor, as a channels_last image [H, W, C]. */
export function channelsLastView(b: GraphBuilder, x: Sym, base: string): Sym {
  const [c, h, w] = x.shape;
  return { name: toKerasLayout(b, x, `${base}/channels_first`), shape: [h, w, c] };
}

/** The inverse of channelsLastView: an NCHW result [H', W', F] -> Keras [F, H', W'] stored by the rule. */
export function fromChannelsLastView(b: GraphBuilder, y: Sym, base: string): Sym {
  const [h, w, c] = y.shape;
  return fromKerasLayout(b, y.name, [c, h, w], `${base}/channels_first`);
}

function isAxisOne(axis: unknown): boolean {
  const list = Array.isArray(axis) ? axis : [axis];
  return list.length === 1 && (list[0] === 1 || list[0] === -3);
}

/**
 * Whether the layer computes channels-first on these inputs: data_format 'channels_first' with
 * rank-4 inputs, or an axis-1 normalization / softmax of a rank-4 input.
 */
export function isChannelsFirst(className: string, config: BaseLayerConfig, inputs: Sym[]): boolean {
  if (!inputs.length || inputs.some((x) => x.shape.length !== 3)) return false;
  if (config.data_format === 'channels_first') return true;
  return CHANNEL_AXIS_LAYERS.has(className) && isAxisOne(config.axis);
}

/**
 * The config a channels-first layer is converted with on its channels-last view: data_format
 * channels_last, or axis -1 for the normalization layers.
 */
export function channelsLastConfig<C extends BaseLayerConfig>(className: string, config: C): C {
  if (config.data_format === 'channels_first') return { ...config, data_format: 'channels_last' };
  if (CHANNEL_AXIS_LAYERS.has(className)) return { ...config, axis: -1 };
  return config;
}
