#!/usr/bin/env node
// `pnpm bench`: every package's own benchmark, one after another so they do not share the 2 cores.
// Each prints its numbers and its ratios against a baseline measured in the same run.
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const order = ['data', 'train', 'export', 'runtime', 'demo'];
const only = process.argv.slice(2);
let failed = 0;
for (const name of order) {
  if (only.length && !only.includes(name)) continue;
  const manifest = join('packages', name, 'package.json');
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  if (!pkg.scripts?.bench) {
    console.log(`\n== ${pkg.name}: no bench script`);
    continue;
  }
  console.log(`\n== ${pkg.name} ==`);
  const r = spawnSync('pnpm', ['--filter', pkg.name, 'run', 'bench'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`!! ${pkg.name} bench exited with ${r.status}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
