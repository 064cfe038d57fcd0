/**
 * Reshape in Keras layout: shape [0, ...target] (0 copies the dynamic batch), images moved to
 * NHWC before and back to NCHW after.
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { ReshapeLayerConfig } from '../keras-format.ts';
import { fromKerasLayout, toKerasLayout } from '../layout.ts';
import { ExportError } from '../errors.ts';

const v5: ConvertFn<ReshapeLayerConfig> = ({ b, layer, inputs }) => {
  const [x] = inputs;
  // tfjs writes Keras's -1 ("infer this one") as null.
  const target = Array.isArray(layer.config.target_shape) ? layer.config.target_shape.map((d) => (d === null ? -1 : d)) : layer.config.target_shape;
  if (!Array.isArray(target) || target.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1)) || target.filter((d) => d === -1).length > 1) {
    throw new ExportError(`Layer "${layer.name}" (Reshape): target_shape must be positive integers with at most one -1, received ${JSON.stringify(target)}`);
  }
  let shape: (number | null)[] = target;
  if (target.includes(-1)) {
    const total = x.shape.some((d) => d === null) ? null : (x.shape as number[]).reduce((a, c) => a * c, 1);
    const known = target.filter((d) => d !== -1).reduce((a, c) => a * c, 1);
    shape = target.map((d) => (d === -1 ? (total === null ? null : total / known) : d));
  }
  const keras = toKerasLayout(b, x, layer.name);
  const shapeName = b.int64Constant(`${layer.name}/shape`, [0, ...target]);
  const out = b.op('Reshape', [keras, shapeName], [], layer.name);
  return [fromKerasLayout(b, out, shape, layer.name)];
};

export const reshapeConverter: ConverterConfig<ReshapeLayerConfig> = { className: 'Reshape', opsets: { 5: v5 } };
