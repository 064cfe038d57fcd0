/**
 * Goodput under overload (issue 21), on the real server on 127.0.0.1, with CLOSED-LOOP clients: every
 * connection sends its next request as soon as it has an answer, 503 or not (what a fleet of retrying
 * clients or a load balancer does). Load: 1-image PNG samples (POST /v1/sample) from raw keep-alive
 * sockets in this process (bench/closed-loop-client.ts; bounded: a fixed number of connections for a
 * fixed number of seconds, then they close).
 *
 * Every step connects all its sockets first, then runs the closed loop; its p50/p99 are of the 200s
 * sent after the step's first second (the steady state; the first second holds the loop's start, all N
 * first requests at once) and the whole step's p99 is printed beside them (bench/closed-loop-client.ts).
 *
 *   1. unloaded: 1 connection: the unloaded p50/p99;
 *   2. saturation: 1, 2, 4, 8, 16 connections, 4 s each; capacity C = the most 200s per second seen; the
 *      saturating connection count S = the fewest connections reaching 90% of C;
 *   3. RSS warm: after the saturation steps, a few 256-row batches and 3 s at the largest level (64 S);
 *   4. overload: 4 S, 16 S and 64 S connections in a closed loop, `--seconds` each;
 *   5. RSS 5 s after the last step.
 * Checks, each printed MET / NOT MET: 200s per second >= 85% of C at every level; the p99 of the 200s
 * <= 3 x the p99 at saturation (S connections: the server busy but not overloaded) — the ratio against the
 * 1-connection p99 is printed too; RSS 5 s after within 10% of the warm level. The same steps then run
 * with onnxruntime's sessions on the main thread (`--session-thread main`, the previous default) and
 * against the first design (admission by event-loop delay, no concurrency limit), as the baselines of
 * the same run. The machine's load average and CPU model are printed: read ratios.
 * Mechanisms beside the verdicts: each step's CPU seconds for this process (the load generator) and
 * for the server (/proc/PID/stat), the listen-queue overflows of the machine during it
 * (/proc/net/netstat), and the RSS split by allocator (test/smaps.ts) and V8 heap, warm and after.
 *
 *   node --import tsx bench/goodput.ts [--run BUNDLE] [--seconds 8] [--no-baseline] [--server-args "..."]
 * Also run by `pnpm bench` (bench/serve.ts).
 */
import { Command } from 'commander';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { makeBundle } from '../test/fixtures.ts';
import { startServer, type RunningServer } from '../test/server.ts';
import { closedLoopRaw } from './closed-loop-client.ts';
import { memoryByComponent, type MemoryByComponent } from '../test/smaps.ts';
import { listenOverflows, processCpuSeconds } from '../test/proc.ts';

export interface Level {
  connections: number;
  seconds: number;
  okPerSecond: number;
  refusedPerSecond: number;
  otherStatus: number;
  errors: number;
  timeouts: number;
  /** Latency of the 200s sent after the step's first second (the steady state), ms. */
  p50: number;
  p99: number;
  /** p99 of all the step's 200s, the first second included, ms. */
  p99Step: number;
  /** CPU seconds spent during the step by this process (the load generator) and by the server (NaN without its pid). */
  clientCpu: number;
  serverCpu: number;
  /** Handshakes dropped by full listen queues during the step (the whole machine's count). */
  listenOverflows: number;
}

const BODY = JSON.stringify({ n: 1, includeLatents: false });

