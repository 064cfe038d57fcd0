/** What every model builder returns: an encoder and decoder built from a model spec. */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape, ModelKind, ModelSpec } from '@latentkit/format';

export interface ModelPair {
  /** The spec the pair was built from (@latentkit/format model-spec.ts). */
  spec: ModelSpec;
  /** The book's model the spec is a preset of, if any (presetOf). */
  kind: ModelKind | undefined;
  /** AE: image -> z. VAE: image -> [z_mean, z_log_var, z]. */
  encoder: tfl.LayersModel;
  /** z -> image in [0, 1]. */
  decoder: tfl.LayersModel;
  /** = spec.latentDim. */
  latentDim: number;
  /** = spec.inputShape, [height, width, channels]. */
  imageShape: ImageShape;
}
