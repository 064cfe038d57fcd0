/**
 * The VAE Sampling layer: z = z_mean + exp(0.5 * z_log_var) * epsilon.
 * With two inputs, epsilon is a required graph input (`epsilon`, [batch, latentDim], no default: the
 * caller feeds N(0, 1) noise to sample, or zeros for z = z_mean); with three, the third input is the
 * noise, as in the layer itself.
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { ExportError } from '../errors.ts';

const v7: ConvertFn = ({ b, layer, inputs, noiseInput }) => {
  if (inputs.length !== 2 && inputs.length !== 3) {
    throw new ExportError(`Layer "${layer.name}" (Sampling): expects [z_mean, z_log_var] or [z_mean, z_log_var, eps], received ${inputs.length} input(s)`);
  }
  const [mean, logVar] = inputs;
  if (mean.shape.some((d) => d === null)) throw new ExportError(`Layer "${layer.name}" (Sampling): z_mean needs a static shape, received [${mean.shape}]`);
  const eps = inputs.length === 3 ? inputs[2].name : noiseInput(mean.shape as number[]);
  const half = b.floatConstant(`${layer.name}/half`, [0.5], []);
  const scaled = b.op('Mul', [logVar.name, half], [], layer.name);
  const std = b.op('Exp', [scaled], [], layer.name);
  const noise = b.op('Mul', [std, eps], [], layer.name);
  return [{ name: b.op('Add', [mean.name, noise], [], layer.name), shape: mean.shape }];
};

export const samplingConverter: ConverterConfig = { className: 'Sampling', opsets: { 7: v7 } };
