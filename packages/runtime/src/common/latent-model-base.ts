/**
 * Everything a LatentModel does on top of its two session calls, written once: input checks, seeded
 * sampling, morphing, attribute vectors and offsets, latent grids. A subclass supplies `decode`,
 * `encode` and `dispose` (LatentModelImpl runs sessions; MicroBatchedModel queues decodes in front of
 * another model), so the maths here is the only definition the library and the HTTP routes use.
 */
import { InputError } from './errors.ts';
import { AttributeMeans } from './attribute-vector.ts';
import { createRng, normals, permutation } from '@latentkit/format';
import { randomSeed, seedSchema } from './seed.ts';
import { INTERPOLATIONS, interpolate } from './interpolate.ts';
import { resolveDirection, traverseLatents, traverseOffsets, type TraverseDirection } from './traverse.ts';
import type { LatentPca } from '@latentkit/format';
import type { TensorData } from './tensor-data.ts';
import type { BundleManifest } from './manifest.ts';
import { classRows } from './classes.ts';
import type {
  AttributeVectorOptions,
  ClassOptions,
  AttributeVectorResult,
  EncodeResult,
  GridOptions,
  GridResult,
  ImageInput,
  LatentInput,
  LatentModel,
  MorphOptions,
  MorphResult,
  SampleOptions,
  SampleResult,
  TraverseOptions,
  TraverseResult,
} from './latent-model.ts';

export abstract class LatentModelBase implements LatentModel {
  abstract readonly manifest: BundleManifest;
  abstract readonly latentDim: number;
  abstract readonly imageShape: readonly [number, number, number];
  abstract readonly attributes: Readonly<Record<string, Float32Array>>;
  abstract readonly provider: string;
  abstract readonly hasEncoder: boolean;
  abstract decode(z: LatentInput, options?: ClassOptions): Promise<TensorData>;
  abstract encode(images: ImageInput, options?: ClassOptions): Promise<EncodeResult>;

  /**
   * A conditional VAE's class names, from the manifest (spec.conditional.classes); undefined otherwise
   * (also for a hand-made manifest without a spec, as test doubles have).
   */
  get classes(): readonly string[] | undefined {
    return this.manifest.spec?.conditional?.classes;
  }

  /** The class index of each of `n` rows (classes.ts classRows); undefined for an unconditional model. @throws ClassError */
  classRows(options: ClassOptions | undefined, n: number): Int32Array | undefined {
    return classRows(this.classes, options?.class, n);
  }

  /** Only the class of `options` (what decode and encode take of a sample, morph or grid request). */
  private static one(options: ClassOptions): ClassOptions {
    return options.class === undefined ? {} : { class: options.class };
  }
  abstract dispose(): Promise<void>;
  /** None unless a subclass has latents.json's `pca` (LatentModelImpl) or forwards another model's. */
  get pca(): LatentPca | null {
    return null;
  }

  protected get imageSize(): number {
    return this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
  }

  // ---- input normalisation -------------------------------------------------------------------

