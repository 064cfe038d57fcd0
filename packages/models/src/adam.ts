/**
 * Adam as Keras 2.11+ computes it (keras/optimizers/adam.py), with its whole state in plain view so a
 * checkpoint can save and restore it exactly:
 *   t += 1;  lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)
 *   m += (g - m) (1 - b1);  v += (g^2 - v) (1 - b2);  w -= m lr_t / (sqrt(v) + eps)
 * tfjs's AdamOptimizer keeps beta powers as float32 variables updated by repeated multiplication and
 * rebuilds them with pow() on setWeights, so a resumed run would drift from an uninterrupted one;
 * here the bias correction is computed in float64 from the step count alone.
 *
 * Variables are addressed by stable keys (see `weightKey`), not tfjs variable names, which gain
 * suffixes when several models live in one process.
 *
 * Where the running backend has a kernel named 'ResourceApplyAdam' (the native engine registers
 * one: engine/native/ResourceApplyAdam.ts, TensorFlow's own Adam op), each weight's update is that
 * one kernel (same formula; tested equal to float32 noise) instead of ~12 elementwise ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from './errors.ts';

/** A backend kernel doing one weight's whole update: inputs { w, g, m, v }, outputs [w', m', v']. */
const FUSED_ADAM = 'ResourceApplyAdam';

export interface AdamConfig {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamState {
  step: number;
  /** key -> first and second moments (same shape as the variable). */
  m: Map<string, tf.Variable>;
  v: Map<string, tf.Variable>;
}

/**
 * The optimizer of the book's runs (Keras Adam; formula in the module comment).
 * @throws ValueError from the constructor when learningRate is not > 0, from apply() for a gradient
 *   whose key has no variable, from setState() for a tensor not named key/m or key/v.
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Number of updates applied so far (Keras's `iterations`). */
  step = 0;
  /** Use the backend's 'ResourceApplyAdam' kernel where it has one (tests turn it off to compare). */
  useFusedKernel = true;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(config: AdamConfig) {
    if (!(config.learningRate > 0)) throw new ValueError(`Adam: learningRate must be > 0, received ${config.learningRate}`);
    this.learningRate = config.learningRate;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-7;
  }

  /**
   * Applies one update: `grads` maps keys to gradients, `variables` maps the same keys to weights of
   * the same shapes (trainableVariables(pair)). Moments are created at zero on first use.
   * @throws ValueError for a gradient whose key is not in `variables`.
   */
  apply(variables: Map<string, tf.Variable>, grads: tf.NamedTensorMap): void {
    this.step += 1;
    const t = this.step;
    const lrT = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const fused = this.useFusedKernel && tf.getKernel(FUSED_ADAM, tf.getBackend()) !== undefined;
    for (const [key, g] of Object.entries(grads)) {
      const w = variables.get(key);
      if (w === undefined) throw new ValueError(`Adam: gradient for unknown weight "${key}"`);
      let m = this.m.get(key);
      let v = this.v.get(key);
      if (m === undefined || v === undefined) {
        // tidy frees the zeros; the variables keep their own reference to the data.
        m = tf.tidy(() => tf.variable(tf.zerosLike(w), false));
        v = tf.tidy(() => tf.variable(tf.zerosLike(w), false));
        this.m.set(key, m);
        this.v.set(key, v);
      }
      const mm = m;
      const vv = v;
      if (fused) {
        tf.tidy(() => {
          const attrs = { lr: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, beta1Power: this.beta1 ** t, beta2Power: this.beta2 ** t };
          const [newW, newM, newV] = tf.engine().runKernel(FUSED_ADAM, { w, g, m: mm, v: vv }, attrs) as tf.Tensor[];
          w.assign(newW!);
          mm.assign(newM!);
          vv.assign(newV!);
        });
        continue;
      }
      tf.tidy(() => {
        const newM = tf.add(mm, tf.mul(tf.sub(g, mm), 1 - this.beta1));
        const newV = tf.add(vv, tf.mul(tf.sub(tf.square(g), vv), 1 - this.beta2));
        mm.assign(newM);
        vv.assign(newV);
        w.assign(tf.sub(w, tf.div(tf.mul(newM, lrT), tf.add(tf.sqrt(newV), this.epsilon))));
      });
    }
  }

  /** The state to checkpoint: step and every moment as a named tensor ("key/m", "key/v"). */
  getState(): { step: number; tensors: tf.NamedTensorMap } {
    const tensors: tf.NamedTensorMap = {};
    for (const [key, m] of this.m) tensors[`${key}/m`] = m;
    for (const [key, v] of this.v) tensors[`${key}/v`] = v;
    return { step: this.step, tensors };
  }

  /** Restores a state written by getState (copies the tensors). */
  setState(step: number, tensors: tf.NamedTensorMap): void {
    this.dispose();
    this.step = step;
    for (const [name, t] of Object.entries(tensors)) {
      const slash = name.lastIndexOf('/');
      const key = name.slice(0, slash);
      const which = name.slice(slash + 1);
      if (which !== 'm' && which !== 'v') throw new ValueError(`Adam state: unexpected tensor "${name}" (want key/m or key/v)`);
      (which === 'm' ? this.m : this.v).set(key, tf.tidy(() => tf.variable(t.clone(), false)));
    }
  }

  /** Frees the moment variables (the weights are the models'); a later apply() starts them from zero again. */
  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }
}
