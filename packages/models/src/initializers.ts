/**
 * Kernel initialisers. Keras (and tfjs) default to glorot_uniform kernels and zero biases; given a
 * seed, every layer gets its own seeded glorot_uniform (seed + layer index) so a model builds
 * identically on every run, which resume and the tests rely on.
 */
import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/** Returns a function giving the kernel initialiser of the next layer. */
export function kernelInitializers(seed: number | undefined): () => Initializer | 'glorotUniform' {
  let index = 0;
  return () => {
    const i = index++;
    return seed === undefined ? 'glorotUniform' : tfl.initializers.glorotUniform({ seed: seed * 1000 + i });
  };
}
