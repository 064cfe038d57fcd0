/**
 * Bundle precision, the contract shared with the exporter: a run's fp32 bundle is its `bundle/`
 * folder; a bundle of another precision P is the sibling folder `bundle-P/` (e.g. `bundle-fp16/`,
 * `bundle-int8/`), whose manifest says `onnx.precision: "P"`.
 */

/** Precision names: lower-case letters then letters/digits (fp32, fp16, int8, …). */
const PRECISION = /^[a-z][a-z0-9]*$/;
const BUNDLE_FOLDER = /^bundle(?:-([a-z][a-z0-9]*))?$/;

export function isPrecision(p: string): boolean {
  return PRECISION.test(p);
}

/** `bundle` for fp32, else `bundle-<precision>`. */
export function bundleFolderName(precision: string): string {
  return precision === 'fp32' ? 'bundle' : `bundle-${precision}`;
}

/**
 * The URL of the `precision` sibling of a bundle folder URL: `…/runs/X/bundle/` with 'fp16' ->
 * `…/runs/X/bundle-fp16/`. Throws when `precision` is not a precision name, or when `base` is
 * not a folder named `bundle` or `bundle-*` (then no sibling can be named).
 */
export function bundleUrlFor(base: string, precision: string): string {
  if (!isPrecision(precision)) {
    throw new Error(`precision "${precision}" is not a precision name; use fp32, fp16, int8, … (lower case).`);
  }
  const u = new URL(base);
  const parts = u.pathname.replace(/\/$/, '').split('/');
  const last = parts.at(-1) ?? '';
  if (!BUNDLE_FOLDER.test(last)) {
    throw new Error(
      `precision="${precision}" picks the sibling folder ${bundleFolderName(precision)}/ of a bundle folder named bundle/ or bundle-*/, ` +
        `but ${base} is named "${last}/". Point src at the ${precision} bundle itself, or drop precision.`,
    );
  }
  parts[parts.length - 1] = bundleFolderName(precision);
  u.pathname = parts.join('/') + '/';
  return u.href;
}

/** The precision a bundle manifest declares (`onnx.precision`); bundles that say nothing are fp32. */
export function manifestPrecision(manifest: unknown): string {
  const p = (manifest as { onnx?: { precision?: unknown } } | undefined)?.onnx?.precision;
  return typeof p === 'string' ? p : 'fp32';
}
