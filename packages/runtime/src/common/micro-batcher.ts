/**
 * Micro-batching and admission control as a LatentModel around another LatentModel.
 *
 * `microBatched(model, options)` has the model's interface; its `decode` (and so sample, morph,
 * applyAttribute, reconstruct and latentGrid, which all decode through it) queues the rows, and
 * concurrent requests run as ONE session run of the inner model. A batch starts when the queue holds
 * `maxBatch` rows, or `maxWaitMs` after the first queued request, and only one batch runs at a time:
 * what arrives during a run goes out together as soon as it ends. At low load a request waits at most
 * maxWaitMs; at high load batches grow to maxBatch. encode() goes straight to the inner model.
 *
 * The queue is bounded, after Triton's dynamic batcher queue policy (`max_queue_size`, and a queue
 * delay past which requests are rejected), but decided when a request arrives, so a refusal is
 * immediate and costs nothing: past `maxQueueRows` waiting rows, or when the request's expected wait
 * for its decoded rows (what is left of the running batch, the full batches ahead of it, and the run of
 * its own batch, timed with a line a + b x rows fitted to the last 64 batches) exceeds
 * `maxQueueWaitMs`, decode throws OverloadedError. The wait bound also keeps batches to the size that
 * runs within it, so the latency of accepted requests stays near the bound under any load. Refusing a request that has already waited (as a
 * timeout in the queue would) turned out to be worse when the event loop itself is late: measured
 * here under 4x overload, every request then came out of the queue "expired" and nothing was served.
 * `admission(rows)` asks the same question without queuing, so a server can refuse before it even
 * reads a request's body. Without the bounds (the defaults) the queue grows with the load, and so
 * does latency.
 */
import { DisposedError, InputError, OverloadedError } from './errors.ts';
import { LatentModelBase } from './latent-model-base.ts';
import type { ClassOptions, EncodeResult, ImageInput, LatentInput, LatentModel } from './latent-model.ts';
import type { BundleManifest } from './manifest.ts';
import type { LatentPca } from '@latentkit/format';
import type { TensorData } from './tensor-data.ts';

export interface MicroBatchOptions {
  /** Most latent rows in one session run (default 256). A request larger than this runs alone. */
  maxBatch?: number;
  /** Longest a request waits for company when the model is idle, in ms (default 2). */
  maxWaitMs?: number;
  /** Most latent rows waiting (not counting the batch that runs); more throws OverloadedError at once (default unbounded). */
  maxQueueRows?: number;
  /** Most expected wait for a request's decoded rows (queue + its batch's run), ms; a request expected to wait longer throws OverloadedError at once (default unbounded). */
  maxQueueWaitMs?: number;
}

/** One session run of the inner model. */
export interface BatchEvent {
  rows: number;
  requests: number;
  /** Wall time of the inner decode, ms. */
  ms: number;
}

export interface MicroBatchStats {
  batches: number;
  rows: number;
  requests: number;
  rejected: { queue_full: number; queue_wait: number };
}

interface Pending {
  z: Float32Array;
  /** Class index per row (conditional models). */
  labels: Int32Array | undefined;
  rows: number;
  enqueuedAt: number;
  resolve: (images: Float32Array) => void;
  reject: (e: unknown) => void;
}

export class MicroBatchedModel extends LatentModelBase {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly maxQueueRows: number;
  readonly maxQueueWaitMs: number;
  readonly stats: MicroBatchStats = { batches: 0, rows: 0, requests: 0, rejected: { queue_full: 0, queue_wait: 0 } };
  private queue: Pending[] = [];
  private waitingRows = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | null = null;
  private runningRows = 0;
  private runningSince = 0;
  private disposed = false;
  private listeners: ((e: BatchEvent) => void)[] = [];
  /** The last 64 session runs (rows, ms), and the line ms = fixedMs + msPerRow x rows fitted to them. */
  private history: { rows: number; ms: number }[] = [];
  private fixedMs = 0;
  private msPerRow = 0;

