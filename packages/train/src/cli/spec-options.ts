/**
 * `pnpm train`'s model flags -> a model spec (@latentkit/format model-spec.ts). The base is the
 * `--spec` file, else the `--model` preset, else CUSTOM_BASE; every spec flag given then replaces
 * its field. Kept apart from options.ts so tests check it without a process.
 */
import { readFileSync } from 'node:fs';
import { FormatError, parseModelSpec, presetSpec, PRESET_SPECS, type ModelKind, type ModelSpec } from '@latentkit/format';
import { ValueError } from '../errors.ts';

/** The spec flags as commander parsed them (strings, validated here). */
export interface SpecFlags {
  model?: ModelKind;
  spec?: string;
  type?: string;
  imageSize?: string;
  channels?: string;
  latentDim?: string;
  filters?: string;
  kernel?: string;
  stride?: string;
  norm?: string;
  activation?: string;
  loss?: string;
  lossScale?: string;
  beta?: string;
  klWarmup?: string;
  klCycle?: string;
}

/**
 * The base of a spec built from flags alone: a VAE on 64x64 RGB images, z 16, filters 32,64,128
 * (3x3, stride 2), ReLU, BCE. Its reconstruction scale, when --loss-scale is not given, is the
 * book's for the loss: 500 for BCE (the Fashion VAE), 2000 for MSE (the faces VAE); 1 for an AE.
 */
export const CUSTOM_BASE: ModelSpec = { ...structuredClone(PRESET_SPECS.vae), inputShape: [64, 64, 3], latentDim: 16 };

/** The book's reconstruction scale for a loss type (Fashion VAE BCE x500, faces VAE MSE x2000); 1 for an AE. */
export function bookLossScale(type: ModelSpec['type'], loss: ModelSpec['loss']['type']): number {
  if (type === 'ae') return 1;
  return loss === 'bce' ? 500 : 2000;
}

function int(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new ValueError(`${flag} must be an integer >= ${min}, received "${value}"`);
  return n;
}

function num(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new ValueError(`${flag} must be a number >= ${min}, received "${value}"`);
  return n;
}

/** `64` -> [64, 64]; `48x80` -> [48, 80] (height x width). */
export function parseImageSize(value: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:[xX]\s*(\d+))?\s*$/.exec(value);
  const h = m ? Number(m[1]) : NaN;
  const w = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || h < 1 || w < 1 || h > 4096 || w > 4096) {
    throw new ValueError(`--image-size must be N or HxW with sizes 1..4096 (e.g. 64 or 48x80), received "${value}"`);
  }
  return [h, w];
}

/** `relu`, `leaky_relu` (alpha 0.3, Keras's default) or `leaky_relu:0.2`. */
export function parseActivation(value: string): ModelSpec['activation'] {
  const [name, alpha] = value.split(':');
  if (name === 'relu' && alpha === undefined) return { name: 'relu' };
  if (name === 'leaky_relu') return { name: 'leaky_relu', alpha: alpha === undefined ? 0.3 : num('--activation leaky_relu:ALPHA', alpha, 0) };
  throw new ValueError(`--activation must be relu, leaky_relu or leaky_relu:ALPHA (e.g. leaky_relu:0.2), received "${value}"`);
}

/** `PERIOD` or `PERIOD:RATIO` (cyclical KL annealing, Fu et al. 2019). */
function parseCycle(value: string): ModelSpec['klWarmup'] {
  const [period, ratio] = value.split(':');
  return { schedule: 'cyclical', period: int('--kl-cycle PERIOD', period ?? '', 2), ratio: ratio === undefined ? 0.5 : num('--kl-cycle PERIOD:RATIO', ratio, 0) };
}

function readSpecFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValueError(`--spec ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValueError(`--spec ${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** The flags that change the spec (besides --model / --spec). */
export const SPEC_FLAG_KEYS = [
  'type', 'imageSize', 'channels', 'latentDim', 'filters', 'kernel', 'stride', 'norm', 'activation', 'loss', 'lossScale', 'beta', 'klWarmup', 'klCycle',
] as const satisfies readonly (keyof SpecFlags)[];

/** True when any flag that changes the spec was given. */
export function hasSpecFlags(flags: SpecFlags): boolean {
  return SPEC_FLAG_KEYS.some((k) => flags[k] !== undefined);
}

/**
 * The spec the flags describe (see the module comment), parsed by the schema so sizes the strides
 * cannot divide are refused with the constraint.
 * @throws ValueError naming the flag (or the spec file and field) at fault.
 */
export function resolveSpec(flags: SpecFlags): ModelSpec {
  if (flags.spec !== undefined && flags.model !== undefined) {
    throw new ValueError('--spec and --model both describe the model; pass one (flags such as --latent-dim then adjust it)');
  }
  let base: Record<string, unknown>;
  if (flags.spec !== undefined) base = readSpecFile(flags.spec) as Record<string, unknown>;
  else if (flags.model !== undefined) base = presetSpec(flags.model);
  else base = structuredClone(CUSTOM_BASE);
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new ValueError(`--spec ${flags.spec}: expected a JSON object`);
  const spec = structuredClone(base) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  spec.encoder = { ...(spec.encoder ?? {}) };
  spec.loss = { ...(spec.loss ?? {}) };
  const shape = Array.isArray(spec.inputShape) ? [...spec.inputShape] : [64, 64, 3];

  if (flags.type !== undefined) {
    if (flags.type !== 'ae' && flags.type !== 'vae') throw new ValueError(`--type must be ae or vae, received "${flags.type}"`);
    spec.type = flags.type;
  }
  if (flags.imageSize !== undefined) [shape[0], shape[1]] = parseImageSize(flags.imageSize);
  if (flags.channels !== undefined) {
    if (flags.channels !== '1' && flags.channels !== '3') throw new ValueError(`--channels must be 1 (grey) or 3 (RGB), received "${flags.channels}"`);
    shape[2] = Number(flags.channels);
  }
  spec.inputShape = shape;
  if (flags.latentDim !== undefined) spec.latentDim = int('--latent-dim', flags.latentDim, 1);
  if (flags.filters !== undefined) {
    const parts = flags.filters.split(',');
    spec.encoder.filters = parts.map((p) => int('--filters (comma-separated, e.g. 32,64,128)', p.trim(), 1));
  }
  if (flags.kernel !== undefined) spec.encoder.kernelSize = int('--kernel', flags.kernel, 1);
  if (flags.stride !== undefined) spec.encoder.strides = int('--stride', flags.stride, 1);
  if (flags.norm !== undefined) {
    if (flags.norm !== 'none' && flags.norm !== 'batch') throw new ValueError(`--norm must be none or batch, received "${flags.norm}"`);
    spec.norm = flags.norm;
  }
  if (flags.activation !== undefined) spec.activation = parseActivation(flags.activation);
  if (flags.loss !== undefined) {
    if (flags.loss !== 'bce' && flags.loss !== 'mse') throw new ValueError(`--loss must be bce or mse, received "${flags.loss}"`);
    spec.loss.type = flags.loss;
  }
  if (flags.lossScale !== undefined) spec.loss.scale = num('--loss-scale', flags.lossScale, Number.MIN_VALUE);
  else if (flags.loss !== undefined || flags.type !== undefined) spec.loss.scale = bookLossScale(spec.type, spec.loss.type);
  if (flags.beta !== undefined) spec.beta = num('--beta', flags.beta, 0);
  if (flags.klWarmup !== undefined && flags.klCycle !== undefined) throw new ValueError('--kl-warmup and --kl-cycle are two KL schedules; pass one');
  if (flags.klWarmup !== undefined) {
    const epochs = int('--kl-warmup', flags.klWarmup, 0);
    spec.klWarmup = epochs === 0 ? { schedule: 'none' } : { schedule: 'linear', epochs };
  }
  if (flags.klCycle !== undefined) spec.klWarmup = parseCycle(flags.klCycle);
  try {
    return parseModelSpec(spec, flags.spec ?? 'the model flags');
  } catch (e) {
    if (e instanceof FormatError) throw new ValueError(e.message);
    throw e;
  }
}
