/**
 * The model spec: one convolutional AE/VAE family that the book's three chapter-3 models are presets
 * of (Generative Deep Learning, 2nd ed., ch. 3; the Keras code in shared/seed). Train's builder
 * (packages/models/src/spec-model.ts) turns a spec into tfjs layers; the run manifest records it.
 *
 * The network a spec describes, for input [H, W, C] and encoder filters f_1..f_L:
 * - encoder: L x Conv2D(f_i, kernel, stride, 'same'), each followed by the activation (norm 'none':
 *   as the conv's own activation, the Fashion recipe) or by BatchNormalization + an activation layer
 *   (norm 'batch', the faces recipe); Flatten; then Dense(latentDim) named `encoder_output` (AE) or
 *   Dense z_mean, Dense z_log_var and the Sampling layer z (VAE).
 * - decoder (the mirror): Dense(H/s^L * W/s^L * f_L) (linear for norm 'none'; + BN + activation for
 *   norm 'batch'), Reshape, L x Conv2DTranspose(f_L..f_1, kernel, stride, 'same') with the encoder's
 *   activation (and BN), then `decoder_output`: a stride-1 Conv2D or Conv2DTranspose with C filters
 *   and a sigmoid, so pixels are in [0, 1].
 * - loss per image: `loss.scale` x (BCE | MSE, each the mean over pixels) + beta x w(epoch) x KL,
 *   KL summed over latent dims (Kingma & Welling 2014, app. B), both averaged over the batch. The
 *   book's scaling is loss.scale: 1 (AE, BCE), 500 (Fashion VAE, BCE), 2000 (faces VAE, MSE), with
 *   beta 1. w(epoch) is the KL warm-up (klWarmupWeight below).
 *
 * Sizes: 'same' convolutions of stride s map H to ceil(H / s) and the transposed ones multiply by s,
 * so the mirror gives back H exactly only when s^L divides H (and W); other sizes are refused with
 * that constraint spelled out.
 */
import { z } from 'zod';
import { MODEL_KINDS, type ModelKind } from './kinds.ts';
import { parseWith } from './parse.ts';

const positiveInt = z.number().int().positive();

/** Keras's LeakyReLU() default alpha, which the book's faces VAE uses (tfjs's default could change independently). */
export const KERAS_LEAKY_RELU_ALPHA = 0.3;

export const activationSpecSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('relu') }),
  z.object({ name: z.literal('leaky_relu'), alpha: z.number().min(0).max(1).default(KERAS_LEAKY_RELU_ALPHA) }),
]);
export type ActivationSpec = z.infer<typeof activationSpecSchema>;

/**
 * KL warm-up: the weight w(epoch) in [0, 1] on the KL term.
 * - none: w = 1.
 * - linear (KL annealing, Bowman et al. 2016): w = min(1, epoch / epochs), epoch 0-based: 0 in the
 *   first epoch, rising by 1/epochs an epoch, 1 from epoch `epochs` (0-based) on.
 * - cyclical (Fu et al. 2019, "Cyclical Annealing Schedule", NAACL, eq. 3 with a linear f): cycles
 *   of `period` epochs; tau = (epoch mod period) / period; w = min(1, tau / ratio): 0 at the start of
 *   each cycle, rising over its first `ratio`, 1 for the rest. Fu et al. update w every step; here it
 *   changes once per epoch (so period >= 2).
 */
export const klWarmupSchema = z.discriminatedUnion('schedule', [
  z.object({ schedule: z.literal('none') }),
  z.object({ schedule: z.literal('linear'), epochs: positiveInt.max(100_000) }),
  z.object({
    schedule: z.literal('cyclical'),
    period: positiveInt.min(2).max(100_000),
    ratio: z.number().gt(0).max(1).default(0.5),
  }),
]);
export type KlWarmup = z.infer<typeof klWarmupSchema>;

