/**
 * Admission in front of the model: at most `limit` requests in service (a GradientLimit adapted from
 * their service times, or a fixed number), the rest wait in a bounded queue that is served FIFO while it
 * keeps draining and LIFO once it stops draining, with waiters past a sojourn bound refused. This is the
 * queue discipline Facebook describes for its Wangle/Folly servers ("Fail at Scale", ACM Queue 2015:
 * "Controlled Delay" after CoDel, plus "Adaptive LIFO"):
 *
 *   - the queue counts as standing when it has not been empty for `intervalMs` (CoDel's interval), or
 *     as soon as it holds more than the limit can serve within that interval (waiting / limit x the
 *     mean service time > intervalMs: a burst that FIFO would make wait longer than the interval
 *     anyway; without this, the first 100 ms of a burst of 1,024 clients were served FIFO, each after
 *     up to 100 ms in the queue, and that tail was the p99 of the whole step);
 *   - not standing: FIFO, and a waiter may wait up to `intervalMs`;
 *   - standing (overload): LIFO, so the newest requests (whose clients are most likely still waiting
 *     and whose answers keep a normal latency) are served first; a waiter older than the stale bound
 *     (by default half the mean service time) is not served (a free slot goes to the next newcomer), and it
 *     is refused once it has waited `overloadTimeoutMs`. The cost: a burst that stops leaves its older
 *     part to be refused at the timeout beside a model that could serve it. Serving stale waiters once
 *     a slot (or the model) had been free for a grace time was tried: in the closed loop the newcomers
 *     of a batch come back a whole answer later, so the grace fired every batch and put waits of
 *     170-750 ms into the answered p99 at 256 and 1,024 connections.
 *
 * The stale rule is ours, not Facebook's: with micro-batching a finished batch frees many slots at
 * once, more than there are fresh waiters, and plain LIFO would then serve requests that have waited
 * nearly the whole overload timeout. Its bound sets the answered p99 under overload (a served request
 * waited at most that long): on the Fashion VAE server 76-94 ms with a fixed 50 ms against 43-59 ms
 * with 15-25 ms (one mean service time), and the median answer halved again (44 -> 21 ms at 64
 * connections) at half a mean service time, with the same goodput: in a closed loop the clients of a
 * finished batch come straight back, so fresh waiters are there when slots free (runtime README, "The
 * last step"). Hence half a mean service time.
 *
 * Why a queue and not an immediate refusal, measured here (bench/goodput.ts, README): closed-loop
 * clients (retrying at once) answered with an immediate 503 come straight back, so the server spends
 * its CPU refusing; a request that waits holds its client, and only the ones that time out cost a
 * refusal. The overload timeout sets that refusal rate (about waiting / overloadTimeoutMs per second)
 * and, with LIFO, does not show in the latency of the requests that are served. Why Facebook's 5 ms
 * is not the default: it is for open-loop traffic; with closed-loop clients it refuses at
 * waiting / 5 ms per second, which is the collapse again.
 *
 * The refusal rate is bounded too: while the queue stands, the overload timeout stretches to
 * waiting / `maxRefusalsPerSecond` (up to `maxOverloadTimeoutMs`), so however many clients wait, they
 * are refused at most about that fast. Measured (bench/goodput.ts, issue 21): a refusal costs the
 * server ~0.05-0.08 ms of CPU and a closed-loop client ~0.03 ms more, and at 1,024 connections with a
 * fixed 500 ms timeout the queue refused ~1,900 requests/s, ~0.2 of the 2 cores the model needs: the
 * 64x level then served 79-91% of capacity from run to run. With 500/s (the default) that share is
 * ~0.05 of a core; below ~250 waiters (~16x here) nothing changes.
 *
 * And the refusals are paced: at most maxRefusalsPerSecond x the time since the last expiry tick per
 * tick (a token bucket holding at most 50 ms of refusals), the rest refused at the following ticks. A
 * closed loop keeps its clients in step: 1,024 requests that arrive in the same instant (the load's
 * start, or the answers of one batch) time out in the same tick, come back in the same instant, and
 * are read and queued in one event-loop turn; measured on the Fashion VAE server at 1,024 connections,
 * that wave returned every 2 s (the stretched timeout) and each time put the p99 of that half second's
 * answers at 75-145 ms against 31-50 ms between waves.
 *
 * Platform-free: `enter` takes callbacks (no promise, no allocation beyond the waiter on the fast path).
 */