  constructor(
    /** The model that runs the batches; disposing this wrapper disposes it. */
    readonly inner: LatentModel,
    options: MicroBatchOptions = {},
  ) {
    super();
    this.maxBatch = positive(options.maxBatch ?? 256, 'maxBatch');
    this.maxWaitMs = nonNegative(options.maxWaitMs ?? 2, 'maxWaitMs');
    this.maxQueueRows = positive(options.maxQueueRows ?? Infinity, 'maxQueueRows');
    this.maxQueueWaitMs = nonNegative(options.maxQueueWaitMs ?? Infinity, 'maxQueueWaitMs');
  }

  get manifest(): BundleManifest {
    return this.inner.manifest;
  }
  get latentDim(): number {
    return this.inner.latentDim;
  }
  get imageShape(): readonly [number, number, number] {
    return this.inner.imageShape;
  }
  get attributes(): Readonly<Record<string, Float32Array>> {
    return this.inner.attributes;
  }
  get provider(): string {
    return this.inner.provider;
  }
  override get pca(): LatentPca | null {
    return this.inner.pca;
  }
  get hasEncoder(): boolean {
    return this.inner.hasEncoder;
  }
  override get classes(): readonly string[] | undefined {
    return this.inner.classes;
  }

  /** Latent rows waiting for a batch (not counting the batch running). */
  get queuedRows(): number {
    return this.waitingRows;
  }
  /** Requests waiting for a batch. */
  get queuedRequests(): number {
    return this.queue.length;
  }

