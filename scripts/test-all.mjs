#!/usr/bin/env node
// `pnpm test`: every package's suite, then the ISA-sensitive numeric tests a second time, and one
// summary at the end. A failing package no longer hides the others' results: pnpm runs them all
// (--no-bail) and writes each one's status to pnpm-exec-summary.json (--report-summary), which this
// script reads to list what failed. The last line totals the node test runner's counts of every pass.
//
// The second pass: TensorFlow's oneDNN kernels pick their instruction set at run time, and float32
// results move with it (packages/train/src/engine/README.md, "A whole step against float64"). CI
// machines differ between runs (AVX2-only EPYC, AVX-512 Xeon), so the numeric tests also run with
// ONEDNN_MAX_CPU_ISA=AVX2: a result that holds on one ISA only fails wherever CI happens to run.
// (On a CPU without AVX-512 the variable changes nothing, and the pass repeats the first.)
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const summaryFile = `${root}/pnpm-exec-summary.json`;
const counts = { pass: 0, fail: 0, skipped: 0 };

/** Runs a command with its output passed through, counting the node test runner's closing lines. */
function run(args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn('pnpm', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const m = /^# (pass|fail|skipped) (\d+)$/.exec(line.trim());
        if (m) counts[m[1]] += Number(m[2]);
      }
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

rmSync(summaryFile, { force: true });
const results = [];
const t0 = Date.now();
await run(['-r', '--no-bail', '--report-summary', '--workspace-concurrency=1', 'run', 'test']);
let status = {};
try {
  status = JSON.parse(readFileSync(summaryFile, 'utf8')).executionStatus;
} catch (error) {
  console.error(`test-all: pnpm wrote no readable ${summaryFile} (${error.message})`);
}
for (const [dir, s] of Object.entries(status)) {
  if (s.status === 'skipped' || dir === root) continue;
  results.push({ name: relative(root, dir), ok: s.status === 'passed', seconds: s.duration / 1000, why: s.message });
}
if (results.length === 0) results.push({ name: 'every package', ok: false, seconds: (Date.now() - t0) / 1000, why: 'no package reported a result' });
rmSync(summaryFile, { force: true });

const isa = 'AVX2';
const t1 = Date.now();
const numeric = await run(['--filter', '@latentkit/train', '--fail-if-no-match', 'run', 'test:numeric'], { ...process.env, ONEDNN_MAX_CPU_ISA: isa });
results.push({ name: `packages/train numeric tests, ONEDNN_MAX_CPU_ISA=${isa}`, ok: numeric === 0, seconds: (Date.now() - t1) / 1000, why: `exit ${numeric}` });

console.log('\ntest summary:');
for (const r of results) console.log(`  ${r.ok ? 'passed' : 'FAILED'}  ${r.name} (${r.seconds.toFixed(0)} s)${r.ok ? '' : `: ${r.why}`}`);
const failed = results.filter((r) => !r.ok);
if (failed.length) console.log(`${failed.length} of ${results.length} suites failed: ${failed.map((r) => r.name).join('; ')}`);
console.log(`tests: ${counts.pass} passed, ${counts.fail} failed, ${counts.skipped} skipped`);
process.exit(failed.length ? 1 : 0);
