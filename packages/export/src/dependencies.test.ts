/**
 * Export's imports follow the data flow: it builds on @latentkit/format, @latentkit/data (int8
 * calibration images) and @latentkit/models (the architectures Keras weights-only files pair with,
 * the run folders --tfjs-run writes), never on @latentkit/train, so `pnpm export` loads no training
 * code. Checked on the package manifest and on every source file (src, bin, bench).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [p] : [];
  });
}

test('package.json lists @latentkit/train in no dependency field', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = (manifest[field] ?? {}) as Record<string, string>;
    assert.ok(!('@latentkit/train' in deps), `${field} names @latentkit/train`);
  }
  assert.ok('@latentkit/models' in (manifest.dependencies as Record<string, string>));
});

test('no source file imports @latentkit/train', () => {
  const files = ['src', 'bin', 'bench', 'test'].flatMap((d) => sources(join(ROOT, d)));
  assert.ok(files.length > 50, `found only ${files.length} source files`);
  const offenders = files.filter((f) => /(from\s+|import\s*\(\s*|import\s+)['"]@latentkit\/train(\/[^'"]*)?['"]/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});
