/**
 * Overload test of the real server on 127.0.0.1, the issue-13 acceptance check for admission control.
 * Load: 1-image PNG samples (POST /v1/sample) from wrk (bench/wrk.ts). Latency of accepted requests:
 * a probe in this process (4 clients, each one request every 20 ms at most) times each answer end to
 * end throughout; its requests queue with everyone else's, so its 200s sample what an accepted request
 * sees. (wrk's own latency percentiles mix the 200s with the fast 503s; they are printed too.)
 *   1. idle: the probe alone (for information);
 *   2. capacity: wrk closed loop, 32 connections (nothing should be refused): C = 200s per second; the
 *      probe's p99 here is the reference ("the p99 when not overloaded");
 *   3. overload: wrk offering 4 x C req/s from 512 connections for 30 s, server defaults;
 *   4. the baseline, same run, same load: the server without admission control (queue unbounded,
 *      no event-loop limit), as it was before.
 * Checks: every answer 200 or 503 (no socket errors, no timeouts); the probe's p99 of 200s under
 * overload against 3 x its p99 at capacity (ratio, verdict); RSS 5 s after the load against its warm
 * level (within 10%). "Warm" includes 5 s of the same overload and a few full 256-row batches first:
 * holding 512 connections costs memory by itself (sockets, parsers, allocator arenas that glibc keeps),
 * and onnxruntime's CPU memory arena grows to the largest batch it has run and keeps it (~70 MB more
 * for 256 Fashion rows than for 32); what must not happen is growth with the length of the overload,
 * which an unbounded queue shows (the baseline).
 *
 *   node --import tsx bench/overload.ts [--run runs/NAME] [--seconds 30] [--server-args "..."]
 * Also run at the end of `pnpm bench` (bench/serve.ts). Needs wrk (`apt-get install wrk`).
 */
import { Command } from 'commander';
import { availableParallelism, loadavg } from 'node:os';
import { makeBundle } from '../test/fixtures.ts';
import { startServer, type RunningServer } from '../test/server.ts';
import { wrk, wrkAvailable, type WrkResult } from './wrk.ts';

interface Probe {
  ok: number[];
  byStatus: Record<string, number>;
}