import { GradientLimit } from './gradient-limit.ts';

export type AdmissionRefusal = 'queue_full' | 'queue_timeout';

export interface AdmissionQueueOptions {
  /** A fixed number of requests in service, or an adaptive limit (default: new GradientLimit()). */
  limit?: number | GradientLimit;
  /** Most requests waiting; past it a request is refused at once (`queue_full`, default 4096). */
  maxWaiting?: number;
  /** CoDel's interval, ms: the queue counts as standing after this long without being empty; also the longest FIFO wait (default 100). */
  intervalMs?: number;
  /** Longest wait while the queue is standing, ms (served LIFO meanwhile; default 500), unless the refusal-rate bound stretches it. */
  overloadTimeoutMs?: number;
  /** While the queue stands, the timeout stretches to waiting / this, so refusals come at most this fast, per second (default 500; Infinity: never stretch). */
  maxRefusalsPerSecond?: number;
  /** The most the timeout stretches to, ms (default 4000). */
  maxOverloadTimeoutMs?: number;
  /**
   * While the queue stands, waiters older than this are not served, only refused at the timeout, ms
   * (default: half the mean service time of recent requests, at least 5 ms; 50 ms before the first).
   */
  staleMs?: number;
  /** Monotonic clock in ms (default performance.now). */
  now?: () => number;
}

interface Waiter {
  since: number;
  admit: (release: (measured?: boolean) => void) => void;
  refuse: (reason: AdmissionRefusal) => void;
}

export interface AdmissionStats {
  admitted: number;
  refused: Record<AdmissionRefusal, number>;
  /** Served from the top of the stack because the queue was standing. */
  lifo: number;
}

export class AdmissionQueue {
  readonly maxWaiting: number;
  readonly intervalMs: number;
  readonly overloadTimeoutMs: number;
  readonly maxRefusalsPerSecond: number;
  readonly maxOverloadTimeoutMs: number;
  /** The stale bound given, if any (else staleBoundMs follows the mean service time). */
  readonly staleMs: number | undefined;
  readonly stats: AdmissionStats = { admitted: 0, refused: { queue_full: 0, queue_timeout: 0 }, lifo: 0 };
  private readonly adaptive: GradientLimit | null;
  private readonly fixed: number;
  private readonly now: () => number;
  private inService = 0;
  private waiters: (Waiter | undefined)[] = [];
  private head = 0;
  private lastEmpty: number;
  /** Mean service time of recent requests (an exponential average), ms; 0 before the first. */
  private serviceMs = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Refusals the pacing allows now (a token bucket refilled at maxRefusalsPerSecond), and when it was last refilled. */
  private refusalTokens = 0;
  private refilledAt: number;

