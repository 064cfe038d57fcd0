/**
 * One model call at a time (onnxruntime-web refuses a second run on a session while one is in
 * flight: "Session already started"), with two priorities: interactive calls (pointer, sliders,
 * samples) run before queued background calls (the grid, the morph strip). On a software WebGPU
 * adapter a 144-image grid takes seconds; the pointer must not wait behind it.
 */
export type Priority = 'interactive' | 'background';

export class RunQueue {
  private readonly queues: Record<Priority, (() => Promise<void>)[]> = { interactive: [], background: [] };
  private running = false;

  run<T>(job: () => Promise<T>, priority: Priority = 'interactive'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queues[priority].push(() => job().then(resolve, reject));
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (;;) {
      const next = this.queues.interactive.shift() ?? this.queues.background.shift();
      if (!next) break;
      await next();
    }
    this.running = false;
  }
}
