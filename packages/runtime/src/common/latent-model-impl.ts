/**
 * The LatentModel class: the session calls (decode, encode) over registered backends (src/node,
 * src/web) and bundles from bundle.ts; everything built on them (sampling, morph, attribute vectors,
 * grids) is inherited from LatentModelBase. Platform-free.
 */
import { currentPlatform, type SessionHandle } from './backend.ts';
import { loadBundle, type BundleSource, type LoadedBundle } from './bundle.ts';
import { deviceToExecutionProviders } from './device.ts';
import { DisposedError, InputError } from './errors.ts';
import { createSession } from './session-factory.ts';
import { LatentModelBase } from './latent-model-base.ts';
import type { TensorData } from './tensor-data.ts';
import type { BundleManifest } from './manifest.ts';
import type { LatentPca } from '@latentkit/format';
import type { ClassOptions, EncodeResult, ImageInput, LatentInput, LoadOptions } from './latent-model.ts';
import { oneHot } from './classes.ts';

/** A conditional model's one-hot class input (@latentkit/export LABEL_INPUT). */
const LABEL_INPUT = 'label';

const DEFAULT_MAX_SESSION_BATCH = 256;

export class LatentModelImpl extends LatentModelBase {
  readonly manifest: BundleManifest;
  readonly latentDim: number;
  readonly imageShape: readonly [number, number, number];
  readonly attributes: Readonly<Record<string, Float32Array>>;
  private readonly latentPca: LatentPca | null;
  private decoder: SessionHandle | null;
  private encoder: SessionHandle | null;
  private readonly maxSessionBatch: number;
  private readonly decoderInput: string;
  private readonly decoderOutput: string;
  /** Exported with `--layout nchw`: image tensors cross the session boundary as [N, C, H, W]. */
  private readonly nchw: boolean;

  private constructor(bundle: LoadedBundle, decoder: SessionHandle, encoder: SessionHandle | null, options: LoadOptions) {
    super();
    this.manifest = bundle.manifest;
    this.latentDim = bundle.manifest.latentDim;
    this.imageShape = [...bundle.manifest.imageShape] as [number, number, number];
    this.attributes = Object.freeze({ ...bundle.attributes });
    this.latentPca = bundle.latents?.pca ?? null;
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

  override get pca(): LatentPca | null {
    return this.latentPca;
  }

  get hasEncoder(): boolean {
    return this.encoder !== null;
  }

  // ---- session calls -------------------------------------------------------------------------

  /** The one-hot label feed of rows [start, start + m) for a conditional model's session; {} otherwise. */
  private labelFeed(rows: Int32Array | undefined, start: number, m: number): Record<string, TensorData> {
    if (!rows) return {};
    const k = this.classes!.length;
    return { [LABEL_INPUT]: { data: oneHot(rows.subarray(start, start + m), k), shape: [m, k] } };
  }

  async decode(z: LatentInput, options: ClassOptions = {}): Promise<TensorData> {
    const session = this.live(this.decoder);
    const { data, n } = this.toLatents(z);
    if (n === 0) throw new InputError('z has no rows; pass at least one latent vector.');
    const rows = this.classRows(options, n);
    const d = this.latentDim;
    const size = this.imageSize;
    if (n <= this.maxSessionBatch) {
      const out = await session.run({ [this.decoderInput]: { data, shape: [n, d] }, ...this.labelFeed(rows, 0, n) });
      return { data: this.relayout(this.checkImages(out[this.decoderOutput], n).data, n, false), shape: [n, ...this.imageShape] };
    }
    const result = new Float32Array(n * size);
    for (let start = 0; start < n; start += this.maxSessionBatch) {
      const m = Math.min(this.maxSessionBatch, n - start);
      const out = await session.run({ [this.decoderInput]: { data: data.subarray(start * d, (start + m) * d), shape: [m, d] }, ...this.labelFeed(rows, start, m) });
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

  async encode(images: ImageInput, options: ClassOptions = {}): Promise<EncodeResult> {
    const session = this.live(this.encoder, 'encode');
    const { data, n } = this.toImages(images);
    const rows = this.classRows(options, n);
    const d = this.latentDim;
    const mean = new Float32Array(n * d);
    const logVar = session.outputNames.includes('z_log_var') ? new Float32Array(n * d) : null;
    const meanName = session.outputNames.includes('z_mean') ? 'z_mean' : session.outputNames.includes('z') ? 'z' : session.outputNames[0];
    const fetches = logVar ? [meanName, 'z_log_var'] : [meanName];
    const input = session.inputNames.includes('image') ? 'image' : session.inputNames[0];
    for (let start = 0; start < n; start += this.maxSessionBatch) {
      const m = Math.min(this.maxSessionBatch, n - start);
      const pixels = this.relayout(data.subarray(start * this.imageSize, (start + m) * this.imageSize), m, true);
      const feeds: Record<string, TensorData> = { [input]: { data: pixels, shape: [m, ...this.sessionImageShape] }, ...this.labelFeed(rows, start, m) };
      // A VAE encoder exported by @latentkit/export also requires the Sampling noise `epsilon`
      // [batch, latentDim] (it has no default); mean and log-variance do not depend on it, so any
      // values serve, and zeros are fed.
      for (const name of session.inputNames) if (!(name in feeds)) feeds[name] = { data: new Float32Array(m * d), shape: [m, d] };
      const out = await session.run(feeds, fetches);
      const mOut = out[meanName];
      if (!mOut || mOut.data.length !== m * d) throw new Error(`encoder.onnx output "${meanName}" has shape [${mOut?.shape.join(', ')}]; expected [${m}, ${d}].`);
      mean.set(mOut.data, start * d);
      if (logVar) logVar.set(out['z_log_var'].data, start * d);
    }
    return { mean: { data: mean, shape: [n, d] }, logVar: logVar ? { data: logVar, shape: [n, d] } : null };
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
