/**
 * Stable graph input/output names per role (documented in README.md):
 *   decoder: z -> image
 *   encoder: image -> z (AE) | z_mean, z_log_var (+ z) (VAE)
 *   vae:     image -> reconstruction, then the encoder's outputs
 * A conditional VAE's models (two inputs) take `label` second: decoder z, label -> image; encoder and
 * vae image, label -> ... (LABEL_INPUT: [batch, K] float32 one-hot).
 * Without a role, the Keras layer names are used.
 */
import { ExportError } from './errors.ts';
import type { TensorKey } from './keras-format.ts';
import type { ModelRole } from './options.ts';

const ENCODER_OUTPUTS: Record<number, string[]> = { 1: ['z'], 2: ['z_mean', 'z_log_var'], 3: ['z_mean', 'z_log_var', 'z'] };

/**
 * Name of the VAE noise input, [batch, latentDim] float32. Required (no default): feed N(0, 1) noise
 * to sample z, or zeros to get z = z_mean.
 */
export const NOISE_INPUT = 'epsilon';

/**
 * Name of a conditional model's second input, [batch, K] float32: the one-hot class (1 at the class
 * index, 0 elsewhere; K = the manifest's spec.conditional.classes.length).
 */
export const LABEL_INPUT = 'label';

function encoderOutputs(n: number, role: string): string[] {
  const names = ENCODER_OUTPUTS[n];
  if (!names) throw new ExportError(`role "${role}": the encoder must have 1 output (z) or 2-3 (z_mean, z_log_var[, z]); this one has ${n}`);
  return names;
}

function kerasNames(keys: TensorKey[]): string[] {
  const seen = new Set<string>();
  return keys.map(([layer, , index]) => {
    const multi = keys.filter((k) => k[0] === layer).length > 1;
    let name = (multi ? `${layer}_${index}` : layer).replace(/[^A-Za-z0-9_.:-]/g, '_');
    while (seen.has(name) || name === NOISE_INPUT) name = `${name}_`;
    seen.add(name);
    return name;
  });
}

export function ioNames(role: ModelRole | undefined, inputs: TensorKey[], outputs: TensorKey[]): { inputs: string[]; outputs: string[] } {
  if (!role) return { inputs: kerasNames(inputs), outputs: kerasNames(outputs) };
  if (inputs.length !== 1 && inputs.length !== 2) {
    throw new ExportError(`role "${role}": the model must have one input, or two for a conditional model (the second the one-hot label); this one has ${inputs.length}`);
  }
  const label = inputs.length === 2 ? [LABEL_INPUT] : [];
  switch (role) {
    case 'decoder':
      if (outputs.length !== 1) throw new ExportError(`role "decoder": the model must have exactly one output (the image), this one has ${outputs.length}`);
      return { inputs: ['z', ...label], outputs: ['image'] };
    case 'encoder':
      return { inputs: ['image', ...label], outputs: encoderOutputs(outputs.length, role) };
    case 'vae':
      return { inputs: ['image', ...label], outputs: ['reconstruction', ...encoderOutputs(outputs.length - 1, role)] };
  }
}
