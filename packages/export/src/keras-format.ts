/**
 * The Keras/tfjs-layers JSON the exporter reads (model.json `modelTopology`, or
 * `LayersModel.toJSON(null, false)`), typed as unions keyed by `class_name`, after
 * tfjs-layers' keras_format/ serialization types.
 */

export type Activation =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'sigmoid'
  | 'hard_sigmoid'
  | 'tanh'
  | 'softmax'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'mish'
  | 'exponential'
  | (string & {});

/** Layer classes that are models themselves; the walker inlines them. */
export const CONTAINER_CLASSES = ['Functional', 'Model', 'Sequential'] as const;

export function isContainer(className: string): boolean {
  return (CONTAINER_CLASSES as readonly string[]).includes(className);
}

/**
 * [inbound layer name, node index, tensor index, kwargs]. The node index counts the layer's
 * applications; a nested model's count starts at 1 (its node 0 is its own construction, left
 * out of the outer config), see `firstNodeIndex` in walk.ts.
 */
export type InboundTensor = [string, number, number, Record<string, unknown>?];
/** One call of a layer: the tensors it was applied to. */
export type InboundNode = InboundTensor[];
/** [layer name, node index, tensor index] */
export type TensorKey = [string, number, number];

export interface BaseLayerConfig {
  name: string;
  trainable?: boolean;
  dtype?: string;
  batch_input_shape?: (number | null)[];
  [key: string]: unknown;
}

export interface LayerSerialization<N extends string, C> {
  class_name: N;
  config: C & BaseLayerConfig;
  name?: string;
  inbound_nodes?: InboundNode[];
}

export type Padding = 'valid' | 'same' | 'causal';
type IntOrPair = number | number[];

export interface InputLayerConfig {
  batch_input_shape?: (number | null)[];
  batch_shape?: (number | null)[];
  sparse?: boolean;
}
export interface DenseLayerConfig {
  units: number;
  activation?: Activation;
  use_bias?: boolean;
}
export interface ConvLayerConfig {
  filters: number;
  kernel_size: IntOrPair;
  strides?: IntOrPair;
  padding?: Padding;
  data_format?: 'channels_last' | 'channels_first';
  dilation_rate?: IntOrPair;
  activation?: Activation;
  use_bias?: boolean;
  groups?: number;
}
export interface FlattenLayerConfig {
  data_format?: 'channels_last' | 'channels_first';
}
export interface ReshapeLayerConfig {
  target_shape: (number | null)[];
}
export interface BatchNormalizationLayerConfig {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}
export interface LeakyReLULayerConfig {
  alpha?: number;
}
export interface ReLULayerConfig {
  max_value?: number | null;
}
export interface ActivationLayerConfig {
  activation: Activation;
}
export interface DropoutLayerConfig {
  rate: number;
}
export interface Pooling2DLayerConfig {
  pool_size?: IntOrPair;
  strides?: IntOrPair | null;
  padding?: Padding;
  data_format?: 'channels_last' | 'channels_first';
}
export interface UpSampling2DLayerConfig {
  size?: IntOrPair;
  interpolation?: 'nearest' | 'bilinear' | 'bicubic' | (string & {});
  data_format?: 'channels_last' | 'channels_first';
}
export interface ConcatenateLayerConfig {
  axis?: number;
}
export interface ZeroPadding2DLayerConfig {
  padding?: number | [number, number] | [[number, number], [number, number]];
  data_format?: 'channels_last' | 'channels_first';
}
export interface SamplingLayerConfig {
  seed?: number;
}
export interface SoftmaxLayerConfig {
  axis?: number;
}
export interface ModelConfig {
  name: string;
  layers: LayerJSON[];
  input_layers?: TensorKey[];
  output_layers?: TensorKey[];
}

export type LayerJSON =
  | LayerSerialization<'InputLayer', InputLayerConfig>
  | LayerSerialization<'Dense', DenseLayerConfig>
  | LayerSerialization<'Conv2D', ConvLayerConfig>
  | LayerSerialization<'Conv2DTranspose', ConvLayerConfig>
  | LayerSerialization<'Flatten', FlattenLayerConfig>
  | LayerSerialization<'Reshape', ReshapeLayerConfig>
  | LayerSerialization<'BatchNormalization', BatchNormalizationLayerConfig>
  | LayerSerialization<'LeakyReLU', LeakyReLULayerConfig>
  | LayerSerialization<'ReLU', ReLULayerConfig>
  | LayerSerialization<'Activation', ActivationLayerConfig>
  | LayerSerialization<'Dropout', DropoutLayerConfig>
  | LayerSerialization<'MaxPooling2D', Pooling2DLayerConfig>
  | LayerSerialization<'AveragePooling2D', Pooling2DLayerConfig>
  | LayerSerialization<'UpSampling2D', UpSampling2DLayerConfig>
  | LayerSerialization<'Add', Record<string, never>>
  | LayerSerialization<'Concatenate', ConcatenateLayerConfig>
  | LayerSerialization<'ZeroPadding2D', ZeroPadding2DLayerConfig>
  | LayerSerialization<'Softmax', SoftmaxLayerConfig>
  | LayerSerialization<'Sampling', SamplingLayerConfig>
  | LayerSerialization<'Functional' | 'Model', ModelConfig>
  | LayerSerialization<'Sequential', { name: string; layers: LayerJSON[] }>
  | LayerSerialization<string & {}, Record<string, unknown>>;

/** The config type of one class, e.g. `ConfigOf<'Dense'>`. */
export type ConfigOf<N extends string> = Extract<LayerJSON, { class_name: N }>['config'];

/** A model topology: `modelTopology` of model.json (possibly wrapped in { model_config }). */
export interface ModelTopologyJSON {
  class_name: string;
  config: ModelConfig | LayerJSON[] | { name: string; layers: LayerJSON[] };
  keras_version?: string;
  backend?: string;
}