const specObject = z.object({
  /** 'ae': the encoder outputs z; 'vae': [z_mean, z_log_var, z]. */
  type: z.enum(['ae', 'vae']),
  /** [height, width, channels] (NHWC, batch excluded): 1 (grey) or 3 (RGB) channels. */
  inputShape: z.tuple([
    positiveInt.max(4096),
    positiveInt.max(4096),
    positiveInt.refine((c) => c === 1 || c === 3, 'expected 1 (grey) or 3 (RGB) channels'),
  ]),
  latentDim: positiveInt.max(65536),
  encoder: z.object({
    /** Filters of each encoder convolution, in order; the decoder uses them reversed. */
    filters: z.array(positiveInt.max(4096)).min(1).max(12),
    kernelSize: positiveInt.max(15).default(3),
    strides: positiveInt.max(8).default(2),
  }),
  /** 'batch': BatchNormalization (Keras defaults: momentum 0.99, epsilon 1e-3) after every hidden conv and the decoder's Dense. */
  norm: z.enum(['none', 'batch']).default('none'),
  activation: activationSpecSchema.default({ name: 'relu' }),
  /** The class of the last decoder layer (stride 1, C filters, sigmoid): the Fashion models use Conv2D, the faces VAE Conv2DTranspose. */
  decoderOutput: z.enum(['conv2d', 'conv2d_transpose']).default('conv2d'),
  loss: z.object({
    type: z.enum(['bce', 'mse']).default('bce'),
    /** Weight of the reconstruction term (the book's BETA: 500 Fashion VAE, 2000 faces VAE; 1 for the AE). */
    scale: z.number().positive().max(1e9).default(1),
  }).default({ type: 'bce', scale: 1 }),
  /** Weight of the KL term (beta-VAE, Higgins et al. 2017); 1 in the book. Ignored by the AE. */
  beta: z.number().min(0).max(1e9).default(1),
  klWarmup: klWarmupSchema.default({ schedule: 'none' }),
  /**
   * A conditional VAE (Sohn, Lee & Yan 2015, "Learning Structured Output Representation using Deep
   * Conditional Generative Models", NeurIPS): `classes` are the class names, index = label. The label
   * enters both networks as a one-hot vector y [K] (K = classes.length):
   * - encoder: y is broadcast to a one-hot map [H, W, K] (Reshape [1, 1, K], then UpSampling2D by
   *   [H, W], nearest) and concatenated to the image channels, so the first conv sees [H, W, C + K]
   *   (layers encoder_label_reshape, encoder_label_map, encoder_concat). A one-hot map rather than an
   *   Embedding: no learned parameters beyond the conv's K extra input channels, the same input (y)
   *   for both networks, and only layers every ONNX runtime and int8 pass already handle.
   * - decoder: [z, y] concatenated (decoder_concat) before decoder_dense.
   * Both tfjs models take y as a second input `label` [n, K], float32 one-hot; the exported ONNX
   * graphs keep that form (see @latentkit/export's README). Only VAEs (type 'vae') can be conditional.
   */
  conditional: z.object({
    classes: z.array(z.string().min(1).max(200)).min(2).max(1000)
      .refine((c) => new Set(c).size === c.length, 'class names must be unique'),
  }).optional(),
});

/**
 * Checks that the strides can divide the input size (see the module comment).
 * Returns the problem as a sentence, or undefined when the spec's sizes work.
 */
