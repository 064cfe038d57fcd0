#!/usr/bin/env node
/**
 * `pnpm pack:all [--out DIR] [--no-build]`: builds every workspace package (build.mjs) and packs each
 * with `pnpm pack` into DIR (default .artifacts/packages). pnpm turns `workspace:*` into versions;
 * the .pnpmfile.mjs hook points the packed exports and bin at dist/. Prints one tarball per line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './build.mjs';
import { ROOT, workspacePackages } from './workspace.mjs';

/**
 * @param {{ out: string, build?: boolean, log?: (m: string) => void }} options
 * @returns {{ name: string, tarball: string }[]} one tarball per non-private package
 * @throws {Error} when a build or a pack fails, or a package with sources has no dist/
 */
export function packAll({ out, build: doBuild = true, log = (m) => console.error(m) }) {
  if (doBuild) build({ log });
  mkdirSync(out, { recursive: true });
  const packed = [];
  const all = workspacePackages();
  const privateNames = new Set(all.filter((p) => p.manifest.private).map((p) => p.manifest.name));
  for (const { dir, manifest } of all) {
    if (manifest.private) continue;
    // A packed package that needs a private one could not be installed by anyone.
    const needsPrivate = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }).filter((d) => privateNames.has(d));
    if (needsPrivate.length > 0) throw new Error(`pack: ${manifest.name} depends on ${needsPrivate.join(', ')}, which is "private": true; make it publishable (remove "private")`);
    if (existsSync(join(dir, 'src')) && !existsSync(join(dir, 'dist'))) throw new Error(`pack: ${manifest.name} has no dist/; run \`pnpm build\` first`);
    const r = spawnSync('pnpm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pack: pnpm pack in ${dir} failed (exit ${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
    // pnpm prints its lifecycle output before the JSON object.
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    packed.push({ name: manifest.name, tarball: json.filename });
    log(`pack: ${manifest.name} -> ${json.filename} (${json.files.length} files)`);
  }
  return packed;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-build': { type: 'boolean', default: false } } });
  try {
    const packed = packAll({ out: resolve(values.out ?? join(ROOT, '.artifacts', 'packages')), build: !values['no-build'] });
    for (const p of packed) console.log(p.tarball);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