  /** Calls `listener` after every session run (metrics); returns a function that removes it. */
  onBatch(listener: (e: BatchEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Queued decode; throws InputError, OverloadedError (queue bounds) or DisposedError. */
  async decode(z: LatentInput, options: ClassOptions = {}): Promise<TensorData> {
    if (this.disposed) throw new DisposedError();
    const { data, n } = this.toLatents(z);
    if (n === 0) throw new InputError('z has no rows; pass at least one latent vector.');
    const labels = this.classRows(options, n);
    const refusal = this.admission(n);
    if (refusal) {
      this.stats.rejected[refusal.reason === 'queue_full' ? 'queue_full' : 'queue_wait']++;
      throw refusal;
    }
    const images = await new Promise<Float32Array>((resolve, reject) => {
      this.queue.push({ z: data, labels, rows: n, enqueuedAt: performance.now(), resolve, reject });
      this.waitingRows += n;
      this.schedule();
    });
    return { data: images, shape: [n, ...this.imageShape] };
  }

  encode(images: ImageInput, options?: ClassOptions): Promise<EncodeResult> {
    if (this.disposed) return Promise.reject(new DisposedError());
    return this.inner.encode(images, options);
  }

  /** Refuses new work, fails what is still queued with DisposedError, lets the running batch end, disposes the inner model. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const p of this.queue.splice(0)) p.reject(new DisposedError());
    this.waitingRows = 0;
    await this.running;
    await this.inner.dispose();
  }

  /**
   * Would a request of `rows` latent rows be queued now? null if so, else the OverloadedError decode()
   * would throw. A request alone (nothing waiting) is always taken, whatever its size: only company is
   * refused, so a large request cannot be starved.
   */
  admission(rows = 1): OverloadedError | null {
    if (this.waitingRows === 0) return null;
    if (this.waitingRows + rows > this.maxQueueRows) {
      return new OverloadedError('queue_full', this.retryAfterSeconds(), `The server is at capacity: ${this.waitingRows} latent rows are queued (limit ${this.maxQueueRows}). Retry later.`);
    }
    const wait = this.expectedWaitMs(rows);
    if (wait > this.maxQueueWaitMs) {
      return new OverloadedError('queue_wait', this.retryAfterSeconds(), `The server is at capacity: a new request would wait ~${wait.toFixed(0)} ms for the model (limit ${this.maxQueueWaitMs} ms). Retry later.`);
    }
    return null;
  }

  /**
   * Expected ms until a request of `rows` queued now has its images: what is left of the running
   * batch, the full batches ahead of it, and its own batch's run (0 before the first batch is timed).
   */
  expectedWaitMs(rows = 1): number {
    const run = (r: number) => (r > 0 ? this.fixedMs + this.msPerRow * r : 0);
    const left = this.running ? Math.max(0, run(this.runningRows) - (performance.now() - this.runningSince)) : 0;
    const ahead = Math.floor(this.waitingRows / this.maxBatch);
    const own = Math.min(this.maxBatch, (this.waitingRows % this.maxBatch) + rows);
    return left + ahead * run(this.maxBatch) + run(own);
  }

  /** Least-squares line through the recent (rows, ms) runs; a flat history gives a line through 0. */
  private fit(): void {
    const h = this.history;
    const rMean = h.reduce((sum, p) => sum + p.rows, 0) / h.length;
    const mMean = h.reduce((sum, p) => sum + p.ms, 0) / h.length;
    let sxx = 0;
    let sxy = 0;
    for (const p of h) {
      sxx += (p.rows - rMean) ** 2;
      sxy += (p.rows - rMean) * (p.ms - mMean);
    }
    const slope = sxx > 1e-9 ? sxy / sxx : 0;
    const intercept = mMean - slope * rMean;
    if (slope > 0 && intercept >= 0) {
      this.msPerRow = slope;
      this.fixedMs = intercept;
    } else {
      this.msPerRow = mMean / rMean;
      this.fixedMs = 0;
    }
  }

  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.expectedWaitMs() / 1000));
  }

  private schedule(): void {
    if (this.running) return; // the running batch's completion picks the queue up
    if (this.waitingRows >= this.maxBatch || this.maxWaitMs <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running) return;
    if (this.queue.length === 0) return;
    // Take whole requests up to maxBatch rows (always at least one).
    const batch: Pending[] = [];
    let rows = 0;
    while (this.queue.length && (batch.length === 0 || rows + this.queue[0].rows <= this.maxBatch)) {
      const p = this.queue.shift()!;
      batch.push(p);
      rows += p.rows;
    }
    this.waitingRows -= rows;
    this.runningRows = rows;
    this.runningSince = performance.now();
    this.running = this.runBatch(batch, rows);
  }

  private async runBatch(batch: Pending[], rows: number): Promise<void> {
    const t0 = this.runningSince;
    try {
      let z: Float32Array;
      let labels: Int32Array | undefined;
      if (batch.length === 1) ({ z, labels } = batch[0]);
      else {
        z = new Float32Array(rows * this.latentDim);
        labels = batch[0].labels && new Int32Array(rows);
        let o = 0;
        let r = 0;
        for (const p of batch) {
          z.set(p.z, o);
          if (labels && p.labels) labels.set(p.labels, r);
          o += p.z.length;
          r += p.rows;
        }
      }
      // Requests of a conditional model carry a class per row; they are decoded together, each row with its own.
      const images = (await this.inner.decode({ data: z, shape: [rows, this.latentDim] }, labels ? { class: Array.from(labels) } : {})).data;
      const ms = performance.now() - t0;
      this.history.push({ rows, ms });
      if (this.history.length > 64) this.history.shift();
      this.fit();
      const per = images.length / rows;
      let r = 0;
      for (const p of batch) {
        p.resolve(images.subarray(r * per, (r + p.rows) * per));
        r += p.rows;
      }
      this.stats.batches++;
      this.stats.rows += rows;
      this.stats.requests += batch.length;
      for (const l of this.listeners) l({ rows, requests: batch.length, ms });
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.running = null;
      // Whatever arrived during the run has waited already: send it now.
      if (this.queue.length && !this.disposed) this.flush();
    }
  }
}

/** `model` behind a micro-batching, optionally bounded queue (see the file comment). */
export function microBatched(model: LatentModel, options: MicroBatchOptions = {}): MicroBatchedModel {
  return new MicroBatchedModel(model, options);
}

function positive(v: number, name: string): number {
  if (!(v === Infinity || (Number.isInteger(v) && v >= 1))) throw new InputError(`${name} must be a positive integer (or Infinity), got ${v}.`);
  return v;
}

function nonNegative(v: number, name: string): number {
  if (!(v >= 0)) throw new InputError(`${name} must be a number >= 0 (ms), got ${v}.`);
  return v;
}