export function sizeProblem(spec: { inputShape: readonly number[]; encoder: { filters: readonly number[]; strides: number } }): string | undefined {
  const layers = spec.encoder.filters.length;
  const factor = spec.encoder.strides ** layers;
  const [h, w] = spec.inputShape;
  const bad = [h, w].filter((n) => n % factor !== 0);
  if (bad.length === 0) return undefined;
  const fits: string[] = [];
  for (let l = layers - 1; l >= 1; l--) {
    const f = spec.encoder.strides ** l;
    if (h % f === 0 && w % f === 0) {
      fits.push(`${l} layer${l > 1 ? 's' : ''} (multiples of ${f})`);
      break;
    }
  }
  const up = (n: number) => Math.max(factor, Math.round(n / factor) * factor);
  return (
    `image ${h}x${w} with ${layers} stride-${spec.encoder.strides} conv layers: height and width must be multiples of ` +
    `${spec.encoder.strides}^${layers} = ${factor} so the decoder mirrors the encoder exactly (${bad.join(' and ')} ` +
    `${bad.length > 1 ? 'are' : 'is'} not); use ${up(h)}x${up(w)}` +
    (fits.length ? `, or ${fits[0]}` : '') +
    ', or stride 1'
  );
}

/** The model spec (see the module comment); parse with parseModelSpec or inside the run manifest. */
export const modelSpecSchema = specObject.superRefine((spec, ctx) => {
  const problem = sizeProblem(spec);
  if (problem) ctx.addIssue({ code: 'custom', path: ['inputShape'], message: problem });
  if (spec.conditional && spec.type !== 'vae') {
    ctx.addIssue({ code: 'custom', path: ['conditional'], message: 'only a VAE (type "vae") can be conditional (a conditional VAE, Sohn et al. 2015)' });
  }
});
export type ModelSpec = z.infer<typeof modelSpecSchema>;
/** What a spec file may hold: every field with a default may be left out. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;

/** The book's three models as specs, at the book's latent sizes (2, 2, 200). */
export const PRESET_SPECS: Readonly<Record<ModelKind, ModelSpec>> = Object.freeze({
  ae: {
    type: 'ae',
    inputShape: [32, 32, 1],
    latentDim: 2,
    encoder: { filters: [32, 64, 128], kernelSize: 3, strides: 2 },
    norm: 'none',
    activation: { name: 'relu' },
    decoderOutput: 'conv2d',
    loss: { type: 'bce', scale: 1 },
    beta: 1,
    klWarmup: { schedule: 'none' },
  },
  vae: {
    type: 'vae',
    inputShape: [32, 32, 1],
    latentDim: 2,
    encoder: { filters: [32, 64, 128], kernelSize: 3, strides: 2 },
    norm: 'none',
    activation: { name: 'relu' },
    decoderOutput: 'conv2d',
    loss: { type: 'bce', scale: 500 },
    beta: 1,
    klWarmup: { schedule: 'none' },
  },
  'faces-vae': {
    type: 'vae',
    inputShape: [64, 64, 3],
    latentDim: 200,
    encoder: { filters: [64, 64, 64, 64, 64], kernelSize: 3, strides: 2 },
    norm: 'batch',
    activation: { name: 'leaky_relu', alpha: KERAS_LEAKY_RELU_ALPHA },
    decoderOutput: 'conv2d_transpose',
    loss: { type: 'mse', scale: 2000 },
    beta: 1,
    klWarmup: { schedule: 'none' },
  },
});

/** A deep copy of preset `kind`, with `latentDim` (and the reconstruction scale) replaced when given. */
export function presetSpec(kind: ModelKind, overrides: { latentDim?: number; lossScale?: number } = {}): ModelSpec {
  const spec = structuredClone(PRESET_SPECS[kind]) as ModelSpec;
  if (overrides.latentDim !== undefined) spec.latentDim = overrides.latentDim;
  if (overrides.lossScale !== undefined) spec.loss.scale = overrides.lossScale;
  return spec;
}

/**
 * The preset `spec` is, if any: the same network and loss as one of the book's models, at any latent
 * size (and any reconstruction scale, beta and warm-up: those change training, not the graph). A
 * conditional spec is no preset (its graphs take a label); `presetOf(unconditional(spec))` names the
 * book model it conditions.
 */
