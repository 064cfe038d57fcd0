/**
 * Dense: y = activation(x W + b) over the last axis. Rank-2 inputs become one Gemm (or MatMul +
 * Add with gemm off); images go to NHWC for a MatMul and back.
 */
import { applyActivation } from './helpers/activations.ts';
import type { ConverterConfig, ConvertFn, Sym } from '../converter.ts';
import type { DenseLayerConfig } from '../keras-format.ts';
import { fromKerasLayout, toKerasLayout } from '../layout.ts';
import { ExportError } from '../errors.ts';

const v9: ConvertFn<DenseLayerConfig> = ({ b, layer, inputs, options, requireWeight, weight, writer }) => {
  const [x] = inputs;
  const { config, name } = layer;
  const kernel = requireWeight('kernel');
  const last = x.shape[x.shape.length - 1];
  if (last !== null && kernel.shape[0] !== last) {
    throw new ExportError(`Layer "${name}" (Dense): kernel is [${kernel.shape}] but the input's last axis is ${last}`);
  }
  const w = b.floatConstant(`${name}/kernel`, kernel.data, kernel.shape);
  const bias = config.use_bias === false ? undefined : weight('bias');
  const biasName = bias ? b.floatConstant(`${name}/bias`, bias.data, bias.shape) : undefined;
  const outShape = [...x.shape.slice(0, -1), config.units];
  let y: Sym;
  if (x.shape.length === 1 && options.gemm) {
    y = { name: b.op('Gemm', biasName ? [x.name, w, biasName] : [x.name, w], [], name), shape: outShape };
  } else {
    const input = toKerasLayout(b, x, name);
    let out = b.op('MatMul', [input, w], [], name);
    if (biasName) out = b.op('Add', [out, biasName], [], name);
    y = fromKerasLayout(b, out, outShape, name);
  }
  return [applyActivation(b, config.activation, y, name, name, writer)];
};

export const denseConverter: ConverterConfig<DenseLayerConfig> = { className: 'Dense', opsets: { 9: v9 } };
