/**
 * tfjs-layers' BatchNormalization in training mode on the native engine, through
 * FusedBatchNormV3.ts's batchNormTraining (TensorFlow's FusedBatchNormV3 / FusedBatchNormGradV3).
 * tfjs-layers has no hook for this (its training path calls module-internal functions), so the
 * layer class's `call` is wrapped: 4-D inputs normalised over all axes but the last, with both
 * scale and center, in training mode, on the 'tensorflow' backend take the fused path; every other
 * call (inference, other backends, other layouts) runs tfjs-layers' own code. The moving mean and
 * variance are updated exactly as tfjs-layers does (moving -= (moving - batch) * (1 - momentum)),
 * with the same biased batch variance.
 */
import { getBackend, mul, sub, tidy, type Tensor, type Tensor1D, type Tensor4D } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NATIVE_BACKEND } from './dispatch.ts';
import { batchNormTraining } from './FusedBatchNormV3.ts';

interface BatchNormLayer {
  axis: number;
  center: boolean;
  scale: boolean;
  epsilon: number;
  momentum: number;
  gamma: { read(): Tensor };
  beta: { read(): Tensor };
  movingMean: { read(): Tensor; write(t: Tensor): void };
  movingVariance: { read(): Tensor; write(t: Tensor): void };
}
type Call = (this: BatchNormLayer, inputs: Tensor | Tensor[], kwargs: { training?: boolean }) => Tensor;

let original: Call | undefined;
/** Off in tests that compare against tfjs-layers' own path (register.ts's withoutNativeGradients). */
export const nativeBatchNorm = { enabled: true };

/** Wraps BatchNormalization.prototype.call once; idempotent. */
export function wrapBatchNormalization(): void {
  if (original) return;
  const proto = Object.getPrototypeOf(tfl.layers.batchNormalization({})) as { call: Call };
  const stock = proto.call;
  original = stock;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const fused =
      nativeBatchNorm.enabled && kwargs?.training === true && getBackend() === NATIVE_BACKEND && x.rank === 4 &&
      (this.axis === -1 || this.axis === 3) && this.center && this.scale && x.dtype === 'float32';
    if (!fused) return stock.call(this, inputs, kwargs);
    return tidy(() => {
      const { y, mean, variance } = batchNormTraining(x as Tensor4D, this.gamma.read() as Tensor1D, this.beta.read() as Tensor1D, this.epsilon);
      const decay = 1 - this.momentum;
      for (const [variable, value] of [[this.movingMean, mean], [this.movingVariance, variance]] as const) {
        tidy(() => {
          const orig = variable.read();
          variable.write(sub(orig, mul(sub(orig, value), decay)));
        });
      }
      mean.dispose();
      variance.dispose();
      return y;
    });
  };
}
