/**
 * Classes of a conditional VAE bundle (manifest spec.conditional.classes, index = label): a class
 * given by name or index -> its index, one per latent row, and the one-hot `label` input [n, K] the
 * exported decoder and encoder take (@latentkit/export io-names.ts LABEL_INPUT). Messages name the
 * field `class` and the valid classes, so the HTTP layer answers 400 with them as they are.
 */
import { InputError } from './errors.ts';

/** A class by name (`"Sneaker"`) or by index (`7`, or `"7"` from a query string or an HTML attribute). */
export type ClassInput = string | number;

/** A bad `class`: unknown, out of range, missing for a conditional model, or given to an unconditional one. */
export class ClassError extends InputError {
  /** The request field at fault. */
  readonly field = 'class';
}

function listed(classes: readonly string[]): string {
  return classes.map((c, i) => `${i} "${c}"`).join(', ');
}

/**
 * Why `value` is not a class of `classes` (undefined when it is one): the sentence ClassError and the
 * HTTP schemas share. `classes` undefined means an unconditional model, which takes no class.
 */
export function classProblem(classes: readonly string[] | undefined, value: unknown): string | undefined {
  if (!classes) return 'this model is not conditional: it takes no class (its manifest has no spec.conditional)';
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value < classes.length ? undefined : `class index ${value} is out of range; valid classes: ${listed(classes)}`;
  }
  if (typeof value !== 'string') return `class must be a class name or index; valid classes: ${listed(classes)}`;
  if (classes.includes(value) || (/^\d+$/.test(value) && Number(value) < classes.length)) return undefined;
  return `unknown class "${value.slice(0, 80)}"; valid classes: ${listed(classes)}`;
}

/** The index of one class. @throws ClassError (classProblem's sentence). */
export function classIndex(classes: readonly string[] | undefined, value: ClassInput): number {
  const problem = classProblem(classes, value);
  if (problem) throw new ClassError(problem);
  if (typeof value === 'number') return value;
  const named = classes!.indexOf(value);
  return named >= 0 ? named : Number(value);
}

/**
 * The class index of each of `n` rows: one class for every row, or a list of n. Undefined for an
 * unconditional model given no class.
 * @throws ClassError when a conditional model gets no class, an unconditional one gets one, a list
 *   has another length than n, or a class is unknown.
 */
export function classRows(classes: readonly string[] | undefined, value: ClassInput | readonly ClassInput[] | undefined, n: number): Int32Array | undefined {
  if (value === undefined) {
    if (classes) throw new ClassError(`this model is conditional: give a class (name or index); valid classes: ${listed(classes)}`);
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length !== n) throw new ClassError(`class lists ${value.length} classes for ${n} rows; give one class, or one per row`);
    return Int32Array.from(value as readonly ClassInput[], (v) => classIndex(classes, v));
  }
  return new Int32Array(n).fill(classIndex(classes, value as ClassInput));
}

/** One-hot rows [rows.length, classes] (float32) for the label input. */
export function oneHot(rows: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(rows.length * classes);
  rows.forEach((c, i) => (out[i * classes + c] = 1));
  return out;
}
