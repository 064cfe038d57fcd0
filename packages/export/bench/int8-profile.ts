/**
 * Where a decoder's time goes, fp32 against int8: onnxruntime-node's own profiler
 * (`enableProfiling`) over batch-64 runs in the CPU provider, per node of the graph onnxruntime
 * actually runs (after its QDQ fusions and layout pass), summed per op type. A diagnostic for the
 * int8 pass, not a target: `bench/int8.ts` measures the ratios.
 *
 *   pnpm --filter @latentkit/export run bench:int8-profile [RUN_DIR] [--threads N] [--runs N]
 * Without RUN_DIR: the newest faces VAE under runs/ (a freshly initialised one when there is none).
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { findRuns } from '@latentkit/format/node';
import { buildRunModel } from '../src/bundle/export-run.ts';
import { buildRunModelInt8 } from '../src/bundle/int8-run.ts';
import { normalSamples } from '../src/bundle/calibration-data.ts';
import { encodeModel } from '../src/proto/onnx-proto.ts';
import { writeFakeRun } from '../src/testing/fake-run.ts';

const opts = new Command('int8-profile')
  .argument('[run]', 'run folder (default: the newest faces VAE under runs/)')
  .option('--threads <n>', 'onnxruntime intra-op threads', (v) => Number(v), 1)
  .option('--runs <n>', 'profiled runs after 3 warm-up runs', (v) => Number(v), 10)
  .parse();
const { threads, runs } = opts.opts<{ threads: number; runs: number }>();
const root = resolve(import.meta.dirname, '../../..');
const tmp = await mkdtemp(join(tmpdir(), 'latentkit-int8-profile-'));
let run = opts.args[0] ? resolve(process.env.INIT_CWD ?? process.cwd(), opts.args[0]) : undefined;
run ??= findRuns(join(root, 'runs')).found.find((r) => r.manifest.kind === 'faces-vae' && existsSync(join(r.dir, 'decoder', 'model.json')))?.dir;
run ??= (await writeFakeRun(join(tmp, 'faces-vae'), { kind: 'faces-vae', seed: 1 })).dir;

interface Row {
  node: string;
  op: string;
  ms: number;
}

/** Per-node kernel time (ms per run) and the wall time per run. */
async function profile(bytes: Uint8Array, label: string): Promise<{ rows: Row[]; wallMs: number }> {
  const prefix = join(tmp, label);
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 3, intraOpNumThreads: threads, enableProfiling: true, profileFilePrefix: prefix });
  const L = Number((s.inputMetadata[0] as { shape?: number[] }).shape?.[1] ?? 0);
  const feeds = { [s.inputNames[0]]: new ort.Tensor('float32', normalSamples(64 * L, 7), [64, L]) };
  for (let i = 0; i < 3; i++) await s.run(feeds);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await s.run(feeds);
  const wallMs = (performance.now() - t0) / runs;
  s.endProfiling();
  await s.release();
  const file = (await readdir(tmp)).find((f) => f.startsWith(label) && f.endsWith('.json'));
  if (!file) throw new Error(`onnxruntime wrote no profile under ${tmp}`);
  const events = JSON.parse(await readFile(join(tmp, file), 'utf8')) as { cat: string; name: string; dur: number; args: { op_name?: string } }[];
  const total = new Map<string, Row>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    const row = total.get(node) ?? { node, op: e.args.op_name ?? '?', ms: 0 };
    row.ms += e.dur / 1000 / (runs + 3); // the warm-up runs are profiled too
    total.set(node, row);
  }
  return { rows: [...total.values()], wallMs };
}

const byOp = (rows: Row[]) => {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.op, (m.get(r.op) ?? 0) + r.ms);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
};

console.log(`int8 profile: ${run}, batch 64, ${threads} thread(s), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const fp32 = encodeModel(await buildRunModel(run, 'decoder'));
const int8 = encodeModel((await buildRunModelInt8(run, 'decoder', {})).model);
for (const [label, bytes] of [['fp32', fp32], ['int8', int8]] as const) {
  const { rows, wallMs } = await profile(bytes, label);
  const sum = rows.reduce((a, r) => a + r.ms, 0);
  console.log(`\n${label}: ${wallMs.toFixed(1)} ms a run (wall), ${sum.toFixed(1)} ms in kernels`);
  console.log(`  by op: ${byOp(rows).map(([op, ms]) => `${op} ${ms.toFixed(1)}`).join(', ')}`);
  for (const r of rows.filter((x) => x.ms >= 0.02 * sum)) console.log(`  ${r.ms.toFixed(1).padStart(7)} ms  ${r.op.padEnd(18)} ${r.node}`);
}
await rm(tmp, { recursive: true, force: true });
