/**
 * A layer's weights from a Keras weights file, by the full path of the layer in the file:
 * - Keras 3 (`model.weights.h5` in a `.keras`, or a `.weights.h5`): `layers/<tracking key>/vars/<i>`,
 *   i in the layer's variable order (trainable, then non-trainable: keras/src/layers/layer.py
 *   save_own_variables). The order per class is below.
 * - legacy HDF5 (`.h5` from Keras 2 / tf.keras or Keras 3's legacy writer):
 *   `model_weights/<layer name>/` (or the root for `save_weights` files) with a `weight_names`
 *   attribute, each name '<scope>/<layer>/<weight>[:0]' a dataset path under that group
 *   (keras/src/legacy/saving/legacy_h5_format.py).
 */
import type { WeightTensor } from '../converter.ts';
import type { LayerWeights } from '../model-source.ts';
import type { LayerLocation } from './config.ts';
import { KerasFileError } from './errors.ts';
import { h5Get, stringList, type H5Dataset, type H5Group } from './hdf5.ts';

/** Keras 3 variable names of a layer, in `vars/<i>` order. */
export function keras3VariableNames(className: string, config: Record<string, unknown>): string[] | undefined {
  const bias = config.use_bias === false ? [] : ['bias'];
  switch (className) {
    case 'Dense':
    case 'Conv2D':
    case 'Conv2DTranspose':
    case 'DepthwiseConv2D':
      return ['kernel', ...bias];
    case 'SeparableConv2D':
      return ['depthwise_kernel', 'pointwise_kernel', ...bias];
    case 'BatchNormalization':
      return [...(config.scale === false ? [] : ['gamma']), ...(config.center === false ? [] : ['beta']), 'moving_mean', 'moving_variance'];
    case 'LayerNormalization':
    case 'GroupNormalization':
      return [...(config.scale === false ? [] : ['gamma']), ...(config.center === false ? [] : ['beta'])];
    case 'Normalization':
      return ['mean', 'variance', 'count']; // only when adapted (mean/variance not in the config)
    case 'PReLU':
      return ['alpha'];
    case 'LayerScale':
      return ['gamma'];
    case 'Embedding':
      return ['embeddings'];
    default:
      return undefined;
  }
}

function toWeight(d: H5Dataset, where: string, file: string): WeightTensor {
  if (d.value instanceof Float32Array) return { shape: d.shape.slice(), data: d.value };
  if (d.value instanceof Float64Array) return { shape: d.shape.slice(), data: Float32Array.from(d.value) };
  // Integer variables (Normalization's sample count) are read as numbers; no converter computes with them.
  if (d.value instanceof BigInt64Array || d.value instanceof Int32Array) return { shape: d.shape.slice(), data: Float32Array.from(d.value as ArrayLike<number | bigint>, Number) };
  if (typeof d.value === 'bigint' || typeof d.value === 'number') return { shape: [], data: Float32Array.of(Number(d.value)) };
  throw new KerasFileError(file, `weight ${where} has HDF5 type ${d.dtype}; only float32 (or float64) weights are supported`);
}

function datasetsOf(group: H5Group): [string, H5Dataset][] {
  return [...group.children].filter((e): e is [string, H5Dataset] => e[1].kind === 'dataset');
}

export interface WeightReader {
  /** Weights of the layer at `location`, by Keras suffix ('kernel', 'bias', 'gamma', ...). */
  weightsOf(location: LayerLocation): LayerWeights;
  /** Whether the file holds any weight for the layer (used to recognise weightless custom layers). */
  hasWeights(location: LayerLocation): boolean;
}

/**
 * Keras 3 layout. With `checkNames`, the `name` attribute Keras writes on each `vars` group must
 * equal the layer's name (true for `.keras` files; weights-only files may come from a model whose
 * layer names differ from the architecture's).
 */
export function keras3Weights(root: H5Group, file: string, checkNames: boolean): WeightReader {
  const varsOf = (location: LayerLocation): H5Group | undefined => {
    const node = h5Get(root, `${location.trackingPath}/vars`);
    return node?.kind === 'group' ? node : undefined;
  };
  return {
    hasWeights: (location) => {
      const vars = varsOf(location);
      return !!vars && datasetsOf(vars).length > 0;
    },
    weightsOf(location) {
      const where = `${location.trackingPath}/vars`;
      const vars = varsOf(location);
      const out: LayerWeights = new Map();
      const qualified = location.path.join('/');
      if (!vars) return out; // layers without variables (Flatten, Reshape, activations) have no group or an empty one
      const stored = vars.attrs.name;
      if (checkNames && typeof stored === 'string' && stored !== location.path[location.path.length - 1]) {
        throw new KerasFileError(file, `weights at ${where} belong to layer "${stored}", but the config puts layer "${qualified}" there; the file's config and weights disagree`);
      }
      const datasets = datasetsOf(vars).sort((a, b) => Number(a[0]) - Number(b[0]));
      if (!datasets.length) return out;
      const names = keras3VariableNames(location.className, location.config);
      if (!names || names.length !== datasets.length) {
        throw new KerasFileError(
          file,
          `layer "${qualified}" (${location.className}) has ${datasets.length} variable(s) at ${where}, expected ${names ? `${names.length} (${names.join(', ')})` : 'none'}`,
        );
      }
      datasets.forEach(([i, d], k) => out.set(names[k], toWeight(d, `${where}/${i}`, file)));
      return out;
    },
  };
}

/**
 * Keras 2 names weights 'dense/kernel:0'; Keras 3's legacy writer 'dense/kernel'. A weight created
 * without a name (ConvNeXt's LayerScale) is 'variable', 'variable_1', ... by a global counter: all
 * read as 'variable'.
 */
function suffixOf(weightName: string): string {
  return (weightName.split('/').pop() ?? weightName).replace(/:\d+$/, '').replace(/^variable_\d+$/, 'variable');
}

/**
 * Legacy HDF5 layout. `group` is `model_weights` (whole-model files) or the root (`save_weights`).
 * A nested model is one group holding all its layers' weights; a layer inside it is found by the
 * segment before the weight's own name (its layer name), which must be unique in that group.
 */
export function legacyWeights(group: H5Group, groupPath: string, file: string): WeightReader {
  const namesOf = (layerGroup: H5Group) => stringList(layerGroup.attrs.weight_names);
  const find = (location: LayerLocation): { group: H5Group; names: string[]; at: string } | undefined => {
    const [head, ...rest] = location.path;
    const g = group.children.get(head);
    if (!g || g.kind !== 'group') return undefined;
    let names = namesOf(g);
    if (rest.length) {
      const layer = rest[rest.length - 1];
      names = names.filter((n) => n.split('/').slice(-2, -1)[0] === layer);
    }
    return { group: g, names, at: `${groupPath}/${head}` };
  };
  return {
    hasWeights: (location) => (find(location)?.names.length ?? 0) > 0,
    weightsOf(location) {
      const out: LayerWeights = new Map();
      const found = find(location);
      if (!found) return out;
      for (const name of found.names) {
        const node = h5Get(found.group, name);
        if (node?.kind !== 'dataset') throw new KerasFileError(file, `weight_names of ${found.at} lists "${name}", but there is no such dataset`);
        const suffix = suffixOf(name);
        if (out.has(suffix)) {
          throw new KerasFileError(file, `layer "${location.path.join('/')}": two weights named "${suffix}" in ${found.at} (${found.names.join(', ')}); cannot tell them apart`);
        }
        out.set(suffix, toWeight(node, `${found.at}/${name}`, file));
      }
      return out;
    },
  };
}