/** `loops` clients, each sending one request every `everyMs` (never two at once) until stop(). */
function startProbe(url: string, everyMs = 20, loops = 4): { stop: () => Promise<Probe> } {
  const result: Probe = { ok: [], byStatus: {} };
  let running = true;
  const one = async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const r = await fetch(`${url}/v1/sample`, { method: 'POST', body: '{"n":1,"includeLatents":false}', headers: { 'content-type': 'application/json', accept: 'image/png' } });
        await r.arrayBuffer();
        const ms = performance.now() - t0;
        result.byStatus[r.status] = (result.byStatus[r.status] ?? 0) + 1;
        if (r.status === 200) result.ok.push(ms);
      } catch {
        result.byStatus.error = (result.byStatus.error ?? 0) + 1;
      }
      const left = everyMs - (performance.now() - t0);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
    }
  };
  const all = Promise.all(Array.from({ length: loops }, one));
  return {
    stop: async () => {
      running = false;
      await all;
      result.ok.sort((a, b) => a - b);
      return result;
    },
  };
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A few requests of `rows` images at once: the largest batch the server will run. */
async function fullBatches(server: RunningServer, rows = 256, count = 4): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await fetch(`${server.url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: rows, includeLatents: false }), headers: { 'content-type': 'application/json', accept: 'image/png' } });
    await r.arrayBuffer();
  }
}

async function rssMb(server: RunningServer): Promise<number> {
  const m = await (await fetch(`${server.url}/metrics`)).text();
  return Number(m.match(/process_resident_memory_bytes (\d+)/)?.[1]) / 2 ** 20;
}

async function rejected(server: RunningServer): Promise<string> {
  const m = await (await fetch(`${server.url}/metrics`)).text();
  return [...m.matchAll(/^latentkit_rejected_requests_total\{reason="(\w+)"\} (\d+)$/gm)].map((x) => `${x[1]} ${x[2]}`).join(', ');
}

interface Phase {
  wrk: WrkResult;
  probe: Probe;
}

async function phase(server: RunningServer, o: { seconds: number; connections: number; rate?: number }): Promise<Phase> {
  const probe = startProbe(server.url);
  const w = await wrk(server.url, o);
  return { wrk: w, probe: await probe.stop() };
}

const statuses = (b: Record<string, number>) => Object.entries(b).map(([s, n]) => `${s}: ${n}`).join(', ');
const describe = (p: Phase) =>
  `wrk ${(p.wrk.requests / p.wrk.seconds).toFixed(0).padStart(5)} answers/s (${statuses(p.wrk.byStatus)}; wrk p50 ${p.wrk.p50.toFixed(0)} / p99 ${p.wrk.p99.toFixed(0)} ms over all answers)` +
  `${p.wrk.errors.connect + p.wrk.errors.read + p.wrk.errors.write + p.wrk.errors.timeout ? ` ERRORS ${JSON.stringify(p.wrk.errors)}` : ''}` +
  `; probe 200s p50 ${pct(p.probe.ok, 50).toFixed(1)} / p99 ${pct(p.probe.ok, 99).toFixed(1)} ms (${statuses(p.probe.byStatus)})`;

export interface OverloadOptions {
  bundle: string;
  seconds: number;
  serverArgs: string[];
}

/** Runs the steps above and prints the verdicts; resolves true when every check passes. */
export async function overloadBench(o: OverloadOptions): Promise<boolean> {
  if (!wrkAvailable()) {
    console.log('\noverload: skipped, wrk is not installed (apt-get install wrk)');
    return false;
  }
  console.log(`\noverload (admission control): 1-image PNG samples, ${o.seconds} s at 4x capacity; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
  const base = ['--run', o.bundle, '--device', 'cpu', ...o.serverArgs];
  const server = await startServer(base);
  let capacity: Phase;
  let over: Phase;
  let warmRss: number;
  let peakRss = 0;
  let afterRss: number;
  let rate: number;
  try {
    await wrk(server.url, { seconds: 3, connections: 32 }); // warm-up
    const idleProbe = startProbe(server.url);
    await sleep(5000);
    const idle = await idleProbe.stop();
    console.log(`idle          probe alone: 200s p50 ${pct(idle.ok, 50).toFixed(1)} / p99 ${pct(idle.ok, 99).toFixed(1)} ms (${statuses(idle.byStatus)})`);
    capacity = await phase(server, { seconds: 10, connections: 32 });
    const capacityRate = (capacity.wrk.byStatus['200'] ?? 0) / capacity.wrk.seconds;
    console.log(`capacity      closed loop, 32 connections: ${describe(capacity)}`);
    rate = 4 * capacityRate;
    const coldRss = await rssMb(server);
    await wrk(server.url, { seconds: 5, connections: 512, rate }); // warm-up of the overload itself
    await fullBatches(server);
    await sleep(5000);
    warmRss = await rssMb(server);
    console.log(`RSS after the capacity run ${coldRss.toFixed(0)} MB, after 5 s of the overload, four 256-row batches and 5 s of rest ${warmRss.toFixed(0)} MB (the warm level)`);
    const sampler = setInterval(() => void rssMb(server).then((v) => (peakRss = Math.max(peakRss, v)), () => {}), 1000);
    over = await phase(server, { seconds: o.seconds, connections: 512, rate });
    clearInterval(sampler);
    console.log(`4x capacity   ${rate.toFixed(0)} req/s offered from 512 connections: ${describe(over)}`);
    console.log(`              refused by reason: ${await rejected(server)}`);
    await sleep(5000);
    afterRss = await rssMb(server);
  } finally {
    await server.stop();
  }

  const unbounded = await startServer([...base, '--max-queue-rows', String(1 << 24), '--max-queue-wait-ms', '600000', '--max-event-loop-delay-ms', '0', '--concurrency-limit', '0']);
  let before: Phase;
  let beforeWarm: number;
  let beforeAfter: number;
  let beforePeak = 0;
  try {
    await wrk(unbounded.url, { seconds: 3, connections: 32 });
    await wrk(unbounded.url, { seconds: 5, connections: 512, rate });
    await fullBatches(unbounded);
    await sleep(5000);
    beforeWarm = await rssMb(unbounded);
    const sampler = setInterval(() => void rssMb(unbounded).then((v) => (beforePeak = Math.max(beforePeak, v)), () => {}), 1000);
    before = await phase(unbounded, { seconds: o.seconds, connections: 512, rate });
    clearInterval(sampler);
    console.log(`no admission  same load, queue unbounded (the baseline): ${describe(before)}`);
    await sleep(5000);
    beforeAfter = await rssMb(unbounded);
  } finally {
    await unbounded.stop();
  }

  const e = over.wrk.errors;
  const onlyOkOr503 =
    Object.keys(over.wrk.byStatus).every((s) => s === '200' || s === '503') &&
    Object.keys(over.probe.byStatus).every((s) => s === '200' || s === '503') &&
    e.connect + e.read + e.write + e.timeout === 0;
  const p99Over = pct(over.probe.ok, 99);
  const p99Cap = pct(capacity.probe.ok, 99);
  const ratio = p99Over / p99Cap;
  const rssChange = (afterRss - warmRss) / warmRss;
  const served = (over.wrk.byStatus['200'] ?? 0) / over.wrk.seconds;
  console.log(`every answer 200 or 503, no socket errors or timeouts: ${onlyOkOr503 ? 'MET' : 'NOT MET'} (${over.wrk.byStatus['503'] ?? 0} refused, ${over.wrk.byStatus['200'] ?? 0} served: ${served.toFixed(0)}/s, ${((100 * served) / (rate / 4)).toFixed(0)}% of capacity)`);
  console.log(`p99 of accepted requests (probe 200s) at 4x capacity ${p99Over.toFixed(1)} ms vs at capacity ${p99Cap.toFixed(1)} ms: ${ratio.toFixed(2)}x, target < 3x: ${ratio < 3 ? 'MET' : 'NOT MET'}`);
  console.log(`RSS warm ${warmRss.toFixed(0)} MB, peak ${peakRss.toFixed(0)} MB, 5 s after the load ${afterRss.toFixed(0)} MB (${rssChange >= 0 ? '+' : ''}${(rssChange * 100).toFixed(1)}%), target within 10%: ${Math.abs(rssChange) <= 0.1 ? 'MET' : 'NOT MET'}`);
  const be = before.wrk.errors;
  console.log(
    `baseline without admission control: p99 of accepted ${pct(before.probe.ok, 99).toFixed(1)} ms (${(pct(before.probe.ok, 99) / p99Cap).toFixed(2)}x), wrk timeouts ${be.timeout}, socket errors ${be.connect + be.read + be.write}, ` +
      `RSS ${beforeWarm.toFixed(0)} -> peak ${beforePeak.toFixed(0)} -> ${beforeAfter.toFixed(0)} MB 5 s after`,
  );
  return onlyOkOr503 && ratio < 3 && Math.abs(rssChange) <= 0.1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = new Command('overload')
    .option('--run <path>', 'bundle to serve (default: a fresh Fashion VAE fixture)')
    .option('--seconds <n>', 'seconds at 4x capacity', (v) => Number(v), 30)
    .option('--server-args <args>', 'extra server flags, e.g. "--threads 1"', '')
    .parse()
    .opts<{ run?: string; seconds: number; serverArgs: string }>();
  const bundle = opts.run ?? (await makeBundle({ kind: 'vae', seed: 1 }));
  await overloadBench({ bundle, seconds: opts.seconds, serverArgs: opts.serverArgs.split(' ').filter(Boolean) });
}