export function presetOf(spec: ModelSpec): ModelKind | undefined {
  if (spec.conditional) return undefined;
  const graph = (s: ModelSpec) =>
    JSON.stringify([s.type, s.inputShape, s.encoder, s.norm, s.activation, s.decoderOutput, s.loss.type]);
  return MODEL_KINDS.find((k) => graph(PRESET_SPECS[k]) === graph(spec));
}

/** `spec` without its `conditional` field (a copy): the unconditional model of the same network. */
export function unconditional(spec: ModelSpec): ModelSpec {
  const { conditional: _dropped, ...rest } = spec;
  return structuredClone(rest);
}

/** The class names of a conditional spec (index = label), or undefined for an unconditional one. */
export function classesOf(spec: Pick<ModelSpec, 'conditional'>): readonly string[] | undefined {
  return spec.conditional?.classes;
}

/** True for specs whose encoder outputs [z_mean, z_log_var, z]. */
export function isVariationalSpec(spec: Pick<ModelSpec, 'type'>): boolean {
  return spec.type === 'vae';
}

/**
 * The KL weight w in [0, 1] of 0-based `epoch` under `warmup` (formulas in klWarmupSchema's comment).
 * @throws RangeError for an epoch that is not a non-negative integer.
 */
export function klWarmupWeight(warmup: KlWarmup, epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`klWarmupWeight: epoch must be an integer >= 0, received ${epoch}`);
  switch (warmup.schedule) {
    case 'none':
      return 1;
    case 'linear':
      return Math.min(1, epoch / warmup.epochs);
    case 'cyclical': {
      const tau = (epoch % warmup.period) / warmup.period;
      return Math.min(1, tau / warmup.ratio);
    }
  }
}

/** `32x32x1 ae, z 2, filters 32,64,128 (k3 s2), relu, bce x1`: a one-line description for logs. */
export function describeSpec(spec: ModelSpec): string {
  const act = spec.activation.name === 'relu' ? 'relu' : `leaky_relu(${spec.activation.alpha})`;
  const parts = [
    `${spec.inputShape.join('x')} ${spec.type}, z ${spec.latentDim}`,
    `filters ${spec.encoder.filters.join(',')} (k${spec.encoder.kernelSize} s${spec.encoder.strides})`,
    `${spec.norm === 'batch' ? 'batch norm, ' : ''}${act}`,
    `${spec.loss.type} x${spec.loss.scale}`,
  ];
  if (spec.type === 'vae') {
    if (spec.beta !== 1) parts.push(`beta ${spec.beta}`);
    if (spec.klWarmup.schedule === 'linear') parts.push(`KL warm-up ${spec.klWarmup.epochs} epochs`);
    if (spec.klWarmup.schedule === 'cyclical') parts.push(`cyclical KL (period ${spec.klWarmup.period}, ratio ${spec.klWarmup.ratio})`);
    if (spec.conditional) parts.push(`conditional on ${spec.conditional.classes.length} classes`);
  }
  return parts.join(', ');
}

/**
 * A spec value (e.g. a `--spec` JSON file's contents) -> ModelSpec, defaults filled in.
 * @throws FormatError naming `file` and every wrong field; a size the strides cannot divide is
 *   reported on `inputShape` with the constraint (sizeProblem).
 */
export function parseModelSpec(json: unknown, file = 'spec.json'): ModelSpec {
  return parseWith(modelSpecSchema, json, file, 'A model spec is described in @latentkit/format model-spec.ts');
}

/** A short name for logs and UIs: the manifest's preset kind, else `ae 48x48x3` / `vae 48x48x3` / `cvae 32x32x1` (conditional). */
export function modelLabel(manifest: { kind?: ModelKind; spec: Pick<ModelSpec, 'type' | 'inputShape' | 'conditional'> }): string {
  return manifest.kind ?? `${manifest.spec.conditional ? 'c' : ''}${manifest.spec.type} ${manifest.spec.inputShape.join('x')}`;
}
