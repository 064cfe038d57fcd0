/**
 * The LatentModel class. Everything here is platform-free: sessions come from registered backends
 * (src/node, src/web), bundles from bundle.ts.
 */
import { currentPlatform, type SessionHandle } from './backend.ts';
import { loadBundle, type BundleSource, type LoadedBundle } from './bundle.ts';
import { deviceToExecutionProviders } from './device.ts';
import { DisposedError, InputError } from './errors.ts';
import { createSession } from './session-factory.ts';
import { AttributeMeans } from './attribute-vector.ts';
import { createRng, normals, permutation } from '@latentkit/format';
import type { TensorData } from './tensor-data.ts';
import type { BundleManifest } from './manifest.ts';
import type {
  AttributeVectorOptions,
  AttributeVectorResult,
  EncodeResult,
  GridOptions,
  GridResult,
  ImageInput,
  LatentInput,
  LatentModel,
  LoadOptions,
  MorphOptions,
  MorphResult,
  SampleOptions,
  SampleResult,
} from './latent-model.ts';

const DEFAULT_MAX_SESSION_BATCH = 256;

export class LatentModelImpl implements LatentModel {
  readonly manifest: BundleManifest;
  readonly latentDim: number;
  readonly imageShape: readonly [number, number, number];
  readonly attributes: Readonly<Record<string, Float32Array>>;
  private decoder: SessionHandle | null;
  private encoder: SessionHandle | null;
  private readonly maxSessionBatch: number;
  private readonly decoderInput: string;
  private readonly decoderOutput: string;
  /** Exported with `--layout nchw`: image tensors cross the session boundary as [N, C, H, W]. */
  private readonly nchw: boolean;

  private constructor(bundle: LoadedBundle, decoder: SessionHandle, encoder: SessionHandle | null, options: LoadOptions) {
    this.manifest = bundle.manifest;
    this.latentDim = bundle.manifest.latentDim;
    this.imageShape = [...bundle.manifest.imageShape] as [number, number, number];
    this.attributes = Object.freeze({ ...bundle.attributes });
    this.decoder = decoder;
    this.encoder = encoder;
    this.maxSessionBatch = options.maxSessionBatch ?? DEFAULT_MAX_SESSION_BATCH;
    this.decoderInput = decoder.inputNames.includes('z') ? 'z' : decoder.inputNames[0];
    this.decoderOutput = decoder.outputNames.includes('image') ? 'image' : decoder.outputNames[0];
    this.nchw = String(bundle.manifest.onnx?.layout ?? 'nhwc').toLowerCase() === 'nchw';
  }

  /** [n, H, W, C] <-> [n, C, H, W]; a no-op for 1-channel images and NHWC bundles. */
  private relayout(data: Float32Array, n: number, toNchw: boolean): Float32Array {
    const [h, w, c] = this.imageShape;
    if (!this.nchw || c === 1) return data;
    const out = new Float32Array(data.length);
    const hw = h * w;
    for (let b = 0; b < n; b++) {
      const o = b * hw * c;
      for (let p = 0; p < hw; p++) {
        for (let k = 0; k < c; k++) {
          if (toNchw) out[o + k * hw + p] = data[o + p * c + k];
          else out[o + p * c + k] = data[o + k * hw + p];
        }
      }
    }
    return out;
  }

  private get sessionImageShape(): number[] {
    const [h, w, c] = this.imageShape;
    return this.nchw ? [c, h, w] : [h, w, c];
  }

  /** Load a bundle: a folder path (Node), a URL, or in-memory files { 'manifest.json', 'decoder.onnx', ... }. */
  static async load(source: BundleSource, options: LoadOptions = {}): Promise<LatentModelImpl> {
    const providers = deviceToExecutionProviders(options.device ?? 'auto', currentPlatform());
    if (options.maxSessionBatch !== undefined && !(Number.isInteger(options.maxSessionBatch) && options.maxSessionBatch > 0)) {
      throw new InputError(`maxSessionBatch must be a positive integer, got ${options.maxSessionBatch}.`);
    }
    const bundle = await loadBundle(source);
    const decoder = await createSession(bundle.decoder, providers, 'decoder');
    let encoder: SessionHandle | null = null;
    try {
      // The encoder goes where the decoder went: a provider that failed is not retried.
      if (bundle.encoder) encoder = await createSession(bundle.encoder, providers.slice(providers.indexOf(decoder.provider)), 'encoder');
    } catch (e) {
      await decoder.release();
      throw e;
    }
    return new LatentModelImpl(bundle, decoder, encoder, options);
  }

