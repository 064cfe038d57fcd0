/** How the train benches time a step function (bench/train-speed.ts, bench/native-sharded.ts). */

export interface StepTiming {
  /** Mean wall ms per measured step. */
  ms: number;
  /** The fastest single step, ms. */
  best: number;
  steps: number;
  /** CPU ms of the whole process (all threads) per step. */
  cpuMsPerStep: number;
}

/** Warm-up steps, then timed steps until at least 3 and `minSeconds` (slow: 1 warm-up, 2 steps). */
export async function timeSteps(step: () => Promise<unknown> | unknown, slow: boolean, minSeconds: number): Promise<StepTiming> {
  for (let i = 0; i < (slow ? 1 : 2); i++) await step();
  let steps = 0;
  let best = Infinity;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (steps < (slow ? 2 : 3) || (!slow && performance.now() - start < minSeconds * 1000)) {
    const t = performance.now();
    await step();
    best = Math.min(best, performance.now() - t);
    steps++;
  }
  const ms = (performance.now() - start) / steps;
  const cpu = process.cpuUsage(cpu0);
  return { ms, best, steps, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps };
}
