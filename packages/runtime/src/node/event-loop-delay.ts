/**
 * How late the event loop runs, for admission control: perf_hooks' monitorEventLoopDelay (a libuv
 * timer every `resolutionMs` that records how late it fired), read and reset every `windowMs`. When the
 * loop is saturated, requests wait in socket buffers before any handler sees them; the model's queue
 * cannot see that wait, this can.
 *
 * The mean delay of a window, not its maximum: a saturated loop makes every tick late (one tick per
 * loop turn, each turn as long as the work it found), while one long pause (a GC, a large JSON answer)
 * makes one tick late among many. And `sustainedMs` is the smaller of the last two windows, so a
 * single slow moment (start-up, a GC) does not refuse requests.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopDelay {
  /** Mean delay over the last complete window, ms. */
  readonly delayMs: number;
  /** The smaller mean of the last two windows, ms: a delay that has lasted. */
  readonly sustainedMs: number;
  stop(): void;
}

export function watchEventLoopDelay(windowMs = 100, resolutionMs = 10): EventLoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let last = 0;
  let previous = 0;
  const timer = setInterval(() => {
    previous = last;
    last = histogram.count > 0 ? histogram.mean / 1e6 : 0;
    histogram.reset();
  }, windowMs);
  timer.unref();
  return {
    get delayMs() {
      return last;
    },
    get sustainedMs() {
      return Math.min(last, previous);
    },
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