export async function closedLoop(url: string, connections: number, seconds: number, serverPid?: number): Promise<Level> {
  const server0 = serverPid ? processCpuSeconds(serverPid) : NaN;
  const client0 = process.cpuUsage();
  const overflows0 = listenOverflows();
  const r = await closedLoopRaw(url, '/v1/sample', BODY, { 'content-type': 'application/json', accept: 'image/png' }, connections, seconds);
  const client = process.cpuUsage(client0);
  const serverCpu = serverPid ? processCpuSeconds(serverPid) - server0 : NaN;
  const by = (s: string) => r.byStatus[s] ?? 0;
  const total = Object.values(r.byStatus).reduce((n, c) => n + c, 0);
  const pct = (p: number, ok = r.okSteady) => (ok.length ? ok[Math.min(ok.length - 1, Math.floor(p * ok.length))] : NaN);
  return {
    connections,
    seconds,
    okPerSecond: by('200') / seconds,
    refusedPerSecond: by('503') / seconds,
    otherStatus: total - by('200') - by('503'),
    errors: r.errors,
    timeouts: 0,
    p50: pct(0.5),
    p99: pct(0.99),
    p99Step: pct(0.99, r.ok),
    clientCpu: (client.user + client.system) / 1e6,
    serverCpu,
    listenOverflows: listenOverflows() - overflows0,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface MemorySnapshot extends MemoryByComponent {
  /** V8's heap (committed) and the memory of Buffers/ArrayBuffers outside it (process.memoryUsage()), MiB. */
  heapTotal: number;
  heapUsed: number;
  external: number;
  /** Full collections the server's idle collector has run so far (NaN when it is off). */
  idleCollections: number;
}

/** RSS by component: the allocators from /proc/PID/smaps (bench/smaps.ts), V8's share from the server's /metrics. */
async function memory(url: string, pid: number): Promise<MemorySnapshot> {
  const m = await (await fetch(`${url}/metrics`)).text();
  const gauge = (name: string) => Number(m.match(new RegExp(`^${name} (\\d+)`, 'm'))?.[1]) / 2 ** 20;
  return { ...memoryByComponent(pid), heapTotal: gauge('nodejs_heap_total_bytes'), heapUsed: gauge('nodejs_heap_used_bytes'), external: gauge('nodejs_external_bytes'), idleCollections: Number(m.match(/^nodejs_idle_gc_total (\d+)/m)?.[1] ?? NaN) };
}

const memoryLine = (m: MemorySnapshot) =>
  `RSS ${m.rss.toFixed(0)} MB = malloc main ${m.mallocMain.toFixed(1)} + malloc thread arenas ${m.mallocArenas.toFixed(1)} (${m.arenaCount}) + other anonymous ${m.otherAnon.toFixed(1)} ` +
  `(V8 heap ${m.heapTotal.toFixed(1)}, used ${m.heapUsed.toFixed(1)}) + files ${m.file.toFixed(1)}; external ${m.external.toFixed(1)}; idle collections so far ${m.idleCollections}`;

/** Cumulative bucket counts of the server's own histogram of answered 200s (arrival to answer), or null when admission is off. */
async function serverBuckets(url: string): Promise<Map<number, number> | null> {
  const m = await (await fetch(`${url}/metrics`)).text();
  const rows = [...m.matchAll(/^latentkit_admitted_request_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)];
  return rows.length ? new Map(rows.map((r) => [r[1] === '+Inf' ? Infinity : Number(r[1]), Number(r[2])])) : null;
}

/** The bucket bound holding the 99th percentile of what was observed between two scrapes, ms. */
function bucketP99(before: Map<number, number> | null, after: Map<number, number> | null): string {
  if (!before || !after) return 'n/a';
  const total = after.get(Infinity)! - before.get(Infinity)!;
  for (const [le, n] of after) if (n - before.get(le)! >= 0.99 * total) return le === Infinity ? '> 2500 ms' : `<= ${le * 1000} ms`;
  return 'n/a';
}

async function admissionLimit(url: string): Promise<string> {
  const m = await (await fetch(`${url}/metrics`)).text();
  const limit = m.match(/^latentkit_admission_limit (\d+)/m)?.[1];
  const reference = Number(m.match(/^latentkit_admission_reference_seconds ([\d.e-]+)/m)?.[1]);
  return limit === undefined ? 'off' : `${limit}${Number.isFinite(reference) ? ` (reference service time ${(1000 * reference).toFixed(1)} ms)` : ''}`;
}

async function fullBatches(url: string, rows = 256, count = 4): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await fetch(`${url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: rows, includeLatents: false }), headers: { 'content-type': 'application/json', accept: 'image/png' } });
    await r.arrayBuffer();
  }
}

const line = (name: string, l: Level) =>
  `${name.padEnd(16)} ${String(l.connections).padStart(5)} conn: ${l.okPerSecond.toFixed(0).padStart(5)} ok/s, ${l.refusedPerSecond.toFixed(0).padStart(6)} 503/s, ` +
  `200s p50 ${l.p50.toFixed(1)} / p99 ${l.p99.toFixed(1)} ms (whole step ${l.p99Step.toFixed(1)}); CPU: client ${(100 * l.clientCpu / l.seconds).toFixed(0)}%, server ${(100 * l.serverCpu / l.seconds).toFixed(0)}% of a core; listen overflows ${l.listenOverflows}` +
  `${l.otherStatus || l.errors ? `, OTHER ${l.otherStatus} SOCKET ERRORS ${l.errors}` : ''}`;

export interface GoodputReport {
  capacity: number;
  saturation: Level;
  unloaded: Level;
  levels: Level[];
  warmRss: number;
  afterRss: number;
  met: boolean;
}

/** Runs the steps above against one server configuration; prints and returns the verdicts. */
export async function goodput(bundle: string, serverArgs: string[], seconds: number, label: string): Promise<GoodputReport> {
  console.log(`\n-- ${label} (server flags: ${serverArgs.join(' ') || 'defaults'}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const server: RunningServer = await startServer(['--run', bundle, '--device', 'cpu', ...serverArgs]);
  try {
    await closedLoop(server.url, 8, 2); // warm-up
    const unloaded = await closedLoop(server.url, 1, 4, server.child.pid);
    console.log(line('unloaded', unloaded));
    let best: Level = unloaded;
    const sat: Level[] = [];
    for (const c of [2, 4, 8, 16]) {
      const b0 = await serverBuckets(server.url);
      const l = await closedLoop(server.url, c, 4, server.child.pid);
      sat.push(l);
      console.log(`${line('saturation', l)}; server-side p99 ${bucketP99(b0, await serverBuckets(server.url))}`);
      if (l.okPerSecond > best.okPerSecond) best = l;
    }
    const capacity = best.okPerSecond;
    const saturation = [unloaded, ...sat].find((l) => l.okPerSecond >= 0.9 * capacity) ?? best;
    console.log(`capacity C = ${capacity.toFixed(0)} ok/s; saturating connections S = ${saturation.connections} (p99 there ${saturation.p99.toFixed(1)} ms)`);
    // Warm: onnxruntime's arena after full batches, and the largest connection count held once (sockets,
    // parsers and the allocator's arenas for them stay; growth with the length of the overload must not).
    await fullBatches(server.url);
    await closedLoop(server.url, 64 * saturation.connections, 3);
    await sleep(3000);
    const warm = await memory(server.url, server.child.pid!);
    const warmRss = warm.rss;
    const levels: Level[] = [];
    for (const k of [4, 16, 64]) {
      const b0 = await serverBuckets(server.url);
      const l = await closedLoop(server.url, k * saturation.connections, seconds, server.child.pid);
      levels.push(l);
      const p99Server = bucketP99(b0, await serverBuckets(server.url));
      console.log(`${line(`${k}x S`, l)}; server-side p99 of the 200s ${p99Server}; admission limit now ${await admissionLimit(server.url)}`);
    }
    await sleep(5000);
    const after = await memory(server.url, server.child.pid!);
    const afterRss = after.rss;
    console.log(`  warm:    ${memoryLine(warm)}\n  5 s after: ${memoryLine(after)}`);
    let met = true;
    for (const l of levels) {
      const share = l.okPerSecond / capacity;
      const ratio = l.p99 / saturation.p99;
      const clean = l.otherStatus === 0 && l.errors === 0 && l.timeouts === 0;
      const ok = share >= 0.85 && ratio <= 3 && clean;
      met &&= ok;
      console.log(
        `  ${String(l.connections).padStart(5)} conn: served ${(100 * share).toFixed(0)}% of C (>= 85%: ${share >= 0.85 ? 'MET' : 'NOT MET'}); ` +
          `p99 of 200s ${ratio.toFixed(2)}x the saturation p99 (<= 3x: ${ratio <= 3 ? 'MET' : 'NOT MET'}; whole step ${(l.p99Step / saturation.p99Step).toFixed(2)}x; ${(l.p99 / unloaded.p99).toFixed(1)}x the 1-connection p99); ` +
          `only 200/503, no errors or timeouts: ${clean ? 'MET' : 'NOT MET'}`,
      );
    }
    const change = (afterRss - warmRss) / warmRss;
    met &&= Math.abs(change) <= 0.1;
    console.log(`  RSS warm ${warmRss.toFixed(0)} MB, 5 s after ${afterRss.toFixed(0)} MB (${change >= 0 ? '+' : ''}${(100 * change).toFixed(1)}%; within 10%: ${Math.abs(change) <= 0.1 ? 'MET' : 'NOT MET'})`);
    return { capacity, saturation, unloaded, levels, warmRss, afterRss, met };
  } finally {
    await server.stop();
  }
}

export async function goodputBench(o: { bundle: string; seconds: number; baseline: boolean; serverArgs: string[] }): Promise<boolean> {
  console.log(`\ngoodput under closed-loop overload: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${o.seconds} s per level`);
  const now = await goodput(o.bundle, o.serverArgs, o.seconds, 'server defaults (adaptive concurrency limit)');
  if (o.baseline) {
    await goodput(o.bundle, ['--session-thread', 'main', ...o.serverArgs], o.seconds, "baseline: onnxruntime's sessions on the main thread (the previous default)");
    await goodput(o.bundle, ['--concurrency-limit', '0', '--max-event-loop-delay-ms', '30', ...o.serverArgs], o.seconds, 'baseline: the first design (event-loop delay, no concurrency limit)');
  }
  console.log(`\ngoodput verdict (server defaults): ${now.met ? 'MET' : 'NOT MET'}`);
  return now.met;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = new Command('goodput')
    .option('--run <path>', 'bundle to serve (default: a fresh Fashion VAE fixture)')
    .option('--seconds <n>', 'seconds per overload level', (v) => Number(v), 8)
    .option('--no-baseline', 'skip the baselines')
    .option('--server-args <args>', 'extra server flags', '')
    .parse()
    .opts<{ run?: string; seconds: number; baseline: boolean; serverArgs: string }>();
  const bundle = opts.run ?? (await makeBundle({ kind: 'vae', seed: 1 }));
  const met = await goodputBench({ bundle, seconds: opts.seconds, baseline: opts.baseline, serverArgs: opts.serverArgs.split(' ').filter(Boolean) });
  process.exitCode = met ? 0 : 1;
}
