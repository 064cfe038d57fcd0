/** Finding and reading a training run folder (layout: packages/train/src/types.ts). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { RUN_FORMAT, type RunManifest } from '@latentkit/train/types.ts';
import { ExportError } from '../errors.ts';

/** The workspace root above `from` (the folder holding pnpm-workspace.yaml), if any. */
export function workspaceRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Resolve `--run`: relative to `cwd` (pnpm sets INIT_CWD to where the user typed the command),
 * else to the workspace root. Without `--run`, the newest run under runs/ (by manifest.json mtime).
 */
export function resolveRunDir(run: string | undefined, cwd: string): string {
  const root = workspaceRoot(cwd);
  if (run) {
    const candidates = isAbsolute(run) ? [run] : [resolve(cwd, run), ...(root ? [resolve(root, run), resolve(root, 'runs', run)] : [])];
    const found = candidates.find((c) => existsSync(join(c, 'manifest.json')));
    if (!found) throw new ExportError(`No run folder with a manifest.json at ${candidates.join(' or ')}; pass --run runs/NAME (a folder written by \`pnpm train\`)`);
    return found;
  }
  const bases = [...new Set([resolve(cwd, 'runs'), ...(root ? [join(root, 'runs')] : [])])];
  for (const base of bases) {
    if (!existsSync(base)) continue;
    const runs = readdirSync(base)
      .map((name) => join(base, name))
      .filter((dir) => existsSync(join(dir, 'manifest.json')))
      .map((dir) => ({ dir, mtime: statSync(join(dir, 'manifest.json')).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    if (runs.length) return runs[0].dir;
  }
  throw new ExportError(`No training runs found in ${bases.join(' or ')}; train one with \`pnpm train\` or pass --run runs/NAME`);
}

export async function readManifest(runDir: string): Promise<RunManifest> {
  const path = join(runDir, 'manifest.json');
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ExportError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  if (manifest.format !== RUN_FORMAT) throw new ExportError(`${path}: format is ${JSON.stringify(manifest.format)}, expected "${RUN_FORMAT}"`);
  if (!['ae', 'vae', 'faces-vae'].includes(manifest.kind)) throw new ExportError(`${path}: kind is ${JSON.stringify(manifest.kind)}, expected "ae", "vae" or "faces-vae"`);
  if (!Number.isInteger(manifest.latentDim) || manifest.latentDim < 1) throw new ExportError(`${path}: latentDim must be a positive integer, received ${JSON.stringify(manifest.latentDim)}`);
  if (!Array.isArray(manifest.imageShape) || manifest.imageShape.length !== 3) throw new ExportError(`${path}: imageShape must be [H, W, C], received ${JSON.stringify(manifest.imageShape)}`);
  return manifest;
}