  constructor(options: AdmissionQueueOptions = {}) {
    const limit = options.limit ?? new GradientLimit();
    this.adaptive = typeof limit === 'number' ? null : limit;
    this.fixed = typeof limit === 'number' ? limit : 0;
    if (typeof limit === 'number' && !(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`limit must be an integer >= 1 or a GradientLimit, got ${limit}.`);
    this.maxWaiting = options.maxWaiting ?? 4096;
    this.intervalMs = options.intervalMs ?? 100;
    this.overloadTimeoutMs = options.overloadTimeoutMs ?? 500;
    this.maxRefusalsPerSecond = options.maxRefusalsPerSecond ?? 500;
    this.maxOverloadTimeoutMs = Math.max(this.overloadTimeoutMs, options.maxOverloadTimeoutMs ?? 4000);
    if (!(this.maxRefusalsPerSecond > 0)) throw new RangeError(`maxRefusalsPerSecond must be > 0, got ${this.maxRefusalsPerSecond}.`);
    this.staleMs = options.staleMs;
    this.now = options.now ?? (() => performance.now());
    this.lastEmpty = this.now();
    this.refilledAt = this.lastEmpty;
  }

  /** Requests allowed in service now. */
  get limit(): number {
    return this.adaptive ? this.adaptive.limit : this.fixed;
  }
  /** Requests in service (admitted, not yet released). */
  get running(): number {
    return this.inService;
  }
  /** Requests waiting. */
  get waiting(): number {
    return this.waiters.length - this.head;
  }
  /** The longest a waiter may wait now while the queue stands, ms: overloadTimeoutMs stretched by the refusal-rate bound. */
  get currentOverloadTimeoutMs(): number {
    return Math.min(this.maxOverloadTimeoutMs, Math.max(this.overloadTimeoutMs, (1000 * this.waiting) / this.maxRefusalsPerSecond));
  }
  /** Waiters older than this are not served while the queue stands, ms (see AdmissionQueueOptions.staleMs). */
  get staleBoundMs(): number {
    if (this.staleMs !== undefined) return this.staleMs;
    return this.serviceMs === 0 ? 50 : Math.max(5, 0.5 * this.serviceMs);
  }
  /** True while the queue has not been empty for intervalMs, or holds more than the limit serves in that time (served LIFO, overload timeout). */
  get standing(): boolean {
    const waiting = this.waiting;
    if (waiting === 0) return false;
    return this.now() - this.lastEmpty > this.intervalMs || (this.serviceMs * waiting) / Math.max(1, this.limit) > this.intervalMs;
  }

  /**
   * Admits at once when under the limit, else queues. Exactly one of `admit` (with the function that
   * ends the request's service: call it once, when its answer is ready; `measured` false for an answer
   * whose time says nothing about capacity, e.g. an error, as Netflix's limiter ignores those) and
   * `refuse` is called, now or later.
   */
  enter(admit: (release: (measured?: boolean) => void) => void, refuse: (reason: AdmissionRefusal) => void): void {
    // A free slot with waiters left means they are stale (next() serves everything else): the newcomer goes first.
    if (this.inService < this.limit) {
      this.start({ since: this.now(), admit, refuse });
      return;
    }
    if (this.waiting >= this.maxWaiting) {
      this.stats.refused.queue_full++;
      refuse('queue_full');
      return;
    }
    if (this.waiting === 0) this.lastEmpty = this.now();
    this.waiters.push({ since: this.now(), admit, refuse });
    this.timer ??= setInterval(() => this.expire(), Math.max(5, Math.min(25, this.intervalMs / 4)));
    // A timer must not keep a process alive by itself (hosts without a server, tests).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Refuses every waiter (shutdown) and stops the timer. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.waiting > 0) this.take(false)!.refuse('queue_timeout');
  }

  private start(w: Waiter): void {
    this.inService++;
    this.stats.admitted++;
    const started = this.now();
    const concurrent = this.inService;
    let released = false;
    w.admit((measured = true) => {
      if (released) return;
      released = true;
      this.inService--;
      const t = this.now();
      if (measured) {
        this.adaptive?.sample(t - started, concurrent, t);
        this.serviceMs = this.serviceMs === 0 ? t - started : 0.9 * this.serviceMs + 0.1 * (t - started);
      }
      this.next();
    });
  }

  private next(): void {
    while (this.inService < this.limit && this.waiting > 0) {
      const lifo = this.standing;
      if (lifo && this.now() - this.waiters[this.waiters.length - 1]!.since > this.staleBoundMs) return;
      const w = this.take(lifo)!;
      if (lifo) this.stats.lifo++;
      if (this.waiting === 0) this.lastEmpty = this.now();
      this.start(w);
    }
  }

  private take(fromTop: boolean): Waiter | undefined {
    let w: Waiter | undefined;
    if (fromTop) w = this.waiters.pop();
    else {
      w = this.waiters[this.head];
      this.waiters[this.head++] = undefined;
    }
    if (this.head === this.waiters.length) {
      this.waiters = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
    return w;
  }

  /** Refuses the waiters that have waited too long (the oldest sit at the head). */
  private expire(): void {
    const t = this.now();
    const standing = this.standing;
    const bound = standing ? this.currentOverloadTimeoutMs : this.intervalMs;
    // Paced while standing (the file comment): the bucket holds at most 50 ms of refusals.
    const paced = standing && Number.isFinite(this.maxRefusalsPerSecond);
    if (paced) {
      const rate = this.maxRefusalsPerSecond / 1000;
      this.refusalTokens = Math.min(Math.max(1, 50 * rate), this.refusalTokens + (t - this.refilledAt) * rate);
    }
    this.refilledAt = t;
    while (this.waiting > 0 && t - this.waiters[this.head]!.since > bound) {
      if (paced) {
        if (this.refusalTokens < 1) break;
        this.refusalTokens--;
      }
      this.stats.refused.queue_timeout++;
      this.take(false)!.refuse('queue_timeout');
    }
    if (this.waiting === 0) {
      this.lastEmpty = t;
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
