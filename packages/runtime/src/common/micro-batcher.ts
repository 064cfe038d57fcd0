/**
 * Micro-batching: concurrent decode requests are queued and run as ONE session run.
 * A batch starts when the queue holds `maxBatch` rows, or `maxWaitMs` after the first queued request,
 * and only one batch runs at a time: while it runs, new requests pile up and go out together as soon
 * as it ends. At low load a request waits at most maxWaitMs; at high load batches grow to maxBatch.
 */
export interface MicroBatcherOptions {
  /** Most latent rows in one session run (default 256). A request larger than this runs alone. */
  maxBatch?: number;
  /** Longest a request waits for company when the session is idle (default 2 ms). */
  maxWaitMs?: number;
}

interface Pending {
  z: Float32Array;
  rows: number;
  resolve: (images: Float32Array) => void;
  reject: (e: unknown) => void;
}

export interface BatchStats {
  batches: number;
  rows: number;
  requests: number;
}

export class MicroBatcher {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  readonly stats: BatchStats = { batches: 0, rows: 0, requests: 0 };
  /** Called after each batch with its row count (metrics). */
  onBatch?: (rows: number, requests: number) => void;

  constructor(
    /** Decodes rows x latentDim latents into rows x imageSize pixels. */
    private readonly run: (z: Float32Array, rows: number) => Promise<Float32Array>,
    private readonly latentDim: number,
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxWaitMs = options.maxWaitMs ?? 2;
  }

  decode(z: Float32Array): Promise<Float32Array> {
    const rows = z.length / this.latentDim;
    return new Promise((resolve, reject) => {
      this.queue.push({ z, rows, resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Requests waiting for a batch. */
  get queued(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.running) return; // the running batch's completion picks the queue up
    if (this.queuedRows >= this.maxBatch || this.maxWaitMs <= 0) {
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
    if (this.running || this.queue.length === 0) return;
    // Take whole requests up to maxBatch rows (always at least one).
    const batch: Pending[] = [];
    let rows = 0;
    while (this.queue.length && (batch.length === 0 || rows + this.queue[0].rows <= this.maxBatch)) {
      const p = this.queue.shift()!;
      batch.push(p);
      rows += p.rows;
    }
    this.queuedRows -= rows;
    this.running = true;
    void this.runBatch(batch, rows);
  }

  private async runBatch(batch: Pending[], rows: number): Promise<void> {
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
      const images = await this.run(z, rows);
      const per = images.length / rows;
      let r = 0;
      for (const p of batch) {
        p.resolve(images.subarray(r * per, (r + p.rows) * per));
        r += p.rows;
      }
      this.stats.batches++;
      this.stats.rows += rows;
      this.stats.requests += batch.length;
      this.onBatch?.(rows, batch.length);
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.running = false;
      // Whatever arrived during the run has waited already: send it now.
      if (this.queue.length) this.flush();
    }
  }
}
