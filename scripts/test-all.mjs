#!/usr/bin/env node
// `pnpm test`: every package's suite, then the ISA-sensitive numeric tests a second time, and one
// summary at the end. A failing package does not hide the others' results: each package's `test`
// script runs on its own, whatever happened before (pnpm -r --no-bail would still skip the packages
// that depend on a failed one, which here is all of them when format fails), in dependency order.
// The last line totals the node test runner's counts of every suite.
//
// The second pass: TensorFlow's oneDNN kernels pick their instruction set at run time, and float32
// results move with it (packages/train/src/engine/README.md, "A whole step against float64"). CI
// machines differ between runs (AVX2-only EPYC, AVX-512 Xeon), so the numeric tests also run with
// ONEDNN_MAX_CPU_ISA=AVX2: a result that holds on one ISA only fails wherever CI happens to run.
// (On a CPU without AVX-512 the variable changes nothing, and the pass repeats the first.)
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { ROOT as root, workspacePackages } from './pack/workspace.mjs';

const counts = { pass: 0, fail: 0, skipped: 0 };

/** Runs a command with its output passed through, counting the node test runner's closing lines. */
function run(args, cwd, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn('pnpm', args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
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

/** Workspace packages with a test script, each after the workspace packages it depends on. */
function inDependencyOrder(packages) {
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const done = new Set();
  const order = [];
  const visit = (p) => {
    if (done.has(p)) return;
    done.add(p);
    const deps = { ...p.manifest.dependencies, ...p.manifest.devDependencies, ...p.manifest.peerDependencies };
    for (const name of Object.keys(deps)) if (byName.has(name)) visit(byName.get(name));
    order.push(p);
  };
  packages.forEach(visit);
  return order.filter((p) => p.manifest.scripts?.test);
}

const results = [];
for (const p of inDependencyOrder(workspacePackages())) {
  const t0 = Date.now();
  console.log(`\n=== ${p.manifest.name}: pnpm test`);
  const code = await run(['run', 'test'], p.dir);
  results.push({ name: relative(root, p.dir), ok: code === 0, seconds: (Date.now() - t0) / 1000, why: `exit ${code}` });
}

const isa = 'AVX2';
const t1 = Date.now();
console.log(`\n=== @latentkit/train: pnpm test:numeric with ONEDNN_MAX_CPU_ISA=${isa}`);
const numeric = await run(['--filter', '@latentkit/train', '--fail-if-no-match', 'run', 'test:numeric'], root, { ...process.env, ONEDNN_MAX_CPU_ISA: isa });
results.push({ name: `packages/train numeric tests, ONEDNN_MAX_CPU_ISA=${isa}`, ok: numeric === 0, seconds: (Date.now() - t1) / 1000, why: `exit ${numeric}` });

console.log('\ntest summary:');
for (const r of results) console.log(`  ${r.ok ? 'passed' : 'FAILED'}  ${r.name} (${r.seconds.toFixed(0)} s)${r.ok ? '' : `: ${r.why}`}`);
const failed = results.filter((r) => !r.ok);
if (failed.length) console.log(`${failed.length} of ${results.length} suites failed: ${failed.map((r) => r.name).join('; ')}`);
console.log(`tests: ${counts.pass} passed, ${counts.fail} failed, ${counts.skipped} skipped`);
process.exit(failed.length ? 1 : 0);
