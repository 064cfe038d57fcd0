/** The workspace's packages, found from pnpm-workspace.yaml's `packages:` globs (`dir/*` form). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * @typedef {{ dir: string, manifest: Record<string, any> }} WorkspacePackage
 * @returns {WorkspacePackage[]} every package folder with a package.json, sorted by folder
 * @throws {Error} on a glob other than `dir/*` (none today; say so rather than skip packages)
 */
export function workspacePackages(root = ROOT) {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\s*\n((?:\s+-.*\n?)+)/m.exec(yaml);
  if (!block) throw new Error(`${join(root, 'pnpm-workspace.yaml')}: no "packages:" list`);
  const globs = block[1].split('\n').map((l) => l.trim().replace(/^-\s*/, '').replace(/^['"]|['"]$/g, '')).filter(Boolean);
  const out = [];
  for (const glob of globs) {
    if (!glob.endsWith('/*') || glob.slice(0, -2).includes('*')) throw new Error(`pnpm-workspace.yaml: glob "${glob}" is not of the form dir/*`);
    const parent = join(root, glob.slice(0, -2));
    for (const name of readdirSync(parent).sort()) {
      const file = join(parent, name, 'package.json');
      if (existsSync(file)) out.push({ dir: join(parent, name), manifest: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  return out;
}
