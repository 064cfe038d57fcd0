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
 * The queue is bounded the way Triton's dynamic batcher queue policy bounds its queue
 * (`max_queue_size`, `default_timeout_microseconds` with `timeout_action: REJECT`): past `maxQueueRows`
 * waiting rows a decode throws OverloadedError('queue_full') at once, and a request that waited longer
 * than `maxQueueWaitMs` before its batch could start throws OverloadedError('queue_timeout') instead of
 * running late. Without the bounds (the defaults) the queue grows with the load, and so does latency.
 */
import { DisposedError, InputError, OverloadedError } from './errors.ts';
import { LatentModelBase } from './latent-model-base.ts';
import type { EncodeResult, ImageInput, LatentInput, LatentModel } from './latent-model.ts';
import type { BundleManifest } from './manifest.ts';
import type { TensorData } from './tensor-data.ts';

export interface MicroBatchOptions {
  /** Most latent rows in one session run (default 256). A request larger than this runs alone. */
  maxBatch?: number;
  /** Longest a request waits for company when the model is idle, in ms (default 2). */
  maxWaitMs?: number;
  /** Most latent rows waiting (not counting the batch that runs); more throws OverloadedError at once (default unbounded). */
  maxQueueRows?: number;
  /** Longest a request may wait for its batch to start, in ms; later it throws OverloadedError (default unbounded). */
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
  rejected: { queue_full: number; queue_timeout: number };
}

interface Pending {
  z: Float32Array;
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
  readonly stats: MicroBatchStats = { batches: 0, rows: 0, requests: 0, rejected: { queue_full: 0, queue_timeout: 0 } };
  private queue: Pending[] = [];
  private waitingRows = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | null = null;
  private disposed = false;
  private listeners: ((e: BatchEvent) => void)[] = [];
  /** Running estimate of decode ms per row (for Retry-After). */
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
  get hasEncoder(): boolean {
    return this.inner.hasEncoder;
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
  async decode(z: LatentInput): Promise<TensorData> {
    if (this.disposed) throw new DisposedError();
    const { data, n } = this.toLatents(z);
    if (n === 0) throw new InputError('z has no rows; pass at least one latent vector.');
    // A request alone in the queue is always taken, whatever its size: only company is refused.
    if (this.waitingRows > 0 && this.waitingRows + n > this.maxQueueRows) {
      this.stats.rejected.queue_full++;
      throw new OverloadedError(
        'queue_full',
        this.retryAfterSeconds(),
        `The server is at capacity: ${this.waitingRows} latent rows are queued (limit ${this.maxQueueRows}). Retry later.`,
      );
    }
    const images = await new Promise<Float32Array>((resolve, reject) => {
      this.queue.push({ z: data, rows: n, enqueuedAt: performance.now(), resolve, reject });
      this.waitingRows += n;
      this.schedule();
    });
    return { data: images, shape: [n, ...this.imageShape] };
  }

  encode(images: ImageInput): Promise<EncodeResult> {
    if (this.disposed) return Promise.reject(new DisposedError());
    return this.inner.encode(images);
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

  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.waitingRows * this.msPerRow) / 1000));
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
    // Requests that waited past maxQueueWaitMs are refused rather than answered late (FIFO: the
    // oldest are in front).
    const now = performance.now();
    while (this.queue.length && now - this.queue[0].enqueuedAt > this.maxQueueWaitMs) {
      const p = this.queue.shift()!;
      this.waitingRows -= p.rows;
      this.stats.rejected.queue_timeout++;
      p.reject(
        new OverloadedError(
          'queue_timeout',
          this.retryAfterSeconds(),
          `The server is at capacity: this request waited ${(now - p.enqueuedAt).toFixed(0)} ms for the model (limit ${this.maxQueueWaitMs} ms). Retry later.`,
        ),
      );
    }
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
    this.running = this.runBatch(batch, rows);
  }

  private async runBatch(batch: Pending[], rows: number): Promise<void> {
    const t0 = performance.now();
    try {
      let z: Float32Array;
      if (batch.length === 1) z = batch[0].z;
      else {
        z = new Float32Array(rows * this.latentDim);
        let o = 0;
        for (const p of batch) {
          z.set(p.z, o);
          o += p.z.length;
        }
      }
      const images = (await this.inner.decode({ data: z, shape: [rows, this.latentDim] })).data;
      const ms = performance.now() - t0;
      this.msPerRow = this.msPerRow === 0 ? ms / rows : 0.8 * this.msPerRow + (0.2 * ms) / rows;
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
