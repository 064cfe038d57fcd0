/**
 * Locating bundles: `--run runs/NAME`, or the newest bundle under the workspace's runs/ (the newest
 * run by its manifest's createdAt: @latentkit/format's findBundles). `pnpm export` writes fp32 to
 * bundle/, fp16 to bundle-fp16/ and int8 to bundle-int8/; `precision` picks the folder.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { PRECISIONS, bundleFolderName, isPrecision, type Precision } from '@latentkit/format';
import { findBundles, isBundleDir, workspaceRoot } from '@latentkit/format/node';
import { BundleError } from '../common/errors.ts';

/**
 * `run` may be a run folder or its bundle/ folder, absolute or relative to where the user typed the
 * command (pnpm sets INIT_CWD) or to the workspace root. Without `run`: the newest bundle under runs/.
 * @throws Error naming where it looked and the export command that makes the bundle.
 */
export function findBundle(run?: string, precision: Precision = 'fp32'): string {
  if (!isPrecision(precision)) throw new Error(`Unsupported precision "${String(precision)}". Should be one of: ${PRECISIONS.join(', ')}.`);
  const root = workspaceRoot(process.cwd()) ?? process.cwd();
  const folder = bundleFolderName(precision);
  const exportHint = precision === 'fp32' ? '' : ` --precision ${precision}`;
  if (run) {
    const bases = isAbsolute(run) ? [run] : [resolve(process.env.INIT_CWD ?? process.cwd(), run), resolve(root, run)];
    for (const base of bases) {
      for (const dir of [join(base, folder), base]) if (isBundleDir(dir)) return dir;
    }
    throw new BundleError(`No bundle at ${run} (looked for ${folder}/manifest.json and decoder.onnx under ${bases.join(' and ')}). Run \`pnpm export --run ${run}${exportHint}\` first.`);
  }
  const runs = join(root, 'runs');
  const { found, invalid } = findBundles(runs, precision);
  if (!found.length) {
    const skipped = invalid.length ? ` Skipped, invalid: ${invalid.map((e) => e.message).join(' | ')}.` : '';
    throw new BundleError(`No exported ${folder}/ under ${runs}.${skipped} Train and export one (pnpm train, pnpm export${exportHint}) or pass --run PATH.`);
  }
  return found[0].dir;
}
