/**
 * How late the event loop runs, for admission control: perf_hooks' monitorEventLoopDelay (a libuv
 * timer every `resolution` ms that records how late it fired), read and reset every `windowMs`. When
 * the loop is saturated, requests wait in socket buffers before any handler sees them; the model's
 * queue cannot see that wait, this can.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopDelay {
  /** Largest delay seen in the last complete window, ms. */
  readonly delayMs: number;
  stop(): void;
}

export function watchEventLoopDelay(windowMs = 100, resolutionMs = 10): EventLoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let delayMs = 0;
  const timer = setInterval(() => {
    delayMs = histogram.count > 0 ? histogram.max / 1e6 : 0;
    histogram.reset();
  }, windowMs);
  timer.unref();
  return {
    get delayMs() {
      return delayMs;
    },
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
