/**
 * Builds the encoder and decoder a model spec describes (@latentkit/format model-spec.ts has the
 * network in words). The book's three models are specs too (PRESET_SPECS), and for them this builds
 * today's graphs exactly: same layer classes, names, configs, initialiser seeds and parameter counts
 * (AE 343,043; VAE 100,868 + 246,273; faces VAE 253,584 + 240,131), checked against topologies
 * saved from the former per-model builders (testdata/book-topologies.json).
 *
 * Layer names: encoder_input, encoder_conv_i (i = 1..L; + encoder_bn_i with norm 'batch', +
 * encoder_lrelu_i for leaky_relu or norm 'batch', whose ReLU then is encoder_relu_i), encoder_flatten,
 * then encoder_output (AE) or z_mean, z_log_var, z (VAE); decoder_input, decoder_dense (+ decoder_bn_0
 * and decoder_lrelu_0/decoder_relu_0 with norm 'batch'), decoder_reshape, decoder_conv_t_i (i = 1..L,
 * filters reversed, same extras), decoder_output.
 *
 * Conditional VAEs (spec.conditional, K classes): both models take a second input `label` [n, K]
 * (float32 one-hot). Encoder: encoder_label_reshape [1, 1, K] -> encoder_label_map (UpSampling2D by
 * [H, W]: the one-hot map [H, W, K]) -> encoder_concat with the image ([H, W, C + K]) before
 * encoder_conv_1. Decoder: decoder_concat [z, label] before decoder_dense. Input names:
 * encoder_input / encoder_label and decoder_input / decoder_label, in that order.
 *
 * Kernel initialisers are glorot_uniform (Keras's default), one seed per layer in build order (conv
 * layers, the latent Dense layers, decoder Dense, transposed convs, output), so a seed builds the same
 * weights on every run.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { modelSpecSchema, presetOf, sizeProblem, type ModelSpec } from '@latentkit/format';
import { ValueError } from './errors.ts';
import { kernelInitializers } from './initializers.ts';
import type { ModelPair } from './model-pair.ts';
import { Sampling } from './sampling.ts';

type Sym = tfl.SymbolicTensor;
type Next = ReturnType<typeof kernelInitializers>;

export interface SpecModelArgs {
  /** Seeds the kernel initialisers and the Sampling layer's own noise; omit for unseeded (Keras-like). */
  seed?: number;
}

/** Keras's BatchNormalization() defaults, which the book's faces VAE uses. */
const BN = { momentum: 0.99, epsilon: 1e-3 } as const;

/**
 * With norm 'batch' or a LeakyReLU, the activation is a layer of its own (after the BN layer if any);
 * a plain ReLU without norm is the conv's own activation, as in the book's Fashion models.
 */
function separateActivation(spec: ModelSpec): boolean {
  return spec.norm === 'batch' || spec.activation.name === 'leaky_relu';
}

/** BN (norm 'batch') then the activation layer, named `${prefix}_bn_${i}` and `${prefix}_lrelu_${i}` / `_relu_`. */
function normAndActivation(spec: ModelSpec, x: Sym, prefix: string, i: number): Sym {
  let y = x;
  if (spec.norm === 'batch') y = tfl.layers.batchNormalization({ ...BN, name: `${prefix}_bn_${i}` }).apply(y) as Sym;
  if (spec.activation.name === 'leaky_relu') {
    return tfl.layers.leakyReLU({ alpha: spec.activation.alpha, name: `${prefix}_lrelu_${i}` }).apply(y) as Sym;
  }
  return tfl.layers.reLU({ name: `${prefix}_relu_${i}` }).apply(y) as Sym;
}

function checkSpec(spec: ModelSpec): void {
  const r = modelSpecSchema.safeParse(spec);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ValueError(`model spec: ${issues.join('; ')}`);
  }
  const problem = sizeProblem(spec);
  if (problem) throw new ValueError(`model spec: ${problem}`);
}

/** The one-hot map [H, W, K] of a label input [K], concatenated to the image channels (module comment). */
function withLabelMap(spec: ModelSpec, image: Sym, label: Sym, classes: number): Sym {
  const [h, w] = spec.inputShape;
  const cell = tfl.layers.reshape({ targetShape: [1, 1, classes], name: 'encoder_label_reshape' }).apply(label) as Sym;
  const map = tfl.layers.upSampling2d({ size: [h, w], name: 'encoder_label_map' }).apply(cell) as Sym;
  return tfl.layers.concatenate({ axis: -1, name: 'encoder_concat' }).apply([image, map]) as Sym;
}