  /** Any LatentInput -> flat Float32Array of rows x latentDim, checked; throws InputError. */
  toLatents(z: LatentInput, what = 'z'): { data: Float32Array; n: number } {
    const d = this.latentDim;
    let data: Float32Array;
    if (z instanceof Float32Array) data = z;
    else if (Array.isArray(z)) {
      data = new Float32Array(z.length * d);
      (z as readonly (readonly number[])[]).forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== d) {
          throw new InputError(`${what}[${i}] must be ${d} numbers (the latent size), got ${Array.isArray(r) ? r.length : typeof r}.`);
        }
        data.set(r, i * d);
      });
    } else if (isTensor(z)) {
      const t = z;
      if (t.shape.length !== 2 || t.shape[1] !== d) {
        throw new InputError(`${what} must have shape [N, ${d}], got [${t.shape.join(', ')}].`);
      }
      data = t.data;
    } else throw new InputError(`${what} must be a Float32Array, an array of rows, or { data, shape }.`);
    if (data.length % d !== 0) throw new InputError(`${what} has ${data.length} values, not a multiple of the latent size ${d}.`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new InputError(`${what} value ${i} is ${data[i]}; latents must be finite numbers.`);
    }
    return { data, n: data.length / d };
  }

  /** Any ImageInput -> flat NHWC Float32Array of n images, checked (shape, [0, 1]); throws InputError. */
  toImages(images: ImageInput, what = 'images'): { data: Float32Array; n: number } {
    const size = this.imageSize;
    const [h, w, c] = this.imageShape;
    let data: Float32Array;
    if (images instanceof Float32Array) data = images;
    else if (isTensor(images)) {
      const s = images.shape;
      const ok = (s.length === 4 && s[1] === h && s[2] === w && s[3] === c) || (s.length === 3 && s[0] === h && s[1] === w && s[2] === c);
      if (!ok) throw new InputError(`${what} must have shape [N, ${h}, ${w}, ${c}] (NHWC), got [${s.join(', ')}].`);
      data = images.data;
    } else throw new InputError(`${what} must be a Float32Array or { data, shape } of NHWC pixels in [0, 1].`);
    if (data.length === 0 || data.length % size !== 0) {
      throw new InputError(`${what} has ${data.length} values, not a positive multiple of ${h}x${w}x${c} = ${size}.`);
    }
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= 0 && v <= 1)) throw new InputError(`${what} value ${i} is ${v}; pixels must be in [0, 1].`);
    }
    return { data, n: data.length / size };
  }

  // ---- sampling --------------------------------------------------------------------------------

  sampleLatents(n: number, options: SampleOptions = {}): { z: TensorData; seed: number } {
    if (!Number.isInteger(n) || n < 1) throw new InputError(`n must be a positive integer, got ${n}.`);
    const temperature = options.temperature ?? 1;
    if (!Number.isFinite(temperature) || temperature < 0) throw new InputError(`temperature must be a finite number >= 0, got ${temperature}.`);
    const seed = options.seed ?? randomSeed();
    const checked = seedSchema.safeParse(seed);
    if (!checked.success) throw new InputError(`seed ${checked.error.issues[0].message}, got ${seed}.`);
    const z = normals(createRng(seed), n * this.latentDim, temperature);
    return { z: { data: z, shape: [n, this.latentDim] }, seed };
  }

  async sample(n: number, options: SampleOptions = {}): Promise<SampleResult> {
    this.classRows(options, n); // a bad class fails before anything is drawn
    const { z, seed } = this.sampleLatents(n, options);
    const images = await this.decode(z, LatentModelBase.one(options));
    return { z, images, seed };
  }

  async reconstruct(images: ImageInput, options: ClassOptions = {}): Promise<TensorData> {
    const { mean } = await this.encode(images, options);
    return this.decode(mean, options);
  }

  // ---- morphing --------------------------------------------------------------------------------

  /** A single latent from a latent vector or one image (encoded to its mean). */
  protected async latentOf(x: Float32Array | readonly number[] | TensorData, what: string, options: ClassOptions = {}): Promise<Float32Array> {
    const values = isTensor(x) ? x.data : x instanceof Float32Array ? x : Float32Array.from(x as number[]);
    if (values.length === this.latentDim) return this.toLatents(values, what).data;
    if (values.length === this.imageSize) return (await this.encode(values, options)).mean.data;
    throw new InputError(
      `${what} must be one latent (${this.latentDim} numbers) or one image (${this.imageShape.join('x')} = ${this.imageSize} pixels), got ${values.length} values.`,
    );
  }

  async morph(a: Float32Array | readonly number[] | TensorData, b: Float32Array | readonly number[] | TensorData, steps: number, options: MorphOptions = {}): Promise<MorphResult> {
    if (!Number.isInteger(steps) || steps < 2) throw new InputError(`steps must be an integer >= 2, got ${steps}.`);
    if (Array.isArray(options.class)) throw new InputError('morph takes one class for the whole path (a name or index), not a list.');
    this.classRows(options, steps);
    const cls = LatentModelBase.one(options);
    const za = await this.latentOf(a, 'a', cls);
    const zb = await this.latentOf(b, 'b', cls);
    const endpoint = options.endpoint ?? true;
    const interpolation = options.interpolation ?? 'linear';
    if (!INTERPOLATIONS.includes(interpolation)) throw new InputError(`interpolation must be one of ${INTERPOLATIONS.join(', ')}, got ${String(interpolation)}.`);
    const d = this.latentDim;
    const t = new Float64Array(steps);
    for (let i = 0; i < steps; i++) t[i] = endpoint ? i / (steps - 1) : i / steps;
    const zt = { data: interpolate(za, zb, t, interpolation), shape: [steps, d] };
    return { t, z: zt, images: await this.decode(zt, cls) };
  }

  // ---- traversal -------------------------------------------------------------------------------

  async traverse(base: Float32Array | readonly number[] | TensorData, direction: TraverseDirection, options: TraverseOptions = {}): Promise<TraverseResult> {
    const k = options.k ?? 3;
    const steps = options.steps ?? 7;
    if (!(Number.isFinite(k) && k > 0)) throw new InputError(`k must be a finite number > 0 (standard deviations), got ${k}.`);
    if (!Number.isInteger(steps) || steps < 2) throw new InputError(`steps must be an integer >= 2, got ${steps}.`);
    if (Array.isArray(options.class)) throw new InputError('traverse takes one class for the whole path (a name or index), not a list.');
    this.classRows(options, steps);
    const cls = LatentModelBase.one(options);
    const dir = resolveDirection(direction, this.latentDim, this.pca);
    const z0 = await this.latentOf(base, 'base', cls);
    const offsets = traverseOffsets(k, steps);
    const zt = { data: traverseLatents(z0, dir, offsets), shape: [steps, this.latentDim] };
    return { offsets, direction: dir.vector, sd: dir.sd, z: zt, images: await this.decode(zt, cls) };
  }

  // ---- attribute vectors -----------------------------------------------------------------------

  async attributeVector(images: ImageInput, labels: ArrayLike<number | boolean>, options: AttributeVectorOptions = {}): Promise<AttributeVectorResult> {
    const { data, n } = this.toImages(images);
    if (labels.length !== n) throw new InputError(`labels has ${labels.length} entries but there are ${n} images; pass one +1/-1 label per image.`);
    const batchSize = options.batchSize ?? 128;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batchSize must be a positive integer, got ${batchSize}.`);
    const rng = createRng(options.seed ?? 0);
    const order = permutation(rng, n);
    const means = new AttributeMeans(this.latentDim, options.threshold ?? 0.08);
    const size = this.imageSize;
    for (let start = 0; start < n && !means.converged; start += batchSize) {
      const idx = order.subarray(start, Math.min(n, start + batchSize));
      const batch = new Float32Array(idx.length * size);
      idx.forEach((k, i) => batch.set(data.subarray(k * size, (k + 1) * size), i * size));
      const z = await this.sampledLatents(batch, rng);
      means.add(z, (i) => labels[idx[i]]);
    }
    return means.result();
  }

  /** z = mean + exp(logVar / 2) * eps (the VAE's Sampling layer, seeded); the code itself for an AE. */
  async sampledLatents(images: Float32Array, rng: () => number): Promise<Float32Array> {
    const { mean, logVar } = await this.encode(images);
    if (!logVar) return mean.data;
    const eps = normals(rng, mean.data.length);
    const z = new Float32Array(mean.data.length);
    for (let i = 0; i < z.length; i++) z[i] = mean.data[i] + Math.exp(0.5 * logVar.data[i]) * eps[i];
    return z;
  }

  async applyAttribute(z: LatentInput, vector: Float32Array | readonly number[] | string, factors: readonly number[]): Promise<{ z: TensorData; images: TensorData }> {
    const { data, n } = this.toLatents(z);
    let v: Float32Array;
    if (typeof vector === 'string') {
      const stored = Object.hasOwn(this.attributes, vector) ? this.attributes[vector] : undefined;
      if (!stored) throw new InputError(`No attribute vector "${vector}" in this bundle. Known: ${Object.keys(this.attributes).join(', ') || 'none (attributes.json missing)'}.`);
      v = stored;
    } else v = this.toLatents(vector instanceof Float32Array ? vector : Float32Array.from(vector), 'vector').data;
    if (v.length !== this.latentDim) throw new InputError(`vector must be ${this.latentDim} numbers, got ${v.length}.`);
    if (factors.length === 0 || !factors.every(Number.isFinite)) throw new InputError('factors must be a non-empty list of finite numbers.');
    const d = this.latentDim;
    const out = new Float32Array(n * factors.length * d);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < factors.length; f++) {
        const o = (i * factors.length + f) * d;
        for (let j = 0; j < d; j++) out[o + j] = data[i * d + j] + factors[f] * v[j];
      }
    }
    const zt = { data: out, shape: [n * factors.length, d] };
    return { z: zt, images: await this.decode(zt) };
  }

  // ---- grids -----------------------------------------------------------------------------------

  async latentGrid(options: GridOptions = {}): Promise<GridResult> {
    if (this.latentDim !== 2) throw new InputError(`latentGrid needs a 2-d latent space; this model has ${this.latentDim} dimensions.`);
    const size = options.size ?? 10;
    const [lo, hi] = options.range ?? [-2, 2];
    if (!Number.isInteger(size) || size < 1) throw new InputError(`size must be a positive integer, got ${size}.`);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new InputError(`range must be [min, max] with min < max, got [${lo}, ${hi}].`);
    if (Array.isArray(options.class)) throw new InputError('latentGrid takes one class for the whole grid (a name or index), not a list.');
    this.classRows(options, 1);
    const z = new Float32Array(size * size * 2);
    const at = (k: number) => (size === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * k) / (size - 1));
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        z[(r * size + c) * 2] = at(c);
        z[(r * size + c) * 2 + 1] = at(size - 1 - r);
      }
    }
    const zt = { data: z, shape: [size * size, 2] };
    return { z: zt, images: await this.decode(zt, LatentModelBase.one(options)), size };
  }
}

export function isTensor(x: unknown): x is TensorData {
  return typeof x === 'object' && x !== null && 'data' in x && 'shape' in x && (x as TensorData).data instanceof Float32Array;
}
