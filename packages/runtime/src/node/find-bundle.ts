/**
 * Locating bundles: `--run runs/NAME`, or the newest runs/*\/bundle of the workspace. `pnpm export`
 * writes fp32 to bundle/, fp16 to bundle-fp16/ and int8 to bundle-int8/; `precision` picks the folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BundleError } from '../common/errors.ts';

/** The workspace root: the nearest folder upwards holding pnpm-workspace.yaml (else `from`). */
export function workspaceRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from);
    dir = up;
  }
}

/**
 * `run` may be a run folder or its bundle/ folder, absolute or relative to where the user typed the
 * command (pnpm sets INIT_CWD) or to the workspace root. Without `run`: the newest runs/*\/bundle.
 */
export function findBundle(run?: string, precision: 'fp32' | 'fp16' | 'int8' = 'fp32'): string {
  const root = workspaceRoot();
  const folder = bundleFolder(precision);
  const exportHint = precision === 'fp32' ? '' : ` --precision ${precision}`;
  if (run) {
    const bases = isAbsolute(run) ? [run] : [resolve(process.env.INIT_CWD ?? process.cwd(), run), resolve(root, run)];
    for (const base of bases) {
      for (const dir of [join(base, folder), base]) {
        if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'decoder.onnx'))) return dir;
      }
    }
    throw new BundleError(`No bundle at ${run} (looked for ${folder}/manifest.json and decoder.onnx under ${bases.join(' and ')}). Run \`pnpm export --run ${run}${exportHint}\` first.`);
  }
  const runs = join(root, 'runs');
  const found = (existsSync(runs) ? readdirSync(runs) : [])
    .map((name) => join(runs, name, folder))
    .filter((dir) => existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'decoder.onnx')))
    .map((dir) => ({ dir, mtime: statSync(join(dir, 'decoder.onnx')).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  if (!found.length) throw new BundleError(`No exported ${folder}/ under ${runs}. Train and export one (pnpm train, pnpm export${exportHint}) or pass --run PATH.`);
  return found[0].dir;
}

/** The bundle folder `pnpm export` writes for a precision: bundle/, bundle-fp16/, bundle-int8/. */
export function bundleFolder(precision: 'fp32' | 'fp16' | 'int8'): string {
  if (!['fp32', 'fp16', 'int8'].includes(precision)) throw new BundleError(`Unsupported precision "${String(precision)}". Should be one of: fp32, fp16, int8.`);
  return precision === 'fp32' ? 'bundle' : `bundle-${precision}`;
}