  get provider(): string {
    return this.decoder?.provider ?? 'disposed';
  }

  get hasEncoder(): boolean {
    return this.encoder !== null;
  }

  private get imageSize(): number {
    return this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
  }

  // ---- input normalisation -------------------------------------------------------------------

  /** Any LatentInput -> flat Float32Array of rows x latentDim, checked. */
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

  // ---- core ------------------------------------------------------------------------------------

  sampleLatents(n: number, options: SampleOptions = {}): { z: TensorData; seed: number } {
    if (!Number.isInteger(n) || n < 1) throw new InputError(`n must be a positive integer, got ${n}.`);
    const temperature = options.temperature ?? 1;
    if (!Number.isFinite(temperature) || temperature < 0) throw new InputError(`temperature must be a finite number >= 0, got ${temperature}.`);
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed)) throw new InputError(`seed must be an integer, got ${seed}.`);
    const z = normals(createRng(seed), n * this.latentDim, temperature);
    return { z: { data: z, shape: [n, this.latentDim] }, seed };
  }

  async sample(n: number, options: SampleOptions = {}): Promise<SampleResult> {
    const { z, seed } = this.sampleLatents(n, options);
    const images = await this.decode(z);
    return { z, images, seed };
  }

  async decode(z: LatentInput): Promise<TensorData> {
    const session = this.live(this.decoder);
    const { data, n } = this.toLatents(z);
    if (n === 0) throw new InputError('z has no rows; pass at least one latent vector.');
    const d = this.latentDim;
    const size = this.imageSize;
    if (n <= this.maxSessionBatch) {
      const out = await session.run({ [this.decoderInput]: { data, shape: [n, d] } });
      return { data: this.relayout(this.checkImages(out[this.decoderOutput], n).data, n, false), shape: [n, ...this.imageShape] };
    }
    const result = new Float32Array(n * size);
    for (let start = 0; start < n; start += this.maxSessionBatch) {
      const m = Math.min(this.maxSessionBatch, n - start);
      const out = await session.run({ [this.decoderInput]: { data: data.subarray(start * d, (start + m) * d), shape: [m, d] } });
      result.set(this.relayout(this.checkImages(out[this.decoderOutput], m).data, m, false), start * size);
    }
    return { data: result, shape: [n, ...this.imageShape] };
  }

  private checkImages(t: TensorData | undefined, n: number): TensorData {
    if (!t || t.data.length !== n * this.imageSize) {
      throw new Error(`decoder.onnx returned ${t ? `shape [${t.shape.join(', ')}]` : 'no image output'}; expected [${n}, ${this.imageShape.join(', ')}]. The bundle's manifest and model disagree.`);
    }
    return t;
  }

  async encode(images: ImageInput): Promise<EncodeResult> {
    const session = this.live(this.encoder, 'encode');
    const { data, n } = this.toImages(images);
    const d = this.latentDim;
    const mean = new Float32Array(n * d);
    const logVar = session.outputNames.includes('z_log_var') ? new Float32Array(n * d) : null;
    const meanName = session.outputNames.includes('z_mean') ? 'z_mean' : session.outputNames.includes('z') ? 'z' : session.outputNames[0];
    const fetches = logVar ? [meanName, 'z_log_var'] : [meanName];
    const input = session.inputNames.includes('image') ? 'image' : session.inputNames[0];
    for (let start = 0; start < n; start += this.maxSessionBatch) {
      const m = Math.min(this.maxSessionBatch, n - start);
      const pixels = this.relayout(data.subarray(start * this.imageSize, (start + m) * this.imageSize), m, true);
      const feeds: Record<string, TensorData> = { [input]: { data: pixels, shape: [m, ...this.sessionImageShape] } };
      // A VAE encoder exported by @latentkit/export also requires the Sampling noise `epsilon`
      // [batch, latentDim] (it has no default); mean and log-variance do not depend on it, so any
      // values serve, and zeros are fed.
      for (const name of session.inputNames) if (name !== input) feeds[name] = { data: new Float32Array(m * d), shape: [m, d] };
      const out = await session.run(feeds, fetches);
      const mOut = out[meanName];
      if (!mOut || mOut.data.length !== m * d) throw new Error(`encoder.onnx output "${meanName}" has shape [${mOut?.shape.join(', ')}]; expected [${m}, ${d}].`);
      mean.set(mOut.data, start * d);
      if (logVar) logVar.set(out['z_log_var'].data, start * d);
    }
    return { mean: { data: mean, shape: [n, d] }, logVar: logVar ? { data: logVar, shape: [n, d] } : null };
  }

  async reconstruct(images: ImageInput): Promise<TensorData> {
    const { mean } = await this.encode(images);
    return this.decode(mean);
  }

  /** A single latent from a latent vector or one image (encoded to its mean). */
  private async latentOf(x: Float32Array | readonly number[] | TensorData, what: string): Promise<Float32Array> {
    const values = isTensor(x) ? x.data : x instanceof Float32Array ? x : Float32Array.from(x as number[]);
    if (values.length === this.latentDim) return this.toLatents(values, what).data;
    if (values.length === this.imageSize) return (await this.encode(values)).mean.data;
    throw new InputError(
      `${what} must be one latent (${this.latentDim} numbers) or one image (${this.imageShape.join('x')} = ${this.imageSize} pixels), got ${values.length} values.`,
    );
  }

  async morph(a: Float32Array | readonly number[] | TensorData, b: Float32Array | readonly number[] | TensorData, steps: number, options: MorphOptions = {}): Promise<MorphResult> {
    if (!Number.isInteger(steps) || steps < 2) throw new InputError(`steps must be an integer >= 2, got ${steps}.`);
    const za = await this.latentOf(a, 'a');
    const zb = await this.latentOf(b, 'b');
    const endpoint = options.endpoint ?? true;
    const d = this.latentDim;
    const t = new Float32Array(steps);
    const z = new Float32Array(steps * d);
    for (let i = 0; i < steps; i++) {
      t[i] = endpoint ? i / (steps - 1) : i / steps;
      for (let j = 0; j < d; j++) z[i * d + j] = za[j] * (1 - t[i]) + zb[j] * t[i];
    }
    const zt = { data: z, shape: [steps, d] };
    return { t, z: zt, images: await this.decode(zt) };
  }

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
      const stored = this.attributes[vector];
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

  async latentGrid(options: GridOptions = {}): Promise<GridResult> {
    if (this.latentDim !== 2) throw new InputError(`latentGrid needs a 2-d latent space; this model has ${this.latentDim} dimensions.`);
    const size = options.size ?? 10;
    const [lo, hi] = options.range ?? [-2, 2];
    if (!Number.isInteger(size) || size < 1) throw new InputError(`size must be a positive integer, got ${size}.`);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new InputError(`range must be [min, max] with min < max, got [${lo}, ${hi}].`);
    const z = new Float32Array(size * size * 2);
    const at = (k: number) => (size === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * k) / (size - 1));
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        z[(r * size + c) * 2] = at(c);
        z[(r * size + c) * 2 + 1] = at(size - 1 - r);
      }
    }
    const zt = { data: z, shape: [size * size, 2] };
    return { z: zt, images: await this.decode(zt), size };
  }

  async dispose(): Promise<void> {
    const sessions = [this.decoder, this.encoder];
    this.decoder = null;
    this.encoder = null;
    await Promise.all(sessions.map((s) => s?.release()));
  }

  private live(session: SessionHandle | null, what?: 'encode'): SessionHandle {
    if (session) return session;
    if (this.decoder === null) throw new DisposedError();
    throw new InputError(`This bundle has no encoder.onnx, so ${what} is not available. Re-export the run with its encoder.`);
  }
}

function isTensor(x: unknown): x is TensorData {
  return typeof x === 'object' && x !== null && 'data' in x && 'shape' in x && (x as TensorData).data instanceof Float32Array;
}

