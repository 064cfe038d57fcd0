#!/usr/bin/env node
// Node 20's test runner takes no globs: find this package's *.test.ts files (under the folders
// named, default src and test; a named *.test.ts file is taken as it is) and hand them over.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test'];
const files = [];
const walk = (dir) => {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.mjs')) files.push(p);
  }
};
for (const root of roots) {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (stat?.isFile()) files.push(root);
  else if (stat?.isDirectory()) walk(root);
  else if (/\.test\.(ts|mjs)$/.test(root)) {
    // A test file named on purpose (a package's test:numeric list) that is gone is a mistake, not "no tests".
    console.error(`run-tests: ${root} does not exist`);
    process.exit(1);
  }
}
if (files.length === 0) {
  console.log('no test files under', roots.join(', '));
  process.exit(0);
}
files.sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
