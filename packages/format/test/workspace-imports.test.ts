/**
 * The workspace rule that keeps the contract in this package honest: no package reaches into another
 * package's files. Bare `@latentkit/<pkg>/<sub>` specifiers are already held to each package.json
 * `exports` by Node and tsc; this test catches what they cannot: relative paths that leave the package
 * (`../../train/src/...`), and `@latentkit/...` specifiers that name a file (`.ts`, `/src/`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repoScripts = resolve(packagesDir, '../scripts');
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(m?[jt]s|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

test('no package imports another package by file path', () => {
  const offences: string[] = [];
  let checked = 0;
  for (const pkg of readdirSync(packagesDir)) {
    const root = join(packagesDir, pkg);
    if (!statSync(join(root, 'package.json'), { throwIfNoEntry: false })) continue;
    for (const file of sourceFiles(root)) {
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(SPECIFIER)) {
        checked++;
        const where = `${relative(packagesDir, file)}: '${spec}'`;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          // The repo's own tooling (scripts/: test runner, build and pack) is not a package; tests may use it.
          const intoTooling = !relative(repoScripts, target).startsWith('..');
          if (relative(root, target).startsWith('..') && !intoTooling) offences.push(`${where} leaves packages/${pkg}`);
        } else if (/^@latentkit\/[^/]+\/.*(\.[mc]?[jt]s$|\/src\/)/.test(spec)) {
          offences.push(`${where} names a file; import a declared entry of that package's exports instead`);
        }
      }
    }
  }
  assert.ok(checked > 500, `only ${checked} imports found: is ${packagesDir} the packages folder?`);
  assert.deepEqual(offences, []);
});
