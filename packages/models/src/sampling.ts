/**
 * The book's Sampling layer: z = z_mean + exp(0.5 * z_log_var) * eps, eps ~ N(0, I).
 *
 * Noise control (for tests, reproducible runs and export):
 * - Given a third input `eps` ([batch, dim], same shape as z_mean), the layer uses it verbatim, so a
 *   caller can compute z from chosen noise (the training step does this with its own seeded noise).
 * - Otherwise it draws eps itself. With `seed` set, call number k draws with seed `seed + k`, so a
 *   freshly built or freshly loaded layer yields the same sequence of noises; without a seed the draws
 *   are unseeded, as in Keras.
 * The config holds only `seed` (plus Layer's own fields), so it round-trips through model.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface SamplingArgs {
  name?: string;
  /** Seed of the layer's own noise; call k uses seed + k. Omit for unseeded noise. */
  seed?: number;
}

type Shape = (number | null)[];

/**
 * The Sampling layer (see the module comment). Inputs [z_mean, z_log_var] or [z_mean, z_log_var,
 * eps], each [batch, latentDim]; output z [batch, latentDim]. Registered with tfjs's serialization
 * under 'Sampling', so loadModel finds it.
 * @throws TypeError from the constructor for a seed that is not finite, and when applied to other
 *   than two or three inputs.
 */
export class Sampling extends tfl.layers.Layer {
  static className = 'Sampling';
  readonly seed?: number;
  /** Number of noise draws made so far (advances the seeded sequence). */
  private draws = 0;

  constructor(args: SamplingArgs = {}) {
    super({ name: args.name });
    if (args.seed !== undefined && !Number.isFinite(args.seed)) {
      throw new TypeError(`Sampling: seed must be a finite number, received ${String(args.seed)}`);
    }
    this.seed = args.seed;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    if (!Array.isArray(shapes[0]) || (shapes.length !== 2 && shapes.length !== 3)) {
      throw new TypeError(
        `Sampling expects inputs [z_mean, z_log_var] or [z_mean, z_log_var, eps], received shape ${JSON.stringify(inputShape)}`,
      );
    }
    return shapes[0].slice();
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      if (list.length !== 2 && list.length !== 3) {
        throw new TypeError(
          `Sampling expects [z_mean, z_log_var] or [z_mean, z_log_var, eps], received ${list.length} tensor(s)`,
        );
      }
      const [mean, logVar] = list;
      const eps = list.length === 3 ? list[2] : this.drawNoise(mean.shape);
      if (!tf.util.arraysEqual(eps.shape, mean.shape) || !tf.util.arraysEqual(logVar.shape, mean.shape)) {
        throw new TypeError(
          `Sampling: z_mean ${JSON.stringify(mean.shape)}, z_log_var ${JSON.stringify(logVar.shape)} and eps ` +
            `${JSON.stringify(eps.shape)} must have the same shape`,
        );
      }
      return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    });
  }

  private drawNoise(shape: number[]): tf.Tensor {
    if (this.seed === undefined) return tf.randomNormal(shape);
    return tf.randomNormal(shape, 0, 1, 'float32', this.seed + this.draws++);
  }

  override getConfig(): serialization.ConfigDict {
    const config: serialization.ConfigDict = { ...super.getConfig() };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
serialization.registerClass(Sampling);
