/**
 * Load test of the real server on 127.0.0.1 (autocannon): samples/s and latency p50/p99 for
 * 1-image PNG and 64-image JSON sampling, with and without micro-batching (the baseline, measured in
 * the same run), then p99 at half the target rate. Target (issue 4): >= 5,000 decoded Fashion
 * samples/s on 2 cores, p99 < 25 ms at half that rate.
 *
 * Then goodput under closed-loop overload (bench/goodput.ts: 4x, 16x and 64x the saturating connections,
 * in this process, with sessions on the main thread and the first admission design as the baselines), and the open-loop overload
 * test of admission control (bench/overload.ts: 4x capacity for 30 s with wrk, skipped without wrk).
 *
 *   pnpm bench [--run runs/NAME] [--seconds 6] [--threads 1,2] [--overload-seconds 30]
 * Each server configuration runs with onnxruntime intra-op threads 1 and 2: on a shared 2-core box
 * one thread often wins (the event loop and the load generator need the other core).
 * Without --run it serves a freshly initialised Fashion VAE (same graph and cost as a trained one).
 */
import autocannon from 'autocannon';
import { Command } from 'commander';
import { availableParallelism, loadavg } from 'node:os';
import { makeBundle } from '../test/fixtures.ts';
import { startServer, type RunningServer } from '../test/server.ts';
import { LatentModel, env } from '../src/node/index.ts';
import { overloadBench } from './overload.ts';
import { goodputBench } from './goodput.ts';

const opts = new Command('bench')
  .option('--run <path>', 'bundle to serve (default: a fresh Fashion VAE fixture)')
  .option('--seconds <n>', 'seconds per load run', (v) => Number(v), 6)
  .option('--threads <list>', 'onnxruntime intra-op thread counts to try (0 = onnxruntime default)', (v) => v.split(',').map(Number), [1, 2])
  .option('--overload-seconds <n>', 'seconds at 4x capacity in the overload test (0 = skip it)', (v) => Number(v), 30)
  .option('--goodput-seconds <n>', 'seconds per level of the closed-loop goodput test (0 = skip it)', (v) => Number(v), 8)
  .parse()
  .opts<{ run?: string; seconds: number; threads: number[]; overloadSeconds: number; goodputSeconds: number }>();

const TARGET = 5000;
const bundle = opts.run ?? (await makeBundle({ kind: 'vae', seed: 1 }));

interface Scenario {
  name: string;
  images: number;
  png: boolean;
  connections: number;
}
const scenarios: Scenario[] = [
  { name: '1-image PNG', images: 1, png: true, connections: 32 },
  { name: '64-image JSON', images: 64, png: false, connections: 8 },
];

interface Result {
  samplesPerSecond: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(server: RunningServer, s: Scenario, seconds: number, rate?: number): Promise<Result> {
  const r = await autocannon({
    url: `${server.url}/v1/sample`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: s.png ? 'image/png' : 'application/json' },
    body: JSON.stringify({ n: s.images, includeLatents: false }),
    connections: rate ? Math.min(s.connections, Math.max(1, Math.ceil(rate / 50))) : s.connections,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
  });
  const ok = r.requests.total - r.non2xx;
  return {
    requestsPerSecond: ok / seconds,
    samplesPerSecond: (ok * s.images) / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

const fmt = (r: Result) =>
  `${r.samplesPerSecond.toFixed(0).padStart(6)} samples/s  ${r.requestsPerSecond.toFixed(0).padStart(5)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`;

console.log(`runtime bench: ${bundle}`);
console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine lowers every number)`);

// In-process ceiling: decoder alone at batch 256, no HTTP.
for (const threads of opts.threads) {
  env.threads = threads;
  const model = await LatentModel.load(bundle, { device: 'cpu' });
  const { z } = model.sampleLatents(256, { seed: 1 });
  await model.decode(z);
  const t0 = performance.now();
  let rows = 0;
  while (performance.now() - t0 < 2000) {
    await model.decode(z);
    rows += 256;
  }
  console.log(`in-process decode ceiling, ${threads} thread(s) (batch 256, no HTTP): ${((rows * 1000) / (performance.now() - t0)).toFixed(0)} samples/s`);
  await model.dispose();
}

// Throughput and latency of the serving path itself: admission control off (it is measured on its own below).
const serverArgs = (threads: number, micro: boolean) => [
  '--run', bundle, '--device', 'cpu', '--threads', String(threads), ...(micro ? ['--max-queue-rows', String(1 << 24), '--max-queue-wait-ms', '600000'] : ['--no-micro-batch']), '--max-event-loop-delay-ms', '0', '--concurrency-limit', '0',
];
let best = { samplesPerSecond: 0, threads: opts.threads[0], micro: true, scenario: scenarios[0] };
for (const threads of opts.threads) {
  const table: Record<string, Record<string, Result>> = {};
  for (const micro of [false, true]) {
    const label = `${threads} thread(s), micro-batch ${micro ? 'on ' : 'off'}`;
    const server = await startServer(serverArgs(threads, micro));
    try {
      for (const s of scenarios) {
        await load(server, s, 1); // warm-up
        const r = await load(server, s, opts.seconds);
        (table[s.name] ??= {})[micro ? 'on' : 'off'] = r;
        if (r.samplesPerSecond > best.samplesPerSecond) best = { samplesPerSecond: r.samplesPerSecond, threads, micro, scenario: s };
        console.log(`${label}  ${s.name.padEnd(14)} ${fmt(r)}`);
      }
    } finally {
      await server.stop();
    }
  }
  for (const s of scenarios) {
    const { on, off } = table[s.name];
    console.log(`  ${threads} thread(s) ${s.name}: micro-batching x${(on.samplesPerSecond / off.samplesPerSecond).toFixed(2)} samples/s against the no-batching baseline`);
  }
}

// Latency at half the target rate, and at half the best measured rate, on the best configuration.
const half = TARGET / 2;
const server = await startServer(serverArgs(best.threads, best.micro));
let worstAtHalfTarget = 0;
try {
  for (const s of scenarios) {
    for (const [what, samples] of [['the target', half], ['measured best', best.samplesPerSecond / 2]] as const) {
      const rate = Math.max(1, Math.round(samples / s.images));
      const r = await load(server, s, opts.seconds, rate);
      if (what === 'the target') worstAtHalfTarget = Math.max(worstAtHalfTarget, r.p99);
      console.log(`at half ${what} (${(rate * s.images).toFixed(0)} samples/s, ${rate} req/s) ${s.name.padEnd(14)} ${fmt(r)}`);
    }
  }
} finally {
  await server.stop();
}

console.log(`\nbest: ${best.samplesPerSecond.toFixed(0)} samples/s (${best.scenario.name}, ${best.threads} thread(s), micro-batch ${best.micro ? 'on' : 'off'})`);
console.log(`target >= ${TARGET} samples/s: ${best.samplesPerSecond >= TARGET ? 'MET' : 'NOT MET'}`);
console.log(`target p99 < 25 ms at ${half} samples/s: worst p99 ${worstAtHalfTarget} ms -> ${worstAtHalfTarget < 25 ? 'MET' : 'NOT MET'}`);

if (opts.goodputSeconds > 0) await goodputBench({ bundle, seconds: opts.goodputSeconds, baseline: true, serverArgs: [] });
if (opts.overloadSeconds > 0) await overloadBench({ bundle, seconds: opts.overloadSeconds, serverArgs: [] });
