/**
 * Bundle precision in URLs. The rule itself (a run's fp32 bundle is its `bundle/` folder, a bundle
 * of another precision P the sibling `bundle-P/`, whose manifest says `onnx.precision: "P"`) is
 * @latentkit/format's layout.ts.
 */
import { BUNDLE_FOLDER_PATTERN, bundleFolderName, isPrecisionName } from '@latentkit/format';

export { bundleFolderName, isPrecisionName as isPrecision };

/**
 * The URL of the `precision` sibling of a bundle folder URL: `…/runs/X/bundle/` with 'fp16' ->
 * `…/runs/X/bundle-fp16/`. Throws when `precision` is not a precision name, or when `base` is
 * not a folder named `bundle` or `bundle-*` (then no sibling can be named).
 */
export function bundleUrlFor(base: string, precision: string): string {
  const folder = bundleFolderName(precision); // throws (naming the precision names) for a malformed one
  const u = new URL(base);
  const parts = u.pathname.replace(/\/$/, '').split('/');
  const last = parts.at(-1) ?? '';
  if (!BUNDLE_FOLDER_PATTERN.test(last)) {
    throw new Error(
      `precision="${precision}" picks the sibling folder ${folder}/ of a bundle folder named bundle/ or bundle-*/, ` +
        `but ${base} is named "${last}/". Point src at the ${precision} bundle itself, or drop precision.`,
    );
  }
  parts[parts.length - 1] = folder;
  u.pathname = parts.join('/') + '/';
  return u.href;
}

/** The precision a bundle manifest declares (`onnx.precision`); bundles that say nothing are fp32. */
export function manifestPrecision(manifest: unknown): string {
  const p = (manifest as { onnx?: { precision?: unknown } } | undefined)?.onnx?.precision;
  return typeof p === 'string' ? p : 'fp32';
}
