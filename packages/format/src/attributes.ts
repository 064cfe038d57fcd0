/**
 * attributes.json of a bundle: `{ name: number[latentDim] }`, one unit attribute vector per label
 * column of the data it was computed from (the book's get_vector_from_label): a CelebA attribute, a
 * column of an image folder's attribute CSV, or a class (an image folder's subfolder, a Fashion-MNIST
 * class) against the rest. Names are the columns' own, any string. The runtime's attributes CLI
 * writes it (packages/runtime src/node/label-columns.ts); the runtime and the demo read it.
 */
import { z } from 'zod';
import { parseWith } from './parse.ts';

/** The schema for a bundle whose latent space has `latentDim` dimensions. */
export function attributesSchema(latentDim: number) {
  return z.record(
    z.string().min(1, 'an attribute needs a name'),
    z.array(z.number().refine(Number.isFinite, 'expected a finite number')).length(latentDim, `expected ${latentDim} numbers (the latent size)`),
  );
}
export type Attributes = Record<string, number[]>;

/**
 * A parsed attributes.json value -> vectors as Float32Arrays, by name.
 * @throws FormatError naming `file` and the wrong attribute.
 */
export function parseAttributes(json: unknown, latentDim: number, file = 'attributes.json'): Record<string, Float32Array> {
  const parsed = parseWith(attributesSchema(latentDim), json, file, `Expected { name: number[${latentDim}] }`);
  return Object.fromEntries(Object.entries(parsed).map(([name, v]) => [name, Float32Array.from(v)]));
}
