/**
 * The model spec (@latentkit/format model-spec.ts) recorded for an encoder/decoder pair read from
 * Keras files. A pair shaped like one of the book's models (same image shape, 1 or 3 encoder
 * outputs) records that preset at its latent size. Any other pair records a spec read from its
 * graphs: AE or VAE from the encoder's outputs (1, or 2-3), the encoder's input shape, the decoder's
 * latent size, and the encoder's Conv2D layers in order (filters; kernel and stride of the first),
 * ReLU or LeakyReLU as the first activation found, BatchNormalization if any. The runtime, the server
 * and the explorer read the shapes; the rest describes the network as far as the family can (a
 * Keras model may hold layers the family has no field for, such as the keras.io VAE's Dense(16)).
 * When the conv stack found does not fit the family's size rule (the strides must divide H and W),
 * or there is none, the spec records one stride-1 layer of the first conv's filters (or 1) so it
 * stays valid; `describeSpec` of such a spec is a summary, not the network.
 */
import { PRESET_SPECS, modelSpecSchema, presetSpec, sizeProblem, type ImageShape, type ModelKind, type ModelSpec } from '@latentkit/format';
import { modelConfig } from '../model-source.ts';
import type { KerasFileSource } from './load.ts';

interface LayerLike {
  class_name: string;
  config: Record<string, unknown>;
}

const first = (v: unknown): number | undefined => (Array.isArray(v) ? Number(v[0]) : typeof v === 'number' ? v : undefined);

/** The spec of a pair: the preset `kind` when its image shape is that preset's, else read from the graphs (module comment). */
export function kerasPairSpec(encoder: KerasFileSource, kind: ModelKind, imageShape: ImageShape, latentDim: number, lossScale?: number): ModelSpec {
  if (PRESET_SPECS[kind].inputShape.join('x') === imageShape.join('x')) return presetSpec(kind, { latentDim, lossScale });
  const layers = (modelConfig(encoder.topology, encoder.info.file).layers ?? []) as unknown as LayerLike[];
  const convs = layers.filter((l) => l.class_name === 'Conv2D');
  const filters = convs.map((l) => Number(l.config.filters)).filter((f) => Number.isInteger(f) && f > 0);
  const kernelSize = first(convs[0]?.config.kernel_size) ?? 3;
  const strides = first(convs[0]?.config.strides) ?? 1;
  const leaky = layers.find((l) => l.class_name === 'LeakyReLU');
  const alpha = Number(leaky?.config.negative_slope ?? leaky?.config.alpha ?? 0.3);
  const channels = imageShape[2] === 1 ? 1 : 3;
  let spec: ModelSpec = {
    type: kind === 'ae' ? 'ae' : 'vae',
    inputShape: [imageShape[0], imageShape[1], channels],
    latentDim,
    encoder: { filters: filters.length ? filters : [1], kernelSize, strides },
    norm: layers.some((l) => l.class_name === 'BatchNormalization') ? 'batch' : 'none',
    activation: leaky ? { name: 'leaky_relu', alpha: Number.isFinite(alpha) ? alpha : 0.3 } : { name: 'relu' },
    decoderOutput: 'conv2d',
    loss: { type: kind === 'faces-vae' ? 'mse' : 'bce', scale: lossScale ?? (kind === 'ae' ? 1 : 500) },
    beta: 1,
    klWarmup: { schedule: 'none' },
  };
  if (filters.length === 0 || sizeProblem(spec) || !modelSpecSchema.safeParse(spec).success) {
    spec = { ...spec, encoder: { filters: [filters[0] ?? 1], kernelSize: Math.min(kernelSize, 15), strides: 1 } };
  }
  return spec;
}
