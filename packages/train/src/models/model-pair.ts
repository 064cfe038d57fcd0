/** What every model builder returns: the encoder and decoder of one of the book's models. */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape, ModelKind } from '../types.ts';

export interface ModelPair {
  kind: ModelKind;
  /** AE: image -> z. VAEs: image -> [z_mean, z_log_var, z]. */
  encoder: tfl.LayersModel;
  /** z -> image in [0, 1]. */
  decoder: tfl.LayersModel;
  latentDim: number;
  imageShape: ImageShape;
}