function encoderTrunk(spec: ModelSpec, next: Next): { inputs: Sym[]; features: Sym; shapeBeforeFlattening: number[] } {
  const input = tfl.input({ shape: [...spec.inputShape], name: 'encoder_input' });
  const classes = spec.conditional?.classes.length;
  const label = classes === undefined ? undefined : tfl.input({ shape: [classes], name: 'encoder_label' });
  const separate = separateActivation(spec);
  let x: Sym = label === undefined ? input : withLabelMap(spec, input, label, classes!);
  spec.encoder.filters.forEach((filters, index) => {
    const i = index + 1;
    x = tfl.layers
      .conv2d({
        filters,
        kernelSize: spec.encoder.kernelSize,
        strides: spec.encoder.strides,
        padding: 'same',
        ...(separate ? {} : { activation: 'relu' as const }),
        kernelInitializer: next(),
        name: `encoder_conv_${i}`,
      })
      .apply(x) as Sym;
    if (separate) x = normAndActivation(spec, x, 'encoder', i);
  });
  const shapeBeforeFlattening = x.shape.slice(1) as number[];
  const features = tfl.layers.flatten({ name: 'encoder_flatten' }).apply(x) as Sym;
  return { inputs: label === undefined ? [input] : [input, label], features, shapeBeforeFlattening };
}

function decoder(spec: ModelSpec, shapeBeforeFlattening: number[], next: Next): tfl.LayersModel {
  const input = tfl.input({ shape: [spec.latentDim], name: 'decoder_input' });
  const classes = spec.conditional?.classes.length;
  const label = classes === undefined ? undefined : tfl.input({ shape: [classes], name: 'decoder_label' });
  const separate = separateActivation(spec);
  const joined = label === undefined ? input : (tfl.layers.concatenate({ axis: -1, name: 'decoder_concat' }).apply([input, label]) as Sym);
  let y = tfl.layers
    .dense({ units: shapeBeforeFlattening.reduce((a, b) => a * b, 1), kernelInitializer: next(), name: 'decoder_dense' })
    .apply(joined) as Sym;
  // The Fashion recipe (norm 'none') keeps the Dense linear; the faces recipe normalises and activates it.
  if (spec.norm === 'batch') y = normAndActivation(spec, y, 'decoder', 0);
  y = tfl.layers.reshape({ targetShape: shapeBeforeFlattening, name: 'decoder_reshape' }).apply(y) as Sym;
  [...spec.encoder.filters].reverse().forEach((filters, index) => {
    const i = index + 1;
    y = tfl.layers
      .conv2dTranspose({
        filters,
        kernelSize: spec.encoder.kernelSize,
        strides: spec.encoder.strides,
        padding: 'same',
        ...(separate ? {} : { activation: 'relu' as const }),
        kernelInitializer: next(),
        name: `decoder_conv_t_${i}`,
      })
      .apply(y) as Sym;
    if (separate) y = normAndActivation(spec, y, 'decoder', i);
  });
  const outputArgs = {
    filters: spec.inputShape[2],
    kernelSize: spec.encoder.kernelSize,
    strides: 1,
    padding: 'same' as const,
    activation: 'sigmoid' as const,
    kernelInitializer: next(),
    name: 'decoder_output',
  };
  const output = (spec.decoderOutput === 'conv2d' ? tfl.layers.conv2d(outputArgs) : tfl.layers.conv2dTranspose(outputArgs)).apply(y) as Sym;
  return tfl.model({ inputs: label === undefined ? input : [input, label], outputs: output, name: 'decoder' });
}

/**
 * Builds a fresh (untrained) encoder/decoder pair from `spec`: encoder [n, H, W, C] -> z (AE) or
 * [z_mean, z_log_var, z] (VAE), each [n, latentDim]; decoder z [n, latentDim] -> [n, H, W, C] in
 * [0, 1] (sigmoid). Images are NHWC float32 in [0, 1]. A conditional spec adds the one-hot `label`
 * [n, K] as each model's second input (module comment).
 * @throws ValueError for a spec the schema refuses, naming the field (sizes the strides cannot divide
 *   are refused with the constraint spelled out).
 */
export function buildFromSpec(spec: ModelSpec, args: SpecModelArgs = {}): ModelPair {
  checkSpec(spec);
  const next = kernelInitializers(args.seed);
  const { inputs, features, shapeBeforeFlattening } = encoderTrunk(spec, next);
  const input = inputs.length === 1 ? inputs[0] : inputs;
  let encoder: tfl.LayersModel;
  if (spec.type === 'ae') {
    const z = tfl.layers.dense({ units: spec.latentDim, kernelInitializer: next(), name: 'encoder_output' }).apply(features) as Sym;
    encoder = tfl.model({ inputs: input, outputs: z, name: 'encoder' });
  } else {
    const zMean = tfl.layers.dense({ units: spec.latentDim, kernelInitializer: next(), name: 'z_mean' }).apply(features) as Sym;
    const zLogVar = tfl.layers.dense({ units: spec.latentDim, kernelInitializer: next(), name: 'z_log_var' }).apply(features) as Sym;
    const z = new Sampling({ name: 'z', seed: args.seed }).apply([zMean, zLogVar]) as Sym;
    encoder = tfl.model({ inputs: input, outputs: [zMean, zLogVar, z], name: 'encoder' });
  }
  return {
    spec: structuredClone(spec),
    kind: presetOf(spec),
    encoder,
    decoder: decoder(spec, shapeBeforeFlattening, next),
    latentDim: spec.latentDim,
    imageShape: [...spec.inputShape],
  };
}
