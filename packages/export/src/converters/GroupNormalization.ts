/**
 * GroupNormalization over the channel axis (-1): channels split into `groups` contiguous groups,
 * each normalized with its mean and variance over the group's channels and all positions, then
 * gamma and beta per channel (keras/src/layers/normalization/group_normalization.py; epsilon
 * default 1e-3). Graph: Reshape [N, groups, -1], normalize over axis 2, Reshape back to x's shape.
 * ONNX's GroupNormalization (opset 18, redefined at 21) is not used: its scale was per group at 18.
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { ExportError } from '../errors.ts';
import { broadcastConstant, kerasAxes } from './helpers/broadcast.ts';
import { normalizeOver, type AxesForm } from './helpers/reduce.ts';

function groupNorm({ b, layer, inputs, weight }: Parameters<ConvertFn>[0], form: AxesForm) {
  const [x] = inputs;
  const { name, config } = layer;
  const axes = kerasAxes(config.axis ?? -1, x, name, 'GroupNormalization');
  const channels = x.shape[x.shape.length - 1];
  const groups = Number(config.groups ?? 32);
  if (axes.length !== 1 || axes[0] !== x.shape.length) throw new ExportError(`Layer "${name}" (GroupNormalization): only the channel axis (-1, or 1 of a rank-4 input as channels_first models use) is supported, received ${JSON.stringify(config.axis)}`);
  if (channels === null || !Number.isInteger(groups) || groups < 1 || channels % groups !== 0) {
    throw new ExportError(`Layer "${name}" (GroupNormalization): ${channels ?? 'unknown'} channels cannot be split into ${groups} groups`);
  }
  const grouped = b.op('Reshape', [x.name, b.int64Constant(`${name}/grouped`, [0, groups, -1])], [], name);
  const normalized = normalizeOver(b, grouped, [2], Number(config.epsilon ?? 1e-3), form, name);
  let y = b.op('Reshape', [normalized, b.op('Shape', [x.name], [], name)], [], name);
  const gamma = config.scale === false ? undefined : weight('gamma');
  const beta = config.center === false ? undefined : weight('beta');
  if (gamma) y = b.op('Mul', [y, broadcastConstant(b, gamma.data, x, axes, `${name}/gamma`, 'gamma', name)], [], name);
  if (beta) y = b.op('Add', [y, broadcastConstant(b, beta.data, x, axes, `${name}/beta`, 'beta', name)], [], name);
  return [{ name: y, shape: x.shape }];
}

// ReduceMean takes its axes as an input from opset 18: the same nodes otherwise.
const v11: ConvertFn = (ctx) => groupNorm(ctx, 'attribute');
const v18: ConvertFn = (ctx) => groupNorm(ctx, 'input');

export const groupNormalizationConverter: ConverterConfig = { className: 'GroupNormalization', opsets: { 11: v11, 18: v18 } };
