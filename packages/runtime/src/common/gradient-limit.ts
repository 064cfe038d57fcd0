/**
 * A concurrency limit adapted from measured latency, after Netflix's concurrency-limits gradient
 * limits (github.com/Netflix/concurrency-limits, `limit/GradientLimit.java` and `Gradient2Limit.java`),
 * platform-free.
 *
 * The limit is how many requests may be in service at once. Every `windowMs` (and at least
 * `windowSamples` samples) the mean service time of the window (`shortRtt`) is compared with a
 * reference, the best recent service time of loaded windows (`referenceRtt`, below):
 *
 *   gradient = clamp(tolerance x referenceRtt / shortRtt, 0.5, 1)
 *   limit'   = limit x gradient + sqrt(limit)                (sqrt(limit): the queue it allows to form)
 *   limit    = clamp((1 - smoothing) x limit + smoothing x limit', minLimit, maxLimit)
 *
 * So while service times stay within `tolerance` of the reference the limit grows by ~sqrt(limit) x
 * smoothing a window, and once requests queue inside the server it shrinks (by up to half a window).
 * At the fixed point gradient = 1 - 1 / sqrt(limit): the limit settles where service times are about
 * `tolerance` times the best seen. As in the original, the limit does not grow while fewer than half
 * of it are in use (an idle server learns nothing about its capacity).
 *
 * The reference: Gradient2 compares with a slow exponential average of shortRtt, which follows a
 * latency that rises with the limit (measured here: under closed-loop overload the limit climbed into
 * the hundreds within a minute and the queue moved inside the model); GradientLimit v1 compares with
 * the minimum and probes it now and then. Here it is the minimum mean of the windows that used at least
 * half the limit, raised by `driftPerSecond` (default 1%/s) while no lower one is seen, so a lasting
 * change of the machine (another process taking a core) is learned within a minute or two, but not the
 * queueing the limit itself causes. Loaded windows only, because behind a micro-batcher an idle
 * server's service time (a batch of one, plus the wait for company) is one no loaded server reaches.
 * And the minimum of the loaded windows averaged over about three windows (`referenceSmoothing`),
 * not of single windows: a 100 ms window holds a few batches, and the luckiest single window sets the
 * reference. Measured (bench/goodput.ts, tolerance 1.3, three and six runs; the reference is in /metrics
 * as latentkit_admission_reference_seconds): single windows gave a reference of 8.5-11.4 ms and a
 * limit of 20-27 under overload, and in two of ten runs a limit of 17-19 that served 83% of the
 * capacity at 64 connections; averaged windows 12.8-17.3 ms and 27-48.
 *
 * Service time here is server-side (admission to answer) and only for answers that did the work, so
 * this signal cannot feed on the server's own refusals.
 */
export interface GradientLimitOptions {
  /** Starting limit (default 16). */
  initial?: number;
  /** Bounds of the limit (defaults 2 and 1024). */
  minLimit?: number;
  maxLimit?: number;
  /**
   * How much service time above the reference is tolerated before the limit shrinks (default 1.3).
   * Measured on the Fashion VAE server with its sessions on a worker thread, paced refusals and the
   * stale bound at half a service time (admission-queue.ts; runtime README, "Holding the targets"),
   * first with single-window references: 1.5 served 113-150% of the capacity at 16 connections with the
   * p99 of the answered 1.7-4.1x the p99 there; 1.4 92-138% at 1.7-3.8x (p99 misses in three runs of
   * seven); 1.3 83-150% at 1.1-2.5x (goodput misses, 83%, in two runs of ten). With the averaged
   * reference (below), 1.3 served 88-135% at 1.1-2.7x, every target met in six runs of six.
   */
  tolerance?: number;
  /** Weight of a window's new estimate (default 0.2). */
  smoothing?: number;
  /** Window length, ms (default 100), and the fewest samples a window needs (default 8). */
  windowMs?: number;
  windowSamples?: number;
  /** How fast the reference rises while no lower window is seen, per second (default 0.01). */
  driftPerSecond?: number;
  /** Weight of a loaded window in the average the reference is the minimum of (default 0.3; 1: single windows). */
  referenceSmoothing?: number;
}

export class GradientLimit {
  private estimate: number;
  readonly minLimit: number;
  readonly maxLimit: number;
  private readonly tolerance: number;
  private readonly smoothing: number;
  private readonly windowMs: number;
  private readonly windowSamples: number;
  private readonly drift: number;
  private reference = 0;
  private referenceAt = 0;
  private readonly referenceSmoothing: number;
  /** Exponential average of the loaded windows' service times, ms (0 before the first). */
  private loadedRtt = 0;
  private windowStart = -1;
  private sum = 0;
  private count = 0;
  private maxInFlight = 0;

  constructor(options: GradientLimitOptions = {}) {
    this.minLimit = options.minLimit ?? 2;
    this.maxLimit = options.maxLimit ?? 1024;
    this.estimate = Math.min(this.maxLimit, Math.max(this.minLimit, options.initial ?? 16));
    this.tolerance = options.tolerance ?? 1.3;
    this.smoothing = options.smoothing ?? 0.2;
    this.windowMs = options.windowMs ?? 100;
    this.windowSamples = options.windowSamples ?? 8;
    this.drift = options.driftPerSecond ?? 0.01;
    this.referenceSmoothing = options.referenceSmoothing ?? 0.3;
    if (!(this.referenceSmoothing > 0 && this.referenceSmoothing <= 1)) throw new RangeError(`referenceSmoothing must be in (0, 1], got ${this.referenceSmoothing}.`);
  }

  /** The current limit (an integer >= minLimit). */
  get limit(): number {
    return Math.floor(this.estimate);
  }

  /** The reference service time, ms (0 before the first window). */
  get referenceRttMs(): number {
    return this.reference;
  }

  /**
   * One finished request: its service time (ms), and how many were in service when it started.
   * `now` is a monotonic clock in ms (performance.now()).
   */
  sample(rttMs: number, inFlight: number, now: number): void {
    if (this.windowStart < 0) this.windowStart = now;
    this.sum += rttMs;
    this.count++;
    if (inFlight > this.maxInFlight) this.maxInFlight = inFlight;
    if (now - this.windowStart < this.windowMs || this.count < this.windowSamples) return;
    const shortRtt = this.sum / this.count;
    const busiest = this.maxInFlight;
    this.windowStart = now;
    this.sum = 0;
    this.count = 0;
    this.maxInFlight = 0;
    this.update(shortRtt, busiest, now);
  }

  private update(shortRtt: number, inFlight: number, now: number): void {
    // Only a window that used at least half the limit says anything about capacity (as in the original)
    // or about the reference (the file comment): the idle reference held the limit at ~12 in service
    // where 64 in service served 1.6x as many (runtime README).
    if (inFlight < this.estimate / 2) return;
    this.loadedRtt = this.loadedRtt === 0 ? shortRtt : this.loadedRtt + this.referenceSmoothing * (shortRtt - this.loadedRtt);
    this.reference = this.reference === 0 ? this.loadedRtt : Math.min(this.loadedRtt, this.reference * (1 + (this.drift * (now - this.referenceAt)) / 1000));
    this.referenceAt = now;
    const gradient = Math.max(0.5, Math.min(1, (this.tolerance * this.reference) / shortRtt));
    const next = this.estimate * gradient + Math.sqrt(this.estimate);
    const smoothed = this.estimate * (1 - this.smoothing) + next * this.smoothing;
    this.estimate = Math.min(this.maxLimit, Math.max(this.minLimit, smoothed));
  }
}
