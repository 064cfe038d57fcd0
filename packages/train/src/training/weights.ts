/**
 * Stable names for a model pair's weights: "encoder/<layer>/<weight>" and "decoder/<layer>/<weight>"
 * (e.g. "encoder/z_mean/kernel"). tfjs variable names gain "_1" suffixes when two models share a
 * process; these keys do not, so gradients, optimizer state and replicas in other threads agree.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelPair } from '@latentkit/models';

type Part = 'encoder' | 'decoder';

function collect(pair: ModelPair, trainable: boolean): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const part of ['encoder', 'decoder'] as Part[]) {
    const model: LayersModel = pair[part];
    const list = trainable ? model.trainableWeights : model.nonTrainableWeights;
    for (const w of list) out.set(`${part}/${w.originalName}`, w.read() as tf.Variable);
  }
  return out;
}

/**
 * Trainable weights in a fixed order (encoder then decoder, layer order), keyed stably as
 * `encoder/<layer>/<weight>` (tfjs variable names gain suffixes when several models share a process).
 * The Map holds the models' own variables: do not dispose them.
 */
export function trainableVariables(pair: ModelPair): Map<string, tf.Variable> {
  return collect(pair, true);
}

/** Non-trainable weights (BatchNormalization moving_mean / moving_variance), keyed as trainableVariables. */
export function nonTrainableVariables(pair: ModelPair): Map<string, tf.Variable> {
  return collect(pair, false);
}

/** Every weight of the pair, trainable first, keyed as trainableVariables (the models' own variables). */
export function allVariables(pair: ModelPair): Map<string, tf.Variable> {
  return new Map([...collect(pair, true), ...collect(pair, false)]);
}
